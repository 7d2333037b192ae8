"""Awards plugin: reading, normalising, matching, Persian collation."""

import pytest

from awards_helpers import FESTIVALS, write_awards
from chapar.awards.collation import persian_sorted
from chapar.awards.matching import AgencyIndex
from chapar.awards.reading import decode, read_table
from chapar.awards.validation import AWARD_COLUMNS, load


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# --- reading ------------------------------------------------------------------


def test_bom_and_plain_utf8_read_the_same(here):
    text = "festival,agency,category,award\nf,اداره کل ثبت احوال,میز خدمت,برتر\n"
    (here / "a.csv").write_bytes(text.encode("utf-8"))
    (here / "b.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    a, _ = read_table("a.csv", *AWARD_COLUMNS)
    b, _ = read_table("b.csv", *AWARD_COLUMNS)
    assert list(a.frame.columns) == list(b.frame.columns)
    assert a.frame.to_dict("records") == b.frame.to_dict("records")
    assert a.frame.loc[0, "agency"] == "اداره کل ثبت احوال"


def test_windows_1256_is_decoded_to_persian():
    text = "festival,agency,category,award\nf,اداره کل پست,گروه چهارم,برتر\n"
    decoded, problem = decode("x.csv", text.encode("cp1256"))
    assert problem is None
    assert decoded == text


def test_broken_utf8_is_rejected_not_read_as_mojibake():
    data = "id,name\npost,اداره کل پست\n".encode() + b"bad,\xff\xfe\n"
    text, problem = decode("x.csv", data)
    assert text is None
    assert str(problem).startswith("x.csv:3: the file is not valid UTF-8")
    assert "CSV UTF-8" in problem.message


def test_utf16_is_rejected_with_how_to_export():
    text, problem = decode("x.csv", "id,name\n".encode("utf-16"))
    assert text is None
    assert "CSV UTF-8" in problem.message
    assert problem.line == 1


def test_semicolon_separated_excel_export_is_read(here):
    (here / "a.csv").write_text("festival;agency;category;award\nf;post;c;برتر\n", encoding="utf-8")
    table, problems = read_table("a.csv", *AWARD_COLUMNS)
    assert problems == []
    assert table.frame.loc[0, "agency"] == "post"


# --- normalising --------------------------------------------------------------


def test_cells_are_normalised_and_lines_kept(here):
    (here / "a.csv").write_text(
        "Festival , AGENCY,category,award\n\nf,  اداره  كل ثبت احوال ,رشد شاخص\u0640ها,برتر\n",
        encoding="utf-8",
    )
    table, problems = read_table("a.csv", *AWARD_COLUMNS)
    assert problems == []
    row = table.frame.iloc[0]
    assert row["agency"] == "اداره کل ثبت احوال"  # Arabic kaf, double and edge spaces
    assert row["category"] == "رشد شاخصها"  # kashida dropped
    assert row["group"] == ""
    assert row["note"] == ""
    assert row["line"] == 3  # the blank line still counts


def test_persian_digits_in_number_columns(here):
    festivals = FESTIVALS.replace(",1397,", ",۱۳۹۷,").replace(",4385870,32", ",۴۳۸۵۸۷۰,٣٢")
    write_awards(here / "aw", festivals=festivals)
    data, problems = load("aw")
    assert problems == []
    row = data.festivals.iloc[0]
    assert (row["year"], row["news_code"], row["honored_employees"]) == (1397, 4385870, 32)


# --- matching -----------------------------------------------------------------


def test_agencies_are_matched_by_id_name_or_alias_after_folding():
    index = AgencyIndex()
    index.add_id("security")
    assert index.claim("security", "اداره کل تامین اجتماعی") is None
    assert index.claim("security", "تأمین اجتماعی") is None
    assert index.lookup("SECURITY") == "security"
    assert index.lookup("اداره  كل تامين اجتماعي") == "security"  # Arabic letters, spaces
    assert index.lookup("اداره\u200cکل تامین اجتماعی") == "security"  # ZWNJ for a space
    assert index.lookup("تأمین اجتماعی") == "security"
    assert index.lookup("اداره کل ثبت احوال") is None
    assert index.closest("اداره کل تامین اجتمائی")[0] == "اداره کل تامین اجتماعی"


def test_a_second_claim_on_a_name_names_the_first_agency():
    index = AgencyIndex()
    index.claim("a", "ثبت احوال")
    assert index.claim("b", "ثبت  احوال") == ("a", "ثبت احوال")


# --- collation ----------------------------------------------------------------


def test_persian_alphabetical_order_not_code_points():
    names = ["منابع طبیعی", "گمرک", "تعاون", "پست", "آموزش", "ابنیه", "یگان", "چاپ", "ژاله", "کار"]
    assert persian_sorted(names) == [
        "آموزش",
        "ابنیه",
        "پست",
        "تعاون",
        "چاپ",
        "ژاله",
        "کار",
        "گمرک",
        "منابع طبیعی",
        "یگان",
    ]
    assert sorted(["تعاون", "پست"]) == ["تعاون", "پست"]  # what code points would do


def test_collation_compares_word_by_word_and_folds_arabic_letters():
    assert persian_sorted(["اداره کل منابع", "اداره کل گمرک", "اداره کلی", "اداره كل پست"]) == [
        "اداره كل پست",
        "اداره کل گمرک",
        "اداره کل منابع",
        "اداره کلی",
    ]


def test_settings_defaults_are_merged_and_bad_addresses_named():
    from chapar_awards.generator import awards_settings

    merged = awards_settings({"AWARDS": {"path": "elsewhere"}, "SITENAME": "x"})
    assert merged["path"] == "elsewhere"
    assert merged["agency_url"] == "awards/agency/{id}/"
    assert "SITENAME" not in merged
    with pytest.raises(ValueError, match="AWARDS\\['agency_url'\\] must contain"):
        awards_settings({"AWARDS": {"agency_url": "awards/agency/"}})


def test_line_numbers_count_cells_that_span_lines(here):
    (here / "a.csv").write_text(
        'festival,agency,category,award,note\nf,post,c,برتر,"two\nlines"\n\nf,post,d,,\n',
        encoding="utf-8",
    )
    table, _ = read_table("a.csv", *AWARD_COLUMNS)
    assert list(table.frame["line"]) == [2, 5]


# --- speed without changing what is read or shown ------------------------------


def test_repeated_cells_are_normalised_like_single_ones(here):
    # Each distinct value is cleaned once and copied to its rows (reading.normalize_cells).
    rows = ["f,  اداره  كل پست ,ك\u0640ها,برتر", "f,اداره كل پست,كها,برتر", "g,پست,,برگزیده"] * 3
    (here / "a.csv").write_text(
        "festival,agency,category,award\n" + "\n".join(rows) + "\n", encoding="utf-8"
    )
    table, problems = read_table("a.csv", *AWARD_COLUMNS)
    assert problems == []
    assert list(table.frame["agency"]) == ["اداره کل پست", "اداره کل پست", "پست"] * 3
    assert list(table.frame["category"]) == ["کها", "کها", ""] * 3
    assert list(table.frame["line"]) == list(range(2, 11))


def test_chart_writes_every_count_and_only_the_year_labels_that_fit():
    from chapar.awards.chart import history

    few = history({1397: 1, 1399: 2})
    assert [b.labelled for b in few.bars] == [True, True, True]
    assert [(b.year, b.count) for b in few.bars] == [(1397, 1), (1398, 0), (1399, 2)]
    many = history({1380 + i: i % 4 for i in range(25)})  # 25 bars of 25.6 units
    assert [b.year for b in many.bars] == list(range(1380, 1405))
    assert [b.year for b in many.bars if b.labelled] == list(range(1380, 1405, 2))
    tallest = next(b for b in many.bars if b.count == 3)
    assert (tallest.y, tallest.height, tallest.count_y) == (24, 148, 18)  # no "24.0"
    assert many.bars[0].x > many.bars[1].x  # oldest at the right (RTL)


def test_award_objects_are_kept_from_the_garbage_collector_during_a_build_only():
    import gc

    from chapar.awards import heap

    heap.thaw()  # a failed build earlier in this process leaves its objects frozen
    assert gc.get_freeze_count() == 0
    with heap.paused():
        assert not gc.isenabled()
        heap.freeze()
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    heap.freeze()  # once only
    heap.thaw()
    assert gc.get_freeze_count() == 0
    gc.freeze()  # someone else's freeze is neither joined nor undone
    try:
        heap.freeze()
        heap.thaw()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
