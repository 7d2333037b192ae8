"""Award page records: named fields for the templates, page-cache keys of plain values."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from awards_helpers import AGENCIES, FESTIVALS, write_awards
from chapar.awards import opendata, records
from chapar.awards.records import AgencyRow, FestivalRow, Group, Link, Section
from chapar.awards.validation import load
from chapar_page_cache.fingerprint import Fingerprints, Unfingerprintable

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {
    "agency_url": "awards/agency/{id}/",
    "agency_save_as": "awards/agency/{id}/index.html",
    "festival_url": "awards/festival/{id}/",
    "festival_save_as": "awards/festival/{id}/index.html",
}
AWARDS = (
    "festival,agency,group,category,award,note\n"
    "rajaei-1397,registry,,استقرار میز خدمت,برتر,\n"
    "rajaei-1397,security,,استقرار میز خدمت,برتر,\n"
    "rajaei-1397,post,گروه عمومی,,برگزیده,یادداشت <b>\n"
)


def site(folder, awards=AWARDS):
    data, problems = load(str(write_awards(folder, AGENCIES, FESTIVALS, awards)))
    assert problems == []
    return records.build(data, SETTINGS)


def keys(awards_site):
    """Every agency's and festival's page key, by page."""
    fingerprints = Fingerprints()
    return {
        item.save_as: fingerprints.of(item, "item")
        for item in (*awards_site.agencies, *awards_site.festivals)
    }


def test_pages_get_named_records(tmp_path):
    built = site(tmp_path)
    registry = built.by_id["registry"]
    (section,) = registry.sections
    assert isinstance(section, Section)
    assert (section.year, section.first_of_year, section.festival.id) == (1397, True, "rajaei-1397")
    (row,) = section.rows
    assert isinstance(row, AgencyRow)
    assert (row.category, row.award, row.note) == ("استقرار میز خدمت", "برتر", "")
    assert row.partners == (Link(True, "awards/agency/security/", "اداره کل تامین اجتماعی"),)
    assert built.by_id["post"].sections[0].rows[0].note == "یادداشت &lt;b&gt;"  # escaped once
    groups = built.festival_by_id["rajaei-1397"].groups
    assert all(
        isinstance(g, Group) and all(isinstance(r, FestivalRow) for r in g.rows) for g in groups
    )
    assert [(g.name, g.has_category) for g in groups] == [("", True), ("گروه عمومی", False)]
    shared = groups[0].rows[0]
    assert shared.shared
    assert [w.name for w in shared.winners] == [
        "اداره کل تامین اجتماعی",
        "اداره کل ثبت احوال",
    ]
    assert [w.first for w in shared.winners] == [True, False]


def test_open_data_rows_have_a_field_per_column(tmp_path):
    built = site(tmp_path)
    assert opendata.Row._fields == tuple(name for name, _, _ in opendata.COLUMNS)
    row = next(r for r in built.rows if r.agency == "post")
    assert isinstance(row, opendata.Row)
    assert (row.festival_year, row.agency_name, row.group, row.note) == (
        1397,
        "اداره کل پست",
        "گروه عمومی",
        "یادداشت <b>",
    )  # as typed: the data is not HTML
    assert list(opendata.frame(built).columns) == list(opendata.Row._fields)


def test_page_keys_are_the_same_for_the_same_data_in_any_process(tmp_path):
    """No address or other per-process value gets into a key: another
    interpreter (another hash seed, other addresses) gives the same keys.
    """
    here = keys(site(tmp_path / "a"))
    again = keys(site(tmp_path / "b"))
    assert here == again
    assert len(here) == 4
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "sys.path[:0] = [sys.argv[1] + '/tests']\n"
        "import test_awards_records as t\n"
        "print(json.dumps(t.keys(t.site(Path(sys.argv[2])))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(ROOT), str(tmp_path / "c")],
        capture_output=True,
        text=True,
        check=True,
        env={
            "PYTHONHASHSEED": "12345",
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": f"{ROOT}:{ROOT / 'plugins'}",
        },
    )
    assert json.loads(done.stdout) == here


@pytest.mark.parametrize(
    ("change", "pages"),
    [
        ("a note", {"awards/agency/post/index.html"}),
        ("an award", {"awards/agency/post/index.html", "awards/festival/rajaei-1397/index.html"}),
        (
            "a partner",
            {
                "awards/agency/registry/index.html",
                "awards/agency/security/index.html",
                "awards/festival/rajaei-1397/index.html",
            },
        ),
        (
            "a group's category",
            {"awards/agency/post/index.html", "awards/festival/rajaei-1397/index.html"},
        ),
    ],
)
def test_a_changed_field_changes_the_keys_of_the_pages_that_show_it(tmp_path, change, pages):
    before = keys(site(tmp_path / "before"))
    edited = {
        "a note": AWARDS.replace("یادداشت <b>", "یادداشت دیگر"),
        "an award": AWARDS.replace(",برگزیده,", ",برتر,"),
        "a partner": AWARDS.replace("rajaei-1397,security,", "rajaei-1397,post,"),
        "a group's category": AWARDS.replace("گروه عمومی,,", "گروه عمومی,میز خدمت,"),
    }[change]
    after = keys(site(tmp_path / "after", edited))
    changed = {page for page in before if before[page] != after[page]}
    # the partner change moves "post" into the shared result and out of its own row
    assert changed >= pages
    if change != "a partner":
        assert changed == pages


def test_a_record_field_changes_the_key():
    row = AgencyRow("", "میز خدمت", "برتر", "", ())
    for other in (
        row._replace(note="x"),
        row._replace(partners=(Link(True, "u/", "n"),)),
        row._replace(award="برگزیده"),
    ):
        assert records.page_key([other]) != records.page_key([row])
    assert records.page_key([row]) == records.page_key([AgencyRow(*row)])
    assert records.page_key(Link(True, "u/", "n")) != records.page_key(Link(1, "u/", "n"))


def test_a_page_key_refuses_objects_it_cannot_write_down():
    class Opaque:
        __slots__ = ()

    with pytest.raises(TypeError):
        records.page_key([AgencyRow("", "", "", "", (Opaque(),))])

    class Page:
        def __page_key__(self, fingerprints):
            return records.page_key((1, Opaque()))

    with pytest.raises(Unfingerprintable):  # rendered every time, never keyed by an address
        Fingerprints().of(Page(), "item")


def test_fingerprints_digest_named_tuples_by_fields_and_never_an_address():
    fingerprints = Fingerprints()
    link = Link(True, "awards/agency/a/", "الف")
    assert fingerprints.of(link) == Fingerprints().of(Link(True, "awards/agency/a/", "الف"))
    assert fingerprints.of(link) != fingerprints.of(link._replace(name="ب"))

    class Opaque:
        __slots__ = ()

    with pytest.raises(Unfingerprintable):
        fingerprints.of(Opaque())


def test_award_templates_read_fields_by_name_never_by_position():
    templates = [
        *ROOT.glob("theme/templates/*award*.html"),
        *ROOT.glob("theme/templates/partials/*award*.html"),
        ROOT / "theme/templates/partials/article_agencies.html",
    ]
    assert len(templates) >= 5
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"{%-?\s*for\s+\w+\s*,", text), path  # {% for a, b in rows %}
        assert not re.search(r"\w\[-?\d+\](?!\.)", text), path  # row[3], not bars[0].year
        assert not re.search(r"{%-?\s*set\s+\w+\s*,[^=]*=\s*\w+\s*%}", text), path  # set a, b = row


def test_partners_are_the_others_in_persian_order_the_first_marked(tmp_path):
    three = AWARDS.replace(
        "rajaei-1397,post,گروه عمومی,,برگزیده,", "rajaei-1397,post,,استقرار میز خدمت,برتر,"
    )
    built = site(tmp_path, three)
    winners = built.festival_by_id["rajaei-1397"].groups[0].rows[0].winners
    order = [w.name for w in winners]
    assert order == ["اداره کل پست", "اداره کل تامین اجتماعی", "اداره کل ثبت احوال"]
    for agency in built.agencies:
        partners = agency.sections[0].rows[0].partners
        assert [p.name for p in partners] == [n for n in order if n != agency.name]
        assert [p.first for p in partners] == [True, False]
