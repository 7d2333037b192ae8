"""The search index in shards, indexed in parallel and reused by rebuilds."""

import gzip
import hashlib
import json
import logging
import os

import pytest

import chapar_search as search
from chapar.search import job, normalize, shards
from chapar_safe_build import BuildError
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


def fragments(folder):
    """{url: fragment} of every page in the Pagefind index under ``folder``."""
    found = {}
    for path in folder.rglob("*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd") :])
        found[data["url"]] = data
    return found


def test_news_is_sharded_by_jalali_year_newest_first_then_other_pages(tmp_path):
    out = build_site(make_site(tmp_path, news=NEWS))
    manifest = json.loads((out / "search/search.json").read_text("utf-8"))
    assert manifest["indexes"] == [
        {"name": "news-1399", "group": "news-1399", "year": "۱۳۹۹"},
        {"name": "news-1397", "group": "news-1397", "year": "۱۳۹۷"},
        {"name": "pages", "group": "pages", "year": ""},
    ]
    assert manifest["filters"]["year"] == ["۱۳۹۹", "۱۳۹۷"]
    # One runtime for all shards (the search page merges them): the first's.
    assert (out / "pagefind/news-1399/pagefind.js").is_file()
    for name in ("news-1397", "pages"):
        assert sorted(
            p.name
            for p in (out / "pagefind" / name).iterdir()
            if p.is_file() and not p.name.endswith(".pf_meta")
        ) == ["pagefind-entry.json"]
    assert not list((out / "pagefind").rglob("pagefind-ui.*"))
    by_url = fragments(out / "pagefind")
    assert sorted(url for url in by_url if url.startswith("/news/")) == [
        "/news/1/",
        "/news/2/",
        "/news/3/",
    ]
    agency = by_url["/awards/agency/civil-registration/"]["content"]
    assert "اداره کل ثبت احوال" in agency
    assert "استقرار میز خدمت" in agency
    assert "زمینه" not in agency  # the award table's column headings are left out


def test_the_copy_keeps_the_article_and_its_tags_not_its_share_links(tmp_path):
    news = {
        "a.md": news_item(
            1,
            "خبر برچسب‌دار",
            "1397/06/05 09:07",
            "Tags: زرافه، کرگدن\nCategory: اقتصاد\n",
            body="متن خبر درباره بودجه.",
        )
    }
    out = build_site(make_site(tmp_path, news=news))
    page = fragments(out / "pagefind")["/news/1/"]
    assert "بودجه" in page["content"]
    assert "زرافه" in page["content"]
    for left_out in ("تلگرام", "برچسب‌ها"):  # the share links, the tags' heading
        assert left_out not in page["content"]
    assert page["anchors"] == []  # ids are left out: the page shows no sub-results


def copier(selectors="nav, #comments, .share, div.x, [hidden], main p a"):
    return job.Copier(selectors, normalize.PAGE_CHANGES.pattern, normalize.PAGE_FOLDS)


def test_the_copy_is_main_folded_with_metadata_first_without_what_is_left_out():
    html = (
        '<html><nav>منو</nav><main id="main" class="c"><h1 id="t">علي ۱۳۹۷</h1>'
        '<section id="comments"><section>نظر</section></section><nav><nav>پیوند</nav></nav>'
        '<footer class="x">برچسب</footer><p class="a share b">اشتراک</p>'
        '<div class="x"><div>حذف</div></div><div class="y">ماند</div><p hidden>پنهان</p>'
        '<p data-pagefind-ignore>نادیده</p><br data-pagefind-ignore="all"><p>پایان</p></main>'
        "<footer>پانویس</footer></html>"
    )
    copy = copier().copy(html, {"title": "علي & دیگران"}, {"date": "2018"})
    assert copy == (
        '<!doctype html><html lang="fa"><head><meta charset="utf-8"></head><body><main>'
        '<meta data-pagefind-meta="title[content]" content="علي &amp; دیگران">'
        '<meta data-pagefind-sort="date[content]" content="2018">'
        '<h1>علی 1397</h1><div class="x">برچسب</div>'
        '<div class="y">ماند</div><p>پایان</p></main></body></html>'
    )


