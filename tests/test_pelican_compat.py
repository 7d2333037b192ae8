"""Every private name of Pelican, pelican-sitemap and persian-text-guard that
Chapar uses (chapar/pelican_compat.py, chapar/guard_compat.py) still exists
and behaves as used; and a Pelican of another version turns the speed-ups
built on them off, with one warning, and still builds the same site.

A Pelican upgrade that fails one of these tests needs that internal's user
looked at again (see README.md, "Pelican and persian-text-guard internals").
"""

import inspect
import logging
import os
import shutil

import pytest
from markdown import Markdown
from pelican import readers
from pelican.generators import Generator
from pelican.settings import DEFAULT_CONFIG
from pelican.writers import FileOverwriteFailedError, Writer

import chapar_page_cache as page_cache
from chapar import guard_compat, pelican_compat
from conftest import build_site, make_site, news_item
from test_builds import differences


@pytest.fixture(autouse=True)
def fresh_checks():
    pelican_compat.forget()
    yield
    pelican_compat.forget()


def settings_for(folder):
    return {**DEFAULT_CONFIG, "CACHE_PATH": str(folder / "cache"), "OUTPUT_PATH": str(folder)}


# --- versions -------------------------------------------------------------------


def test_the_installed_versions_are_the_tested_ones():
    assert guard_compat.in_series(pelican_compat.pelican_version(), pelican_compat.TESTED_PELICAN)
    assert guard_compat.in_series(
        guard_compat.installed_version("pelican-sitemap"), pelican_compat.TESTED_SITEMAP
    )
    assert guard_compat.in_series(guard_compat.guard_version(), guard_compat.TESTED_GUARD)
    assert pelican_compat.speedups_enabled()


def test_release_series():
    assert guard_compat.in_series("4.12.0", "4.12")
    assert guard_compat.in_series("4.12", "4.12")
    assert not guard_compat.in_series("4.13.0", "4.12")
    assert not guard_compat.in_series("4.1.2", "4.12")
    assert not guard_compat.in_series(None, "4.12")


# --- Writer._open_w and its bookkeeping (plugins/chapar_page_cache) ----------------


def test_open_w_signature_and_bookkeeping(tmp_path):
    assert list(inspect.signature(Writer._open_w).parameters) == [
        "self",
        "filename",
        "encoding",
        "override",
    ]
    assert inspect.signature(Writer._open_w).parameters["override"].default is False
    writer = Writer(str(tmp_path), settings=settings_for(tmp_path))
    assert writer._written_files == set()
    assert writer._overridden_files == set()
    path = str(tmp_path / "a.html")
    with writer._open_w(path, "utf-8") as handle:
        handle.write("one")
    assert writer._written_files == {path}
    assert writer._overridden_files == set()
    with pytest.raises(FileOverwriteFailedError):
        writer._open_w(path, "utf-8")
    with writer._open_w(path, "utf-8", override=True) as handle:
        handle.write("two")
    assert writer._overridden_files == {path}
    assert (tmp_path / "a.html").read_text() == "two"


def test_write_file_opens_every_page_through_open_w(tmp_path):
    """The page cache's link happens in ``_open_w``: Pelican's ``write_file``
    must render the template, then open the file through it.
    """
    opened = []

    class Counting(pelican_compat.OpeningWriter):
        def open_output(self, filename, encoding, override=False):
            opened.append(os.path.relpath(filename, tmp_path))
            return super().open_output(filename, encoding, override)

    class Template:
        name = "page.html"

        def render(self, context):
            return f"<p>{context['output_file']}</p>"

    writer = Counting(str(tmp_path), settings=settings_for(tmp_path))
    writer.write_file("news/1/index.html", Template(), {}, relative_urls=False)
    assert opened == ["news/1/index.html"]
    assert (tmp_path / "news/1/index.html").read_text() == "<p>news/1/index.html</p>"
    assert writer.was_written(str(tmp_path / "news/1/index.html"))


