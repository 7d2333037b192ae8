import pytest


@pytest.mark.browser
def test_article_renders_rtl_in_chromium(site_url, page):
    page.goto(f"{site_url}/news/4385870/")
    assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
    assert "۵ شهریور ۱۳۹۷، ۹:۰۷" in page.inner_text("time")
    assert page.console_errors == []
    assert page.external_requests == []
