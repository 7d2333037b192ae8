"""axe-core in a publish that checks what changed (chapar.publishing.changed): it opens
one changed page of each type, so a fault planted in a changed article is found on that
page, and a publish in which nothing changed starts no browser at all.
"""

import concurrent.futures

from test_changed_gates import FINGERPRINT, copy, edit, passed  # noqa: F401 (fixtures)

from chapar.checks import a11y as gates_a11y
from chapar.publishing import gates
from chapar.publishing.changed import run_changed_gates


def changed_gates(out, state):
    # In a thread of its own, as `invoke publish` runs it: the browser tests leave
    # an asyncio loop in pytest's thread, where Playwright's sync API refuses to run.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(
            run_changed_gates, out, state=state, site_fingerprint=FINGERPRINT, browser=True
        ).result()


def test_axe_opens_the_changed_article_and_finds_its_fault(copy, monkeypatch):
    out, state = copy
    opened = []
    real = gates.pages_of_each_type
    monkeypatch.setattr(
        gates, "pages_of_each_type", lambda *a, **k: opened.append(real(*a, **k)) or opened[-1]
    )
    edit(out / "news/3/index.html", "</main>", '<p><img src="/none.png"></p></main>')
    results, summary = changed_gates(out, state)
    assert not summary["full"]
    assert opened == [{"article": "news/3/index.html"}]  # not the first article, news/1
    assert any(
        p.startswith("news/3/index.html (article): image-alt") for p in results["accessibility"]
    ), results["accessibility"]


def test_nothing_changed_starts_no_browser(copy, monkeypatch):
    out, state = copy

    def no_browser(*args, **kwargs):
        raise AssertionError("a browser was started for a publish with nothing changed")

    monkeypatch.setattr("chapar.checks.serve.browse", no_browser)
    results, summary = changed_gates(out, state)
    assert summary["changed"] == 0
    assert results["accessibility"] == []


def test_pages_checked_side_by_side_keep_their_own_faults(copy, monkeypatch):
    # each page's axe run goes on while the next page loads: its faults stay its own
    out, state = copy
    started = []
    real = gates_a11y.start_axe
    monkeypatch.setattr(gates_a11y, "start_axe", lambda page: started.append(page) or real(page))
    edit(out / "news/2/index.html", "</main>", '<p><img src="/none.png"></p></main>')
    tag = next((out / "tag").iterdir()) / "index.html"
    edit(tag, "</main>", '<p><a href="/news/1/"></a></p></main>')
    results, _summary = changed_gates(out, state)
    assert len(started) == 2
    assert len({id(page) for page in started}) == 2  # a page of its own each
    article = [p for p in results["accessibility"] if p.startswith("news/2/index.html (article)")]
    tagged = [p for p in results["accessibility"] if p.startswith(f"tag/{tag.parent.name}/")]
    assert [p.split(": ", 1)[1].split(" ")[0] for p in article] == ["image-alt"]
    assert [p.split(": ", 1)[1].split(" ")[0] for p in tagged] == ["link-name"]
    assert len(results["accessibility"]) == 2