# A reused page is linked instead of opened, so the page cache keeps Pelican's
# bookkeeping of written and overridden files itself: the same writes must end
# the same way as with Pelican's own writer.
WRITES = [
    [("reused", False), ("rendered", False)],  # the second write of a path fails
    [("reused", True), ("rendered", False)],  # an overriding write wins, the other is skipped
    [("reused", True), ("rendered", True)],  # a second override fails
    [("rendered", False), ("reused", True)],  # an override may replace a written file
    [("reused", False), ("reused", False)],
]


def _outcomes(writer_class, writes, folder, reuse):
    """What each write did (written, refused), and the writer's lists of
    written and overridden files, relative to its output.
    """
    output = folder / "output"
    (output / "news/1").mkdir(parents=True)
    previous = folder / "previous.html"
    previous.write_text("<p>previous</p>", encoding="utf-8")
    writer = writer_class(
        str(output), settings={**settings_for(output), "CACHE_PATH": str(folder / "cache")}
    )
    name, outcomes = "news/1/index.html", []
    for kind, override in writes:
        reused = page_cache.Reused(str(previous), name) if reuse and kind == "reused" else None
        if reused is not None:
            writer.page_cache.pending = reused  # what its template rendered
        try:
            with writer._open_w(str(output / name), "utf-8", override=override) as handle:
                handle.write(reused or "<p>rendered</p>")
            outcomes.append("written")
        except FileOverwriteFailedError:
            outcomes.append("refused")
    relative = [
        sorted(os.path.relpath(p, output) for p in paths)
        for paths in (writer._written_files, writer._overridden_files)
    ]
    return outcomes, relative


@pytest.mark.parametrize("writes", WRITES)
def test_reused_pages_keep_pelicans_bookkeeping_of_written_files(tmp_path, writes):
    (tmp_path / "pelican").mkdir(), (tmp_path / "ours").mkdir()
    pelican_way = _outcomes(Writer, writes, tmp_path / "pelican", reuse=False)
    ours = _outcomes(page_cache.ReusingWriter, writes, tmp_path / "ours", reuse=True)
    assert ours == pelican_way


# --- _DISCARD and _parse_metadata (plugins/chapar_persian/reader.py) ---------------


def test_discard_is_the_value_pelican_drops(tmp_path):
    marker = pelican_compat.discard_marker()
    assert marker is readers._DISCARD
    assert readers._filter_discardable_metadata({"a": marker, "b": 1}) == {"b": 1}
    assert readers.METADATA_PROCESSORS["tags"]("", DEFAULT_CONFIG) is marker
    # Pelican's read_file drops it from what a reader returned
    (tmp_path / "a.md").write_text("Title: a\nTags: ,\nSlug: a\n\ntext\n", encoding="utf-8")
    content = readers.Readers({**DEFAULT_CONFIG, "CACHE_CONTENT": False}).read_file(
        str(tmp_path), "a.md"
    )
    assert "tags" not in content.metadata
    assert content.metadata["title"] == "a"


def test_parse_metadata_reads_the_converters_meta_and_can_read_again(tmp_path):
    assert list(inspect.signature(readers.MarkdownReader._parse_metadata).parameters) == [
        "self",
        "meta",
    ]
    settings = {**DEFAULT_CONFIG, "MARKDOWN": {**DEFAULT_CONFIG["MARKDOWN"]}}
    reader = readers.MarkdownReader(settings)
    md = Markdown(**reader.settings["MARKDOWN"])
    for n in (1, 2):  # one converter for two files, as the Persian reader keeps it
        md.reset().convert(f"Title: t{n}\nSummary: *s{n}*\nTags: x, y\n\nbody\n")
        metadata = pelican_compat.markdown_metadata(reader, md, str(tmp_path / f"{n}.md"))
        assert metadata["title"] == f"t{n}"
        assert metadata["summary"] == f"<p><em>s{n}</em></p>"  # a formatted field
        assert [str(t) for t in metadata["tags"]] == ["x", "y"]
        assert "meta" in md.preprocessors  # deregistered by Pelican, registered again


