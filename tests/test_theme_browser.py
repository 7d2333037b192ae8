"""Every page type in Debian's chromium: right to left, no sideways scrolling at
phone and laptop sizes, no console errors, nothing loaded from another host,
no serious or critical axe-core (WCAG 2.1 A/AA) violations.  Screenshots go
to test-artifacts/screenshots/ for people to look at.
"""

import pytest

from chapar.checks.a11y import axe_violations
from conftest import ROOT, serve_folder
from theme_support import theme_site  # noqa: F401  (fixture)

SHOTS = ROOT / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": (360, 740), "laptop": (1366, 768)}
PAGES = {
    "home": "/",
    "home-page-2": "/page/2/",
    "article": "/news/5000/",
    "tag": "/tag/بودجه/",
    "category": "/category/ورزشی/",
    "archive": "/archive/",
    "archive-year": "/archive/1397/",
    "archive-month": "/archive/1397/06/",
    "page": "/about/",
    "not-found": "/404.html",
    "search": "/search/",
}


@pytest.fixture(scope="module")
def theme_url(theme_site):
    server, url = serve_folder(theme_site)
    yield url
    server.shutdown()


def open_page(page, url, viewport, scheme="light"):
    width, height = VIEWPORTS[viewport]
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=scheme)
    response = page.goto(url, wait_until="load")
    assert response is not None, url
    assert response.ok, url
    page.evaluate("document.fonts.ready")


def assert_reads_right_to_left(page, viewport):
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of horizontal scrolling at {viewport}"
    assert page.console_errors == []
    assert page.external_requests == []


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("kind", PAGES)
def test_page_type_in_chromium(theme_url, page, kind, viewport):
    open_page(page, theme_url + PAGES[kind], viewport)
    assert_reads_right_to_left(page, viewport)
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    width, height = VIEWPORTS[viewport]
    page.screenshot(path=str(SHOTS / f"{kind}-{width}x{height}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("kind", ["home", "article"])
def test_dark_scheme_is_accessible_too(theme_url, page, kind):
    open_page(page, theme_url + PAGES[kind], "phone", scheme="dark")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background != "rgb(244, 244, 242)"  # the light background
    assert axe_violations(page) == []
    page.screenshot(path=str(SHOTS / f"{kind}-dark-360x740.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_seed_article_in_chromium(site_url, page, viewport):
    open_page(page, site_url + "/news/4385870/", viewport)
    assert_reads_right_to_left(page, viewport)
    assert axe_violations(page) == []
    assert page.inner_text(".news__code") == "کد خبر ۴۳۸۵۸۷۰"
    assert page.is_visible("button[data-print]")  # revealed by share.js
    font = page.evaluate("getComputedStyle(document.querySelector('.news__body')).fontFamily")
    assert font.startswith(('"Vazirmatn"', "Vazirmatn"))
    assert page.evaluate("document.fonts.check('16px Vazirmatn', 'سلام')")
    pre_direction = page.evaluate(
        "(() => { const p = document.createElement('pre'); document.body.append(p);"
        " return getComputedStyle(p).direction })()"
    )
    assert pre_direction == "ltr"


@pytest.mark.browser
def test_axe_check_reports_violations(theme_url, page):
    """The a11y checker is not vacuous: an unlabeled field and low contrast are found."""
    open_page(page, theme_url + "/", "phone")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><p style=\"color:#eee;background:#fff\">کم‌رنگ</p>')"
    )
    rules = " ".join(axe_violations(page))
    assert "label" in rules
    assert "color-contrast" in rules
