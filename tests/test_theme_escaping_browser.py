"""The hostile fixture site (tests/escaping_support.py) in Debian's chromium:
no payload of a news header or an award cell runs, on load or on hover.

Every payload calls ``alert()`` or ``__pwn()``; the page records dialogs and
calls to ``__pwn`` (a function exposed by the test), and each check ends by
calling both itself, so a hook that did not work fails the test.
"""

from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import serve_folder
from escaping_support import AGENCY, TITLE, hostile_site  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def hostile_url(hostile_site):
    server, url = serve_folder(hostile_site)
    yield url
    server.shutdown()


def site_pages(out):
    """Every page of the site that shows a header or a cell."""
    out = Path(out)
    found = [
        "/",
        "/news/7001/",
        "/news/7002/",
        "/archive/1397/06/",
        "/awards/",
        "/awards/agency/hostile/",
        "/awards/agency/partner/",
        "/awards/festival/fest-1397/",
    ]
    for kind in ("tag", "category"):
        found += [
            f"/{kind}/{quote(p.parent.name)}/" for p in sorted((out / kind).glob("*/index.html"))
        ]
    return found


def watch(page):
    """``(calls, dialogs)``: what payloads did on this page."""
    calls, dialogs = [], []
    page.expose_function("__pwn", lambda *args: calls.append(args))

    def on_dialog(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return calls, dialogs


# every element's handlers, as a reader's pointer and keyboard would set them off
PROVOKE = """() => {
  for (const el of document.querySelectorAll("*")) {
    for (const type of ["mouseover", "mouseenter", "focus", "click"]) {
      if (type === "click" && el.closest("a, button, form")) continue;
      el.dispatchEvent(new Event(type, {bubbles: true}));
    }
  }
}"""


@pytest.mark.browser
def test_no_header_or_cell_payload_runs_in_chromium(hostile_url, hostile_site, page):
    calls, dialogs = watch(page)
    visited = site_pages(hostile_site)
    assert len(visited) >= 11  # two tags and a category besides the fixed pages
    for path in visited:
        response = page.goto(hostile_url + path, wait_until="load")
        assert response is not None, path
        assert response.ok, path
        page.evaluate(PROVOKE)
        if path == "/awards/agency/hostile/":
            page.hover(f'a[href="{AGENCY["website"]}"]')
    # search results: titles and excerpts from Pagefind's index of these pages
    for query in ("script", "onmouseover", "اداره"):
        page.goto(f"{hostile_url}/search/?q={quote(query)}", wait_until="load")
        page.wait_for_selector(".search__result .search__excerpt")
        page.evaluate(PROVOKE)
        assert TITLE in page.inner_text(".search__results") or query == "اداره"
    # the hooks work: the page's own calls reach them, after any payload's
    page.evaluate("() => window.__pwn('control')")
    page.evaluate("() => alert('control')")
    assert calls[-1:] == [("control",)]
    assert dialogs[-1:] == ["control"]
    assert (calls[:-1], dialogs[:-1]) == ([], [])
    assert page.console_errors == []
    assert page.external_requests == []
    page.goto(hostile_url + "/news/7001/", wait_until="load")
    assert page.title() == f"{TITLE} | چاپار"
    assert page.inner_text("h1") == TITLE