def test_the_persian_reader_drops_an_empty_agencies_header(tmp_path):
    from chapar_persian.reader import PersianMarkdownReader

    settings = {
        **DEFAULT_CONFIG,
        "MARKDOWN": {**DEFAULT_CONFIG["MARKDOWN"]},
        "PATH": str(tmp_path),
        "ARTICLE_PATHS": ["news"],
    }
    path = tmp_path / "news" / "a.md"
    path.parent.mkdir()
    path.write_text(news_item(7, extra="Agencies: ،"), encoding="utf-8")
    _content, metadata = PersianMarkdownReader(settings).read(str(path))
    assert metadata["agencies"] is pelican_compat.discard_marker()
    assert metadata["newscode"] is not None
    assert metadata["title"] == "خبر آزمایشی"


# --- Generator._update_context (plugins/chapar_taxonomy_lists) ----------------------


def test_update_context_puts_dicts_in_as_their_items():
    class Fake:
        context = {}  # noqa: RUF012 (a stand-in for a Pelican generator)
        tags = {"a": [1], "b": [2]}  # noqa: RUF012 (a stand-in for a Pelican generator)
        authors = [("x", [1])]  # noqa: RUF012 (a stand-in for a Pelican generator)

    fake = Fake()
    Generator._update_context(fake, ("tags", "authors"))
    assert fake.context == {"tags": [("a", [1]), ("b", [2])], "authors": [("x", [1])]}
    fake.context = {}

    class Real(Generator):  # pelican_compat calls it on the generator itself
        def __init__(self):
            self.context, self.tags = {}, {"a": [1]}

    real = Real()
    pelican_compat.update_context(real, ("tags",))
    assert real.context == {"tags": [("a", [1])]}


# --- failed files in generated_content (plugins/chapar_comments) ------------------


def test_a_file_pelican_failed_to_read_is_none_in_generated_content():
    class Fake:
        context = {"generated_content": {}, "static_content": {}}  # noqa: RUF012 (a stand-in for a Pelican generator)

    fake = Fake()
    Generator._add_failed_source_path(fake, os.path.join("news", "..", "news", "bad.md"))
    fake.context["generated_content"]["news/good.md"] = object()
    assert fake.context["generated_content"]["news/bad.md"] is None
    assert pelican_compat.failed_source_paths(fake.context) == ["news/bad.md"]


# --- pelican-sitemap's singleton (plugins/chapar_sitemap_pin) -----------------------


def test_the_sitemap_keeps_the_first_pelican_until_restarted():
    from pelican.plugins.sitemap import sitemap

    generator = pelican_compat.sitemap_generator()
    assert generator is sitemap.generator
    saved = generator._main_pelican, generator.page_queue, generator.now
    first, second = object(), object()
    try:
        generator._main_pelican = None
        generator.init(first)
        generator.init(second)  # a second build while the first never finished
        assert generator._main_pelican is first
        generator.page_queue.append(("x", None))
        pelican_compat.restart_sitemap(second)
        assert generator._main_pelican is second
        assert generator.page_queue == []
    finally:
        generator._main_pelican, generator.page_queue, generator.now = saved


# --- persian-text-guard's bundled lists (chapar/moderation) -------------------------


def test_the_bundled_lists_are_found_by_their_first_line():
    from persian_text_guard import WordList
    from persian_text_guard._wordlists import BUNDLED_WORD_LISTS

    assert guard_compat.bundled_list_text("persian") == BUNDLED_WORD_LISTS[0]
    assert guard_compat.bundled_list_text("finglish") == BUNDLED_WORD_LISTS[1]
    persian = WordList.parse(guard_compat.bundled_list_text("persian"))
    assert persian
    assert set(persian) <= set(WordList.all())


