"""sitemap-news.xml: the last two days' news in the Google News format."""

import xml.etree.ElementTree as ET
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chapar.build.errors import BuildError
from conftest import build_site, make_site, news_item

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=ZoneInfo("Asia/Tehran"))


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch):
    import chapar_news_sitemap as news_sitemap

    monkeypatch.setattr(news_sitemap, "build_time", lambda: NOW)


def test_the_news_sitemap_lists_the_last_two_days_newest_first(tmp_path):
    site = make_site(
        tmp_path,
        news={
            "old.md": news_item(1, title="سه روز پیش", date="2026-11-29 11:00"),
            "edge.md": news_item(2, title="چهل و هفت ساعت پیش", date="2026-11-30 13:00"),
            "new.md": news_item(3, title="دستگاه‌ها & <برتر>", date="2026-12-02 11:00"),
        },
    )
    out = build_site(site, SITEURL="https://news.example.ir")
    root = ET.parse(out / "sitemap-news.xml").getroot()
    urls = root.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        "https://news.example.ir/news/3/",
        "https://news.example.ir/news/2/",
    ]
    first = urls[0].find("news:news", NS)
    assert first.findtext("news:title", namespaces=NS) == "دستگاه‌ها & <برتر>"
    assert first.findtext("news:publication/news:name", namespaces=NS) == "چاپار"
    assert first.findtext("news:publication/news:language", namespaces=NS) == "fa"
    assert first.findtext("news:publication_date", namespaces=NS) == "2026-12-02T11:00:00+03:30"
    assert "sitemap-news.xml" not in (out / "sitemap.xml").read_text(encoding="utf-8")


def test_a_quiet_newsroom_has_an_empty_news_sitemap(tmp_path):
    site = make_site(tmp_path, news={"a.md": news_item(1)})
    out = build_site(site)
    assert ET.parse(out / "sitemap-news.xml").getroot().findall("s:url", NS) == []


def test_an_unknown_news_sitemap_setting_is_named(tmp_path):
    site = make_site(tmp_path, news={"a.md": news_item(1)})
    with pytest.raises(BuildError) as err:
        build_site(site, NEWS_SITEMAP={"dayz": 3})
    assert err.value.problems == ["NEWS_SITEMAP: unknown key 'dayz'; did you mean 'days'?"]


def test_a_rebuild_later_drops_news_that_left_the_window(tmp_path, monkeypatch):
    """The window moves with the clock, not with the content: a rebuild with
    the page cache must still write what a clean build writes.
    """
    import chapar_news_sitemap as news_sitemap

    clock = {"now": NOW}
    monkeypatch.setattr(news_sitemap, "build_time", lambda: clock["now"])
    site = make_site(tmp_path, news={"a.md": news_item(1, date="2026-12-02 11:00")})
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    out = build_site(site, **cached)
    assert len(ET.parse(out / "sitemap-news.xml").getroot().findall("s:url", NS)) == 1
    clock["now"] = datetime(2026, 12, 5, 12, 0, tzinfo=NOW.tzinfo)
    out = build_site(site, **cached)
    assert ET.parse(out / "sitemap-news.xml").getroot().findall("s:url", NS) == []
