"""Award pages in Debian's chromium: right to left, no sideways scrolling of
the page (wide tables scroll inside their frame), no console errors, no
serious or critical axe-core violations — the agency page's one table with a
row group per festival and its chart included.
"""

import pytest

from chapar.checks.a11y import axe_violations

pytestmark = pytest.mark.browser

VIEWPORTS = {"phone": (360, 740), "laptop": (1366, 768)}
PAGES = {
    "index": "/awards/",
    "agency": "/awards/agency/civil-registration/",
    "festival": "/awards/festival/shahid-rajaei-1397-north-khorasan/",
}


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGES)
def test_award_page_in_chromium(site_url, page, kind, viewport):
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    response = page.goto(site_url + PAGES[kind], wait_until="load")
    assert response is not None
    assert response.ok
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of horizontal scrolling at {viewport}"
    assert page.console_errors == []
    assert page.external_requests == []
    assert axe_violations(page) == []


def test_agency_row_groups_are_headed_by_their_festival(site_url, page):
    page.goto(site_url + PAGES["agency"])
    heads = page.locator(".awards-table tbody th[scope=rowgroup]").all_inner_texts()
    assert heads
    assert all("جشنواره" in head for head in heads)
    assert (
        page.locator("#year-1397 th[scope=rowgroup] a").first.get_attribute("href")
        == "/awards/festival/shahid-rajaei-1397-north-khorasan/"
    )