def test_moderation_does_not_import_pelican():
    import subprocess
    import sys

    code = (
        "import sys; import chapar.moderation as e; e.bundled_terms('persian'); "
        "print(any(m == 'pelican' or m.startswith('pelican.') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_another_guard_warns_once_and_a_missing_list_fails_clearly(monkeypatch, caplog):
    monkeypatch.setattr(guard_compat, "guard_version", lambda: "1.6.0")
    with caplog.at_level(logging.WARNING, logger="chapar.guard_compat"):
        guard_compat.bundled_list_text("persian")
        guard_compat.bundled_list_text("finglish")
    assert len([r for r in caplog.records if "1.6.0" in r.getMessage()]) == 1
    monkeypatch.setitem(guard_compat.BUNDLED_LIST_HEADERS, "persian", "# Renamed")
    with pytest.raises(guard_compat.MissingInternal, match=r"persian-text-guard 1\.6\.0"):
        guard_compat.bundled_list_text("persian")


# --- another Pelican ---------------------------------------------------------------

CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
NEWS = {
    "1397/a.md": news_item(
        1, "خبر یک", "1397/06/05 09:07", "Tags: بجنورد، دولت\nCategory: استان‌ها\n"
    ),
    "1397/b.md": news_item(2, "خبر دو", "1397/06/06 10:00", "Tags: بجنورد\n"),
}


def test_another_pelican_turns_the_speedups_off_and_builds_the_same_site(
    tmp_path, monkeypatch, caplog
):
    site = make_site(tmp_path, news=NEWS)
    build_site(site, **CACHED)  # the tested Pelican: a cache to be reused
    build_site(site, **CACHED)
    assert page_cache.LAST_BUILD["reused"] > 0
    assert page_cache.LAST_BUILD["rendered"] == 0
    tested = shutil.copytree(site / "output", tmp_path / "tested")

    monkeypatch.setattr(pelican_compat, "pelican_version", lambda: "4.13.0")
    pelican_compat.forget()
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            build_site(site, **CACHED)
            assert page_cache.LAST_BUILD == {}  # Pelican's own writer: nothing reused
            assert differences(site / "output", tested) == []
    warnings = [
        r.getMessage()
        for r in caplog.records
        if r.levelno == logging.WARNING and "4.13.0" in r.getMessage()
    ]
    assert len(warnings) == 1
    assert "chapar_page_cache" in warnings[0]
    assert "4.12.x" in warnings[0]


def test_a_rebuild_hashes_each_news_file_once_and_still_sees_an_edit(tmp_path, monkeypatch):
    """The generators' unused content cache hashed every file twice more a build
    (FileStampDataCacher: ``_filestamp_func``, ``_cache_data_policy``, ``_cache``).
    """
    import hashlib

    from pelican.cache import FileStampDataCacher

    for name in ("_get_file_stamp", "get_cached_data", "cache_data"):
        assert callable(getattr(FileStampDataCacher, name))
    news = {f"{n}.md": news_item(n, title=f"خبر {n}") for n in (1, 2, 3)}
    site = make_site(tmp_path, news=news)
    build_site(site, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    hashed = []
    real = hashlib.sha256  # CHECK_MODIFIED_METHOD = "sha256", looked up as each build starts

    def counting(data=b"", **kwargs):
        hashed.append(data)
        return real(data, **kwargs)

    monkeypatch.setattr(hashlib, "sha256", counting)
    (site / "content/news/2.md").write_text(news_item(2, title="خبر دو ویرایش‌شده"), "utf-8")
    out = build_site(site, CACHE_CONTENT=True, LOAD_CONTENT_CACHE=True)
    stamped = [data for data in hashed if b"NewsCode" in data]
    assert len(stamped) == len(news) + 1  # each once, and the edited one once more, when kept
    assert "خبر دو ویرایش‌شده" in (out / "news/2/index.html").read_text("utf-8")
