"""Awards plugin: each validation problem, from one bad CSV, at its exact path:line."""

import pytest

from awards_helpers import AGENCIES, AWARDS, FESTIVALS, write_awards
from chapar.awards.validation import load


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def problems_for(here, **files):
    write_awards(here / "aw", **files)
    data, problems = load("aw", today_year=1405)
    assert data is None
    assert problems
    return [str(p) for p in problems]


def test_the_fixture_itself_is_valid(here):
    write_awards(here / "aw")
    data, problems = load("aw", today_year=1405)
    assert problems == []
    assert list(data.awards["agency"]) == ["registry", "security"]
    assert data.awards["share"].nunique() == 1  # one shared award


def test_missing_and_unknown_columns(here):
    found = problems_for(here, agencies="id,nmae,province\nregistry,ثبت احوال,\n")
    assert (
        "aw/agencies.csv:1: unknown column 'nmae' (did you mean 'name'?); expected: id, name, aliases, province, website"
        in found
    )
    assert "aw/agencies.csv:1: missing column 'name'" in found


def test_empty_required_cell(here):
    found = problems_for(here, awards=AWARDS + "rajaei-1397,post,,استقرار میز خدمت,,\n")
    assert found == ["aw/awards.csv:4: empty 'award': it is required"]


def test_award_without_category_or_group(here):
    found = problems_for(here, awards=AWARDS + "rajaei-1397,post,,,برتر,\n")
    assert found == [
        "aw/awards.csv:4: empty 'category' and 'group': an award needs at least one of them"
    ]


def test_duplicate_ids(here):
    found = problems_for(here, agencies=AGENCIES + "post,اداره کل پست استان,,,\n")
    assert found == ["aw/agencies.csv:5: duplicate id 'post': already used on line 4"]


def test_id_that_is_not_an_ascii_slug(here):
    found = problems_for(here, agencies=AGENCIES + "Post Office,اداره پست,,,\n")
    assert len(found) == 1
    assert found[0].startswith("aw/agencies.csv:5: id 'Post Office' must be an ASCII slug")


def test_duplicate_award_rows_even_spelt_differently(here):
    found = problems_for(
        here, awards=AWARDS + "\nrajaei-1397,اداره كل ثبت احوال,,استقرار  میز خدمت,برتر,\n"
    )
    assert found == [
        "aw/awards.csv:5: duplicate award: the same festival, agency, group, category and award as line 2"
    ]


def test_duplicate_award_rows_across_files(here):
    extra = "festival,agency,category,award\nrajaei-1397,security,استقرار میز خدمت,برتر\n"
    found = problems_for(here, awards_1397=extra)
    assert found == [
        (
            "aw/awards-1397.csv:2: duplicate award: the same festival, agency, group, category "
            "and award as awards.csv:3"
        )
    ]


def test_unknown_festival_suggests_ids(here):
    found = problems_for(here, awards=AWARDS + "rajaei-1379,post,,استقرار میز خدمت,برتر,\n")
    assert found == [
        "aw/awards.csv:4: festival 'rajaei-1379' is not in festivals.csv; closest: «rajaei-1397»"
    ]


def test_misspelt_agency_name_suggests_closest_names(here):
    found = problems_for(here, awards=AWARDS + "rajaei-1397,اداره کل ثبت اهوال,,گروه دوم,برتر,\n")
    assert len(found) == 1
    assert found[0].startswith(
        "aw/awards.csv:4: agency «اداره کل ثبت اهوال» matches no id, name or alias in agencies.csv; "
        "closest: «اداره کل ثبت احوال»"
    )


@pytest.mark.parametrize(
    ("year", "hint"),
    [
        ("2018", "2018 looks Gregorian: use the Jalali year (1397)"),
        ("97", "write all four digits (1397?)"),
        ("1499", "(1300–1406)"),
    ],
)
def test_implausible_jalali_year(here, year, hint):
    found = problems_for(here, festivals=FESTIVALS.replace(",1397,", f",{year},"))
    assert len(found) == 1
    assert found[0].startswith(f"aw/festivals.csv:2: year '{year}' is not a plausible Jalali year")
    assert hint in found[0]


def test_bad_numbers_and_dates(here):
    festivals = FESTIVALS + "second,جشنواره دوم,1398,خراسان شمالی,1398/12/30,-5,سی\n"
    found = problems_for(here, festivals=festivals)
    assert found[0].startswith("aw/festivals.csv:3: held_on: impossible date '1398/12/30'")
    assert "aw/festivals.csv:3: honored_employees 'سی' is not a whole number" in found
    assert "aw/festivals.csv:3: news_code '-5' is not a whole number" in found


def test_alias_claimed_by_two_agencies(here):
    found = problems_for(here, agencies=AGENCIES + "insurance,اداره کل بیمه,تامین اجتماعی,,\n")
    assert found == [
        (
            "aw/agencies.csv:5: alias «تامین اجتماعی» is already claimed by agency 'security' "
            "(line 3); an alias must name one agency"
        )
    ]


def test_every_problem_is_reported_sorted_by_file_and_line(here):
    awards = AWARDS + "nowhere,post,,c,برتر,\nrajaei-1397,nobody,,c,برتر,\n"
    found = problems_for(here, awards=awards, agencies=AGENCIES + "post,x,,,\n")
    assert [f.split(": ")[0] for f in found] == [
        "aw/agencies.csv:5",
        "aw/awards.csv:4",
        "aw/awards.csv:5",
    ]


def test_missing_file(here):
    found = problems_for(here, festivals=None)
    assert found == [
        "aw/festivals.csv:1: missing file; festivals.csv is required next to awards.csv"
    ]


def test_undecodable_file_is_rejected_with_how_to_export(here):
    bad = AGENCIES.encode("utf-8") + "x,\u00e9\u00e8 Latin-1 only,,,\n".encode("latin-1")
    found = problems_for(here, agencies=bad)
    assert len(found) == 1
    assert found[0].startswith("aw/agencies.csv:")
    assert "CSV UTF-8" in found[0]


def test_windows_1256_file_is_read_as_persian(here):
    # Windows-1256 has no Persian ی: Excel writes the Arabic ي, which is folded back.
    write_awards(here / "aw", agencies=AGENCIES.replace("ی", "ي").encode("cp1256"))
    data, problems = load("aw", today_year=1405)
    assert problems == []
    assert set(data.agencies["name"]) == {
        "اداره کل ثبت احوال",
        "اداره کل تامین اجتماعی",
        "اداره کل پست",
    }