def test_what_the_copy_cannot_strip_is_left_to_pagefind():
    # Unbalanced, or a selector that is not simple ("main p a"): Pagefind applies it.
    assert copier().strip("<nav><p>بی‌پایان") == "<nav><p>بی‌پایان"  # noqa: B005
    assert copier().strip("<p><a>پیوند</a></p>") == "<p><a>پیوند</a></p>"  # noqa: B005
    assert copier().strip('<p data-id="comments">متن</p>') == '<p data-id="comments">متن</p>'  # noqa: B005
    # Ids a selector left to Pagefind names stay; the others go.
    assert (
        copier("#a p")
        .copy('<main><div id="a"><p id="b">x</p></div></main>', {}, {})
        .endswith('<main><div id="a"><p>x</p></div></main></body></html>')
    )


def test_a_rebuild_reindexes_only_the_shard_that_changed_and_finds_the_change(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    build_site(site, **CACHED)
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1397", "news-1399", "pages"]

    build_site(site, **CACHED)
    assert search.LAST_BUILD["indexed"] == []  # no Pagefind run at all

    (site / "content/news/b.md").write_text(
        news_item(2, "خبر سال نود و نه", "1399/02/10", body="کشاورزان و باغداران استان."), "utf-8"
    )
    incremental = build_site(site, **CACHED)
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1399"]
    assert shard_names(search.LAST_BUILD["reused"]) == ["news-1397", "pages"]
    assert "باغداران" in fragments(incremental / "pagefind/news-1399")["/news/2/"]["content"]
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental / "pagefind", clean / "pagefind") == []


def test_a_new_comment_or_related_article_reindexes_nothing_else(tmp_path):
    site = make_site(
        tmp_path,
        news={
            "a.md": news_item(1, "خبر یک", "1397/06/05", "Tags: بجنورد\n", body="بودجه استان."),
            "b.md": news_item(2, "خبر دو", "1399/02/10", "Tags: شیروان\n", body="کشاورزان استان."),
        },
    )
    build_site(site, **CACHED)
    (site / "content/comments/1").mkdir()
    (site / "content/comments/1/1.md").write_text(
        "Author: خواننده\nDate: 1397/06/06 10:00\n\nگزارش خوبی درباره بودجه استان بود.\n", "utf-8"
    )
    (site / "content/news/c.md").write_text(  # related to a.md (same tag), a year of its own
        news_item(3, "خبر سه", "1401/01/10", "Tags: بجنورد\n", body="جلسه شورا."), "utf-8"
    )
    out = build_site(site, **CACHED)
    page = (out / "news/1/index.html").read_text("utf-8")
    assert "گزارش خوبی" in page
    assert "خبر سه" in page
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1401"]


