"""Gates that cost what changed (chapar.publishing.changed): after a passing
check, a publish checks only the files that changed (and the pages whose
links may have broken), and finds exactly what a full check finds.
"""

import json
import re
import shutil

import pytest

from chapar.publishing.changed import run_changed_gates
from chapar.publishing.gates import run_gates
from conftest import build_site, make_site, news_item

FINGERPRINT = "code, theme and settings"


@pytest.fixture(scope="module")
def passed(tmp_path_factory):
    """A built site that passed every gate, with the record of that pass."""
    tmp = tmp_path_factory.mktemp("changed")
    news = {
        f"{n}.md": news_item(
            n,
            title=f"خبر شماره {n}",
            extra="Tags: بجنورد\n",
            body=f"متن خبر شماره {n} درباره استان.",
        )
        for n in range(1, 5)
    }
    comments = {
        "1/1.md": "Author: الف\nDate: 1397/06/05 10:00\n\nاین خبر شماره یک درباره استان خبر خوبی برای مردم استان بود.\n"
    }
    site = make_site(tmp, news=news, comments=comments)
    out = build_site(site)
    # published (on topic), so that withholding it later leaves it in pages not rebuilt
    assert "برای مردم استان" in (out / "news/1/index.html").read_text("utf-8")
    # A link from one article to an #anchor of another (the anchor case below).
    one, two = out / "news/1/index.html", out / "news/2/index.html"
    one.write_text(
        one.read_text("utf-8").replace(
            "</main>", '<p><a href="/news/2/#planted">دو</a></p></main>', 1
        ),
        "utf-8",
    )
    two.write_text(
        two.read_text("utf-8").replace("</main>", '<p id="planted">هدف</p></main>', 1), "utf-8"
    )
    state = tmp / "gates.json"
    results, summary = run_changed_gates(
        out, secrets={}, state=state, site_fingerprint=FINGERPRINT, browser=False
    )
    assert summary["full"]
    assert results == {gate: [] for gate in results}
    assert state.is_file()
    return out, state


@pytest.fixture
def copy(passed, tmp_path):
    """The passed output and its record, copied (every file's inode differs:
    the record's digests, not the inodes, decide what changed).
    """
    out, state = passed
    shutil.copytree(out, tmp_path / "output")
    shutil.copy(state, tmp_path / "gates.json")
    return tmp_path / "output", tmp_path / "gates.json"


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def same_as_full(out, state, secrets=None, expect_full=False):
    """The changed-only check's problems, asserted equal to a full check's."""
    results, summary = run_changed_gates(
        out, secrets=secrets or {}, state=state, site_fingerprint=FINGERPRINT, browser=False
    )
    full = run_gates(out, secrets=secrets or {}, browser=False)
    assert {g: sorted(p) for g, p in results.items()} == {g: sorted(p) for g, p in full.items()}
    assert summary["full"] is expect_full
    return results, summary


def test_nothing_changed_checks_no_page(copy):
    out, state = copy
    results, summary = same_as_full(out, state)
    assert summary["checked pages"] == 0
    assert summary["changed"] == 0
    assert not any(results.values())


def test_a_broken_link_and_an_invalid_element_in_a_changed_page(copy):
    out, state = copy
    edit(
        out / "news/3/index.html",
        "</main>",
        '<span><div>نادرست</div></span><a href="/news/99/">گم</a></main>',
    )
    results, summary = same_as_full(out, state)
    assert summary["changed"] == 1
    assert results["links"] == ["news/3/index.html: /news/99/ (no such file)"]
    assert results["html"]
    assert all(p.startswith("news/3/index.html:") for p in results["html"])


def test_an_unchanged_page_that_links_to_a_page_that_disappeared(copy):
    out, state = copy
    (out / "news/4/index.html").unlink()
    results, summary = same_as_full(out, state)
    assert summary["removed"] == 1
    broken = results["links"]
    assert broken
    assert all("(no such file)" in p and "news/4/" in p for p in broken)
    assert {p.split(":")[0] for p in broken} - {
        "news/4/index.html"
    }  # the home page, the tag page...


def test_an_anchor_gone_from_a_changed_page_breaks_an_unchanged_page(copy):
    out, state = copy
    edit(out / "news/2/index.html", '<p id="planted">', "<p>")
    results, _ = same_as_full(out, state)
    assert results["links"] == [
        "news/1/index.html: /news/2/#planted (no element with id 'planted')"
    ]


