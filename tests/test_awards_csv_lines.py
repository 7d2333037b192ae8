"""Award CSVs that pandas and the csv module used to read differently: each
problem at the line an editor sees it on (README.md, "Awards (for editors)").
"""

import pytest

from awards_helpers import AWARDS, write_awards
from chapar.awards.validation import load
from conftest import make_site, news_item, refused_build

ROW = "rajaei-1397,post,,"


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems_for(here, awards):
    write_awards(here / "aw", awards=awards)
    data, problems = load("aw", today_year=1405)
    assert data is None
    return [str(p) for p in problems]


BROKEN_CELL = (
    "aw/awards.csv:4: 'category' holds a line break inside its quoted cell "
    "(Alt+Enter in Excel, or a pasted line end): write the cell on one line"
)


def test_a_mac_file_with_a_line_break_in_a_quoted_cell(here):
    # CR line endings ("CSV (Macintosh)") and a CR inside a quoted cell: the
    # csv module raised "new-line character seen in unquoted field".
    awards = (AWARDS + ROW + '"استقرار\nمیز",برتر,\n' + ROW + "خدمت,,\n").replace("\n", "\r")
    assert problems_for(here, awards) == [
        BROKEN_CELL,
        "aw/awards.csv:6: empty 'award': it is required",
    ]


def test_a_cr_inside_a_quoted_cell_of_a_windows_file_counts_as_a_line(here):
    awards = (AWARDS + ROW + '"استقرار\rمیز",برتر,\n' + ROW + "خدمت,,\n").replace("\n", "\r\n")
    assert problems_for(here, awards) == [
        BROKEN_CELL,
        "aw/awards.csv:6: empty 'award': it is required",
    ]


def test_a_mac_file_reads_like_a_unix_one(here):
    write_awards(here / "aw", awards=AWARDS.replace("\n", "\r"))
    data, problems = load("aw", today_year=1405)
    assert problems == []
    assert list(data.awards["agency"]) == ["registry", "security"]


def test_an_unclosed_quote_names_its_line(here):
    rows = "".join(f"{ROW}c{i},برتر,\n" for i in range(9))  # lines 4-12
    awards = AWARDS + rows + ROW + '"استقرار میز خدمت,برتر,\n' + rows
    assert problems_for(here, awards) == [
        (
            'aw/awards.csv:13: a quote (") opened in the row starting on this line is never '
            "closed, so the rest of the file is read as one cell; close it or remove it"
        )
    ]


def test_too_many_cells_after_a_cell_spanning_lines_names_the_real_line(here):
    awards = AWARDS + ROW + '"استقرار\nمیز",برتر,\n' + ROW + "خدمت,برتر,,x,y\n"
    assert problems_for(here, awards) == [
        (
            "aw/awards.csv:6: this row has 8 cells but the first line names 6 columns; "
            "check its quotes and the number of commas"
        )
    ]


def test_one_cell_too_many_on_the_first_row_shifts_no_column(here):
    # pandas took the first column as the index and shifted every other one.
    awards = AWARDS.replace("برتر,\n", "برتر,,اضافه\n", 1)
    assert problems_for(here, awards) == [
        (
            "aw/awards.csv:2: this row has 7 cells but the first line names 6 columns; "
            "check its quotes and the number of commas"
        )
    ]


@pytest.mark.parametrize("extra", [",", ", ,", ",,,"])
def test_empty_cells_beyond_the_columns_are_ignored(here, extra):
    # Excel keeps exporting a column whose cells were cleared.
    write_awards(here / "aw", awards=AWARDS.replace("برتر,\n", f"برتر,{extra}\n"))
    data, problems = load("aw", today_year=1405)
    assert problems == []
    assert list(data.awards["agency"]) == ["registry", "security"]
    assert set(data.awards["award"]) == {"برتر"}


def test_one_cell_too_many_on_a_later_row_is_not_dropped(here):
    awards = AWARDS + ROW + "خدمت,برتر,یادداشت,اضافه\n"
    assert problems_for(here, awards) == [
        (
            "aw/awards.csv:4: this row has 7 cells but the first line names 6 columns; "
            "check its quotes and the number of commas"
        )
    ]


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x85"])
def test_a_control_character_in_a_cell_names_its_line(here, char):
    awards = AWARDS + ROW + f"خدمت{char},برتر,\n"
    assert problems_for(here, awards) == [
        f"aw/awards.csv:4: control character U+{ord(char):04X} on this line: delete it"
    ]


def test_a_bad_csv_line_fails_the_build_and_keeps_the_output(tmp_path):
    site = make_site(tmp_path, news={"a.md": news_item(5)})
    csv_path = site / "data/awards/awards.csv"
    good = csv_path.read_text(encoding="utf-8")
    lines = good.count("\n")
    csv_path.write_text(good.replace("\n", "\r") + 'x,tax,,"باز,برتر,\r', encoding="utf-8")
    assert refused_build(site) == [
        (
            f'data/awards/awards.csv:{lines + 1}: a quote (") opened in the row starting on '
            "this line is never closed, so the rest of the file is read as one cell; close it "
            "or remove it"
        )
    ]
