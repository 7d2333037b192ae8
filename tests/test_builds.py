"""Reproducible and incremental builds."""

import filecmp
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter

from PIL import Image

import chapar_persian.reader
from conftest import ROOT, build_site, make_site, news_item


def differences(left, right):
    def walk(c):
        found = [
            os.path.join(c.left, n)
            for n in c.left_only + c.right_only + c.diff_files + c.funny_files
        ]
        for sub in c.subdirs.values():
            found += walk(sub)
        return found

    return walk(filecmp.dircmp(left, right))


NEWS = {
    "1397/a.md": news_item(
        1, "خبر یک", "1397/06/05 09:07", "Tags: بجنورد، دولت\nCategory: استان‌ها\n"
    ),
    "1398/b.md": news_item(2, "خبر دو", "1398/01/15", "Tags: بجنورد\n"),
    "1402/c.md": news_item(3, "خبر سه", "2023-08-27 09:07", "Category: اقتصاد\n"),
}


def test_clean_builds_in_different_folders_at_different_times_are_identical(tmp_path):
    (tmp_path / "one").mkdir()
    first = make_site(tmp_path / "one", news=NEWS)
    second = tmp_path / "two" / "elsewhere"
    shutil.copytree(first, second, symlinks=True)
    outputs = []
    for site, env in (
        (first, {"TZ": "UTC", "LC_ALL": "C.UTF-8"}),
        (second, {"TZ": "Asia/Tokyo", "LC_ALL": "C"}),
    ):
        (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "build"],
            cwd=site,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(site / "output")
        time.sleep(1.1)  # a different second on the clock for the second build
    assert differences(*outputs) == []


def test_rebuild_after_one_change_reads_only_that_file_and_equals_a_clean_build(
    tmp_path, monkeypatch
):
    site = make_site(tmp_path, news=NEWS)
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    build_site(site, **cached)

    changed = site / "content/news/1398/b.md"
    changed.write_text(news_item(2, "خبر دو، ویرایش شده", "1398/01/15", "Tags: بجنورد\n"))
    read = []
    original = chapar_persian.reader.PersianMarkdownReader.read
    monkeypatch.setattr(
        chapar_persian.reader.PersianMarkdownReader,
        "read",
        lambda self, path: read.append(path) or original(self, path),
    )
    incremental = build_site(site, **cached)
    assert [os.path.relpath(p, site) for p in read] == ["content/news/1398/b.md"]
    assert "ویرایش شده" in (incremental / "news/2/index.html").read_text("utf-8")

    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental, clean) == []


def test_a_replaced_site_is_deleted_after_the_swap(tmp_path):
    from chapar.build import runner

    site = make_site(tmp_path, news=NEWS)
    output = build_site(site)
    (output / "stale.html").write_text("from the last build")
    build_site(site)
    assert not (output / "stale.html").exists()
    assert (output / "news/1/index.html").exists()
    runner.wait_for_cleanup()
    assert sorted(p.name for p in site.iterdir() if p.name.startswith(".output")) == []


def test_inside_a_publish_the_replaced_site_is_deleted_when_the_publish_is_done(tmp_path):
    """Invoke publish builds inside runner.deferred_cleanup: the old site is unlinked
    after its gates and push, not beside them.
    """
    from chapar.build import runner

    site = make_site(tmp_path, news=NEWS)
    output = build_site(site)
    with runner.deferred_cleanup():
        build_site(site)
        runner.wait_for_cleanup()  # nothing started yet
        kept = [p for p in site.iterdir() if p.name.startswith(".output-old-")]
        assert len(kept) == 1
        assert (kept[0] / "news/1/index.html").is_file()
        assert (output / "news/1/index.html").is_file()
    runner.wait_for_cleanup()
    assert not kept[0].exists()


def test_a_single_language_site_skips_pelicans_translation_pairing(tmp_path, monkeypatch):
    """Pairing translations scans a list once per article (quadratic in the
    archive); a one-language site asks for none and gets the same site.
    """
    import pelican.generators

    seen = []
    real = pelican.generators.process_translations

    def recording(content, translation_id=None):
        seen.append((len(content), translation_id))
        return real(content, translation_id=translation_id)

    monkeypatch.setattr(pelican.generators, "process_translations", recording)
    site = make_site(
        tmp_path, news={f"{n}.md": news_item(n, title=f"خبر {n}") for n in range(1, 4)}
    )
    out = build_site(site)
    assert seen
    assert all(not translation_id for _count, translation_id in seen)
    assert sorted(p.name for p in (out / "news").iterdir()) == ["1", "2", "3"]


def test_news_of_the_same_minute_keep_one_order_in_every_process(tmp_path):
    # Pelican reads the files in a set's order, which PYTHONHASHSEED changes: two
    # processes used to list same-minute stories, and link previous/next, differently.
    same = {f"1397/{name}.md": news_item(10 + i, f"خبر {name}") for i, name in enumerate("fbdcea")}
    site = make_site(tmp_path, news=same)
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    homes = []
    for seed in ("1", "2", "3"):
        result = subprocess.run(
            [sys.executable, "-m", "invoke", "build"],
            cwd=site,
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        homes.append((site / "output/index.html").read_text("utf-8"))
        shutil.copytree(site / "output", tmp_path / f"output-{seed}")
    order = [int(code) for code in re.findall(r'href="/news/(\d+)/"', homes[0])]
    listed = list(dict.fromkeys(c for c in order if 10 <= c <= 15))
    assert listed == [10 + "fbdcea".index(n) for n in "abcdef"]  # by the files' paths
    assert differences(tmp_path / "output-1", tmp_path / "output-2") == []
    assert differences(tmp_path / "output-1", tmp_path / "output-3") == []


def test_a_build_works_out_each_news_url_once(tmp_path, monkeypatch):
    from pelican.contents import Article

    worked = []
    original = Article._expand_settings
    monkeypatch.setattr(
        Article,
        "_expand_settings",
        lambda self, key: worked.append((self.source_path, key)) or original(self, key),
    )
    news = {**NEWS, "1397/d.md": news_item(4, extra="Image: 1397/lead.jpg\nImageAlt: تریبون\n")}
    site = make_site(tmp_path, news=news)
    Image.new("RGB", (800, 600)).save(site / "content/images/1397/lead.jpg")
    out = build_site(site)
    urls = [path for path, key in worked if key.endswith("url")]
    # once each (chapar_reader_theme.freeze_urls), however many pages, feeds and
    # sitemaps show it; the photos' feed enclosures and sitemap entries ask after that
    assert sorted(urls) == sorted(set(urls))
    assert len(urls) == len(news)
    # the path: once when Pelican checks it, once when the articles are done,
    # before the comments' pages and every later generator ask
    saved = Counter(path for path, key in worked if key == "save_as")
    assert set(saved.values()) == {2}
    assert (out / "news/4/index.html").is_file()
    assert "lead-" in (out / "sitemap.xml").read_text("utf-8")