def test_a_leaked_address_and_a_new_secret_in_unchanged_files(copy):
    out, state = copy
    fragment = next((out / "pagefind").rglob("*.pf_fragment"), None) or out / "feeds/all.atom.xml"
    leak = out / "news/3/index.html"
    edit(leak, "</main>", "<p>reader@example.com</p></main>")
    # A text now withheld (a comment held after it was published) that is in pages not rebuilt.
    secrets = {"held comment 1/1": "این خبر شماره یک درباره استان خبر خوبی برای مردم استان بود"}
    results, _ = same_as_full(out, state, secrets=secrets)
    assert "news/3/index.html: e-mail address reader@example.com" in results["privacy"]
    assert "news/1/index.html: contains held comment 1/1" in results["privacy"]
    assert fragment.exists()


def test_heavier_markup_in_a_changed_article_breaks_its_budget(copy):
    out, state = copy
    heavy = "".join(f"<span class=x{n}>{n * 7919 % 1000003}</span>" for n in range(6000))
    edit(out / "news/2/index.html", "</main>", f"<p>{heavy}</p></main>")
    results, _ = same_as_full(out, state)
    assert [p.split(":")[0] for p in results["budgets"]] == ["news/2/index.html"]


def test_a_changed_stylesheet_or_fingerprint_checks_everything(copy):
    out, state = copy
    css = next((out / "theme").rglob("*.css"))
    css.write_text(css.read_text("utf-8") + "\n.x{color:red}\n", "utf-8")
    _, summary = same_as_full(out, state, expect_full=True)
    assert summary["checked pages"] == summary["pages"]
    record = json.loads(state.read_text("utf-8"))
    record["fingerprint"] = "another theme"
    state.write_text(json.dumps(record), "utf-8")
    css.write_text(css.read_text("utf-8"), "utf-8")
    _, summary = run_changed_gates(out, state=state, site_fingerprint=FINGERPRINT, browser=False)
    assert summary["full"]


def test_a_failed_check_keeps_the_last_passing_record(copy):
    out, state = copy
    before = state.read_bytes()
    edit(out / "news/3/index.html", "</main>", '<a href="/gone/">گم</a></main>')
    results, _ = same_as_full(out, state)
    assert results["links"]
    assert state.read_bytes() == before
    edit(out / "news/3/index.html", '<a href="/gone/">گم</a>', "")
    results, summary = same_as_full(out, state)
    assert not any(results.values())
    assert summary["changed"] == 0  # the bytes equal the passed ones again
    assert re.search(rb'"news/3/index.html"', state.read_bytes())


def test_the_record_walk_names_every_file_and_page_as_the_checks_do(passed):
    """One walk of the output gives the digests and the pages (no second walk)."""
    from chapar.checks.pages import html_files
    from chapar.publishing.changed import digests, pages_of

    out, _state = passed
    files = digests(out)
    assert set(files) == {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert pages_of(files) == {p.relative_to(out).as_posix() for p in html_files(out)}
    assert any(rel.startswith("pagefind/") for rel in files)  # listed, but not a page


def test_a_full_check_reads_each_page_once_and_records_its_links(copy, monkeypatch):
    """The record's link graph comes from the links gate's own reading (a full check at
    5,000 articles read every page a second time for it).
    """
    from collections import Counter

    from chapar.checks import links

    out, _state = copy
    reads = Counter()
    real_parse = links.parse

    def parse(path):
        reads[str(path)] += 1
        return real_parse(path)

    monkeypatch.setattr(links, "parse", parse)
    state = out.parent / "fresh-gates.json"
    results, summary = run_changed_gates(
        out, secrets={}, state=state, site_fingerprint=FINGERPRINT, browser=False
    )
    assert summary["full"]
    assert not any(results.values())
    assert reads
    assert set(reads.values()) == {1}
    record = json.loads(state.read_text("utf-8"))
    names = record["names"]
    monkeypatch.setattr(links, "parse", real_parse)
    assert {
        page: tuple({names[i] for i in ids} for ids in entry)
        for page, entry in record["links"].items()
    } == links.link_targets(out)