def test_the_cache_holds_only_the_last_builds_shards(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    for body in ("یک", "دو", "سه", "چهار"):
        (site / "content/news/a.md").write_text(
            news_item(1, "خبر سال نود و هفت", "1397/06/05 09:07", body=body), "utf-8"
        )
        build_site(site, **CACHED)
        assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1397"] or body == "یک"
        kept = sorted(os.listdir(site / "cache/search"))
        assert kept == sorted(search.LAST_BUILD["indexed"] + search.LAST_BUILD["reused"])
        assert len(kept) == 3


def test_without_the_content_cache_nothing_is_kept(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    build_site(site)
    assert not (site / "cache/search").exists()
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1397", "news-1399", "pages"]


def test_other_pages_are_split_so_every_core_indexes(tmp_path):
    pages = ["awards/agency/*/index.html", "awards/festival/*/index.html"]
    out = build_site(make_site(tmp_path, news=NEWS), SEARCH={"pages": pages, "pages_per_shard": 5})
    indexes = json.loads((out / "search/search.json").read_text("utf-8"))["indexes"]
    agencies = len(list((out / "awards/agency").iterdir()))
    festivals = len(list((out / "awards/festival").iterdir()))
    names = ["pages", "pages-2", "pages-3", "pages-4", "pages-5", "pages-6"]
    assert agencies + festivals > 10
    assert indexes[2:] == [
        {"name": name, "group": "pages", "year": ""}
        for name in names[: -(-(agencies + festivals) // 5)]
    ]
    urls = fragments(out / "pagefind")
    assert len([url for url in urls if url.startswith("/awards/")]) == agencies + festivals


def test_a_failed_builds_generator_ignores_the_next_builds_signals(tmp_path):
    # livereload builds in one process: a generator left from a failed build
    # may still be connected when the next build writes its pages.
    from types import SimpleNamespace

    from pelican import signals

    stale = search.SearchIndexGenerator.__new__(search.SearchIndexGenerator)
    stale.output_path, stale.config = str(tmp_path / ".output-old"), {"pages": ["awards/*"]}
    stale.seen, stale.waiting, stale.news, stale.pages, stale.metas = set(), [], None, [], []
    signals.article_writer_finalized.connect(stale.index_news)
    try:
        stale.index_news(SimpleNamespace(output_path=str(tmp_path / ".output-new")))
        stale.page_written(str(tmp_path / ".output-new/awards/index.html"))
    finally:
        signals.article_writer_finalized.disconnect(stale.index_news)
    assert stale.shards == []
    assert stale.waiting == []


def test_pages_written_are_found_under_a_relative_output_path(tmp_path, monkeypatch):
    # Pelican's writer names files by absolute path, whatever OUTPUT_PATH says
    monkeypatch.chdir(tmp_path)
    generator = search.SearchIndexGenerator.__new__(search.SearchIndexGenerator)
    generator.output_path, generator.config = (
        "output",
        {"pages": ["awards/agency/*/index.html"], "pages_per_shard": 700},
    )
    generator.seen, generator.waiting, generator.news, generator.pages = set(), [], {}, []
    generator.metas, generator.unwritten = [], {}
    for name in ("awards/agency/a/index.html", "awards/index.html", "news/1/index.html"):
        generator.page_written(str(tmp_path / "output" / name))
    generator.page_written(str(tmp_path / "elsewhere/awards/agency/b/index.html"))
    assert [rel for rel, _meta, _sort in generator.waiting] == ["awards/agency/a/index.html"]


def test_a_pagefind_failure_fails_the_build_and_says_so(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(shards, "pagefind_command", lambda: ["false"])
    site = make_site(tmp_path, news=NEWS)
    with caplog.at_level(logging.ERROR), pytest.raises(BuildError) as failed:
        build_site(site)
    assert "Pagefind indexing failed" in str(failed.value)
    assert "news-1399" in str(failed.value)
    assert not (site / "output").exists()


def test_shards_indexed_while_the_site_renders_leave_the_build_a_cpu(tmp_path, monkeypatch):
    # Pagefind runs hundreds of threads; while the build renders, a shard
    # and its pagefind keep off one CPU (the build's); at the end they use all.
    allowed = sorted(os.sched_getaffinity(0))
    if len(allowed) < 2:
        pytest.skip("one CPU: nothing to leave")
    record = tmp_path / "affinity.jsonl"
    real = shards.pagefind_command()
    wrapper = [
        shards.sys.executable,
        "-c",
        (
            "import json, os, sys; "
            f"open({str(record)!r}, 'a').write(json.dumps(sorted(os.sched_getaffinity(0))) + '\\n'); "
            f"os.execv({real[0]!r}, {real!r} + sys.argv[1:])"
        ),
    ]
    monkeypatch.setattr(shards, "pagefind_command", lambda: wrapper)
    assert shards._background_cpus() == allowed[1:]
    build_site(make_site(tmp_path, news=NEWS))
    seen = [json.loads(line) for line in record.read_text().splitlines()]
    assert allowed[1:] in seen  # the news shards, submitted while pages were written
    assert all(cpus in (allowed, allowed[1:]) for cpus in seen)


def test_a_rebuild_reads_only_the_pages_whose_key_changed(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    build_site(site, **CACHED)
    first = search.LAST_BUILD["copied"]
    assert first == {"news-1397": 1, "news-1399": 2, "pages": first["pages"]}
    assert first["pages"] > 10  # the agencies and festivals

    build_site(site, **CACHED)  # nothing changed: no page read again
    assert search.LAST_BUILD["copied"] == {"news-1397": 0, "news-1399": 0, "pages": 0}

    (site / "content/comments/1").mkdir()  # a new page, the same copy: read, not indexed
    (site / "content/comments/1/1.md").write_text(
        "Author: خواننده\nDate: 1397/06/06 10:00\n\nگزارش خوبی درباره بودجه استان بود.\n", "utf-8"
    )
    build_site(site, **CACHED)
    assert search.LAST_BUILD["copied"] == {"news-1397": 1, "news-1399": 0, "pages": 0}
    assert search.LAST_BUILD["indexed"] == []

    # A changed copy: its shard is indexed whole.  The page changed is the last of its
    # shard: the copies are still made in path order, as a clean build makes them
    # (Pagefind's index depends on that order).
    (site / "content/news/c.md").write_text(
        news_item(3, "خبر دیگر نود و نه", "1399/05/10", body="جلسه شورا و بودجه."), "utf-8"
    )
    incremental = build_site(site, **CACHED)
    assert search.LAST_BUILD["copied"] == {"news-1397": 0, "news-1399": 2, "pages": 0}
    assert shard_names(search.LAST_BUILD["indexed"]) == ["news-1399"]
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental / "pagefind", clean / "pagefind") == []


def test_without_the_page_cache_every_page_is_read(tmp_path):
    site = make_site(tmp_path, news=NEWS)
    off = {**CACHED, "PAGE_CACHE": {"enabled": False}}
    build_site(site, **off)
    first = search.LAST_BUILD["copied"]
    build_site(site, **off)
    assert search.LAST_BUILD["copied"] == first
    assert first["news-1399"] == 2
    assert search.LAST_BUILD["indexed"] == []


def test_kept_digests_are_of_one_way_of_copying(tmp_path):
    page = "<main><p>متن</p></main>"
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.html").write_text(page, "utf-8")
    base = {
        "version": "1",
        "args": ["--exclude-selectors", "nav"],
        "fold": [normalize.PAGE_CHANGES.pattern, normalize.PAGE_FOLDS],
        "copies": str(tmp_path / "copies" / "news.json"),
        "load": True,
        "save": True,
    }
    first = job.Copies(base)
    assert first.known("a.html", "k1", {"title": "t"}, {}) is None
    digest = first.learn("a.html", "k1", {"title": "t"}, {}, b"<main>copy</main>")
    assert digest == hashlib.sha256(b"<main>copy</main>").hexdigest()
    first.save()
    again = job.Copies(base)
    assert again.known("a.html", "k1", {"title": "t"}, {}) == digest
    assert again.known("a.html", "k2", {"title": "t"}, {}) is None  # the page changed
    assert again.known("a.html", "k1", {"title": "u"}, {}) is None  # its metadata changed
    assert again.known("a.html", None, {"title": "t"}, {}) is None  # no key: read it
    folded = {**base, "fold": [normalize.PAGE_CHANGES.pattern, {**normalize.PAGE_FOLDS, "ي": "x"}]}
    assert job.Copies(folded).known("a.html", "k1", {"title": "t"}, {}) is None
    other_options = {**base, "args": ["--exclude-selectors", "nav, aside"]}
    assert job.Copies(other_options).known("a.html", "k1", {"title": "t"}, {}) is None
    unloaded = {**base, "load": False}
    assert job.Copies(unloaded).known("a.html", "k1", {"title": "t"}, {}) is None
