"""Issue 6: the search index in shards, indexed in parallel and reused by rebuilds."""

import json
import os

import search
from conftest import build_site, make_site, news_item
from test_builds import differences

CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
NEWS = {
    "a.md": news_item(1, "خبر سال نود و هفت", "1397/06/05 09:07", body="بودجه استان."),
    "b.md": news_item(2, "خبر سال نود و نه", "1399/02/10", body="کشاورزان استان."),
    "c.md": news_item(3, "خبر دیگر نود و نه", "1399/05/10", body="جلسه شورا."),
}


def shard_names(keys):
    return sorted(key.rsplit("-", 1)[0] for key in keys)


def test_news_is_sharded_by_jalali_year_newest_first_then_other_pages(tmp_path):
    out = build_site(make_site(tmp_path, news=NEWS))
    manifest = json.loads((out / "search/search.json").read_text("utf-8"))
    assert manifest["indexes"] == ["news-1399", "news-1397", "pages"]
    assert manifest["filters"]["year"] == ["۱۳۹۹", "۱۳۹۷"]
    for name in manifest["indexes"]:
        assert (out / "pagefind" / name / "pagefind.js").is_file()
        assert not list((out / "pagefind" / name).glob("pagefind-ui.*"))


def test_a_rebuild_reindexes_only_the_shard_that_changed(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    build_site(site, **CACHED)
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1397", "news-1399", "pages"]

    build_site(site, **CACHED)
    assert search.LAST_BUILD["indexed"] == []

    (site / "content/news/b.md").write_text(
        news_item(2, "خبر سال نود و نه", "1399/02/10", body="کشاورزان و باغداران استان."), "utf-8")
    incremental = build_site(site, **CACHED)
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1399"]
    assert shard_names(search.LAST_BUILD["reused"]) == ["news-1397", "pages"]
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental / "pagefind", clean / "pagefind") == []

    kept = sorted(os.listdir(site / "cache/search"))  # only this build's shards stay
    assert kept == sorted(search.LAST_BUILD["indexed"] + search.LAST_BUILD["reused"])


def test_other_pages_are_split_so_every_core_indexes(tmp_path):
    pages = ["awards/agency/*/index.html", "awards/festival/*/index.html"]
    out = build_site(make_site(tmp_path, news=NEWS), SEARCH={"pages": pages, "pages_per_shard": 5})
    indexes = json.loads((out / "search/search.json").read_text("utf-8"))["indexes"]
    agencies = len(list((out / "awards/agency").iterdir()))
    assert agencies + 1 > 10
    assert indexes == ["news-1399", "news-1397", "pages", "pages-2", "pages-3"][: 2 + -(-(agencies + 1) // 5)]


def test_a_failed_builds_generator_ignores_the_next_builds_signals(tmp_path):
    # livereload builds in one process: a generator left from a failed build
    # may still be connected when the next build writes its pages.
    from types import SimpleNamespace

    from pelican import signals

    stale = search.SearchIndexGenerator.__new__(search.SearchIndexGenerator)
    stale.output_path, stale.config = str(tmp_path / ".output-old"), {"pages": ["awards/*"]}
    stale.seen, stale.waiting, stale.shards, stale.metas = set(), [], [], []
    signals.article_writer_finalized.connect(stale.index_news)
    try:
        stale.index_news(SimpleNamespace(output_path=str(tmp_path / ".output-new")))
        stale.page_written(str(tmp_path / ".output-new/awards/index.html"))
    finally:
        signals.article_writer_finalized.disconnect(stale.index_news)
    assert stale.shards == [] and stale.waiting == []
