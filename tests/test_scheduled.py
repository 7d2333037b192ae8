"""Scheduled news: an item dated after the build's time is left out as a draft is,
and the first build at or after its time publishes it (Pelican's
WITH_FUTURE_DATES = False, decided at every build, after the content cache).
"""

import datetime as real_datetime
import types
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from chapar.news.item import scheduled_items
from conftest import build_site, make_site, news_item

TEHRAN = ZoneInfo("Asia/Tehran")
BEFORE = datetime(2026, 12, 2, 9, 0, tzinfo=TEHRAN)
AFTER = datetime(2026, 12, 2, 11, 0, tzinfo=TEHRAN)
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


@pytest.fixture
def clock(monkeypatch):
    """The time Pelican's content classes and the news sitemap see."""
    import pelican.contents

    import chapar_news_sitemap as news_sitemap

    now = {"now": BEFORE}

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return now["now"].astimezone(tz) if tz else now["now"].replace(tzinfo=None)

    fake = types.SimpleNamespace(
        **{k: getattr(real_datetime, k) for k in dir(real_datetime) if not k.startswith("__")}
    )
    fake.datetime = Clock
    monkeypatch.setattr(pelican.contents, "datetime", fake)
    monkeypatch.setattr(news_sitemap, "build_time", lambda: now["now"])
    return now


def newsroom(tmp_path):
    return make_site(
        tmp_path,
        news={
            "a.md": news_item(
                1, title="خبر منتشرشده", date="2026-12-01 10:00", extra="Tags: بودجه"
            ),
            "b.md": news_item(
                2, title="خبر زمان‌بندی‌شده", date="۱۴۰۵/۰۹/۱۱ ۱۰:۰۰", extra="Tags: انتخابات"
            ),
        },
    )


def every_text(out):
    return "\n".join(
        p.read_text("utf-8", errors="replace")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in {".html", ".xml", ".json"}
    )


def test_a_scheduled_item_waits_and_then_goes_live_from_the_cache(tmp_path, clock):
    site = newsroom(tmp_path)
    out = build_site(site, **CACHED)
    assert (out / "news/1/index.html").is_file()
    assert not (out / "news/2").exists()
    assert "زمان‌بندی‌شده" not in every_text(out)  # home, feeds, sitemaps, tag lists
    assert not (out / "tag/انتخابات").exists()

    clock["now"] = AFTER  # same files, same settings, later clock
    out = build_site(site, **CACHED)
    assert (out / "news/2/index.html").is_file()
    assert "زمان‌بندی‌شده" in (out / "index.html").read_text("utf-8")
    assert "news/2/" in (out / "feeds/all.atom.xml").read_text("utf-8")
    assert "news/2/" in (out / "sitemap-news.xml").read_text("utf-8")


def test_check_lists_the_waiting_items_soonest_first(tmp_path):
    site = newsroom(tmp_path)
    (site / "content/news/c.md").write_text(news_item(3, date="1405/09/20 08:00"), encoding="utf-8")
    (site / "content/news/d.md").write_text(
        news_item(4, date="1405/09/20 08:00", extra="Status: draft"), encoding="utf-8"
    )
    found = scheduled_items(site / "content/news", BEFORE)
    assert [(d.isoformat(), p.name) for d, p in found] == [
        ("2026-12-02T10:00:00+03:30", "b.md"),
        ("2026-12-11T08:00:00+03:30", "c.md"),
    ]
