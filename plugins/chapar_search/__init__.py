"""Persian search: Pagefind indexes of the built site, in ``pagefind/<shard>/``.

Pagefind treats ي and ی, ۱۳۹۷ and 1397 as different words and has no
Persian stemming, so it does not index the written pages as they are: each
page to be searched is copied into a scratch folder (``job.Copier``): its
``<main>`` only, without what search leaves out (navigation, forms, asides,
comments, share links), letters and digits folded (``normalize.fold_page``),
and its metadata (title, Jalali date, category, Jalali year, agencies, from
Pelican's own objects) added as ``<meta data-pagefind-meta>`` tags; the
Pagefind indexer (the binary from ``pagefind[bin]``) then reads that folder.
The search page folds every query the same way before Pagefind sees it.

The index is split into shards (``shards.py``): one per Jalali year of
news, newest first, then the other pages (agencies, festivals) in shards of
``pages_per_shard``.  The news shards are indexed as soon as the article
pages are written, the others as they are written, each in a process of its
own beside the build; the last generator waits for them.  A rebuild
re-indexes only the shards whose copies changed.  The search page merges the
shards into one Pagefind instance and asks them in order, so news comes
newest first.  The shards and the filter choices are in
``search/search.json``.

Filters are applied by the search page to the results' metadata rather
than with Pagefind's own filters: Pagefind 1.5 writes its filter index in
a different order on every run (upstream issue #638), which would break
reproducible builds and make every publish a new commit.
"""

import fnmatch
import functools
import json
import logging
import os
import re
import time
from urllib.parse import urlsplit

from blinker import signal
from pelican import signals
from pelican.generators import Generator

import chapar_page_cache as page_cache
from chapar.persian.dates import format_date, jalali
from chapar.persian.text import to_persian_digits
from chapar.problems import Problem
from chapar.search.shards import Shard, ShardIndexer, stop_all
from chapar.settings import concern

logger = logging.getLogger(__name__)

DEFAULTS = {
    "enabled": True,
    "output": "pagefind",  # folder inside the output
    "language": "fa",
    "manifest": "search/search.json",  # shards, in search order, and filter choices
    # Other pages to index, as output paths (fnmatch patterns).
    "pages": ["awards/agency/*/index.html", "awards/festival/*/index.html"],
    "pages_per_shard": 700,
    # Also left out of those pages: the award tables' column headings and
    # hidden captions (the festival and year named above each table); a
    # third of an agency page's words, none of them searched for.
    "pages_exclude_selectors": "caption, thead",
    "root_selector": "main",
    # Left out of every page (the article footer's tags are searched, not
    # its share links).
    "exclude_selectors": "nav, form, aside, button, script, style, template, noscript, "
    "#comments, .share, .tags__title",
}
FILTERS = ("category", "year", "agency")
LAST_BUILD = {}  # shards indexed and reused, and pages copied, by the last build (tools, tests)
SEPARATOR = "|"  # between several values of one filter in a record's metadata

# Pagefind writes its ready-made UIs too; the search page uses pagefind.js
# directly, and the UI bundles carry their translators' e-mail addresses.
UNUSED_BUNDLES = (
    "pagefind-ui.*",
    "pagefind-component-ui.*",
    "pagefind-modular-ui.*",
    "pagefind-highlight.js",
)
# Pagefind's runtime: the search page loads the first shard's only.
RUNTIME = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")


def search_settings(settings):
    """The site's ``SEARCH`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "SEARCH", DEFAULTS)


def article_meta(article, agency_names):
    """Metadata and sort keys of a news item's search record."""
    filters = {
        "year": [to_persian_digits(jalali(article.date).year)],
        "category": [str(article.category)] if getattr(article, "category", None) else [],
        "agency": [agency_names.get(a, a) for a in getattr(article, "agencies", [])],
    }
    meta = {"title": article.title, "date": format_date(article.date, "date"), "kind": "news"}
    meta.update({key: SEPARATOR.join(values) for key, values in filters.items() if values})
    photo = getattr(article, "photo", None)
    if photo is not None:
        # the results' thumbnail: the narrowest width, from the site root
        thumb = photo.smallest
        meta.update(image=thumb.url, image_width=str(thumb.width), image_height=str(thumb.height))
    return meta, {"date": article.date.isoformat()}


def filter_choices(metas):
    """``{filter: [values]}`` for the search page's menus (years newest first)."""
    choices = {}
    for key in FILTERS:
        values = {v for meta in metas for v in meta.get(key, "").split(SEPARATOR) if v}
        choices[key] = sorted(values, reverse=key == "year")
    return choices


class SearchIndexGenerator(Generator):
    """Indexes the written pages: the news as soon as the article pages are
    written, the other pages as they are written, in shards (``shards.py``),
    and waits for every shard once every other generator has written.
    """

    def generate_context(self):
        """Read ``SEARCH`` and, if enabled, connect the indexing to the writing (context step).

        Adds ``SEARCH_BASE_URL`` (the site's path, for Pagefind's root-relative URLs) to the
        context; stops the shards of a build that died; connects :meth:`index_news` to
        ``article_writer_finalized`` and :meth:`page_written` to ``content_written``.
        """
        self.config = search_settings(self.settings)
        # Pagefind's URLs are root-relative: the page tells it the site's path.
        path = urlsplit(self.settings.get("SITEURL", "")).path.rstrip("/")
        self.context["SEARCH_BASE_URL"] = path + "/"
        self.indexer, self.news, self.pages, self.metas = None, None, [], []
        self.waiting, self.seen = [], set()  # other pages written, not yet in a shard
        self.unwritten = {}  # article page: its shard, until it is written
        if self.config["enabled"]:
            stop_all()  # a build that died before waiting for its shards
            signals.article_writer_finalized.connect(self.index_news)
            signals.content_written.connect(self.page_written)

    @functools.cached_property
    def prefix(self):
        """Of every path written into this build's output (Pelican's writer
        names files by their absolute path).
        """
        return os.path.join(os.path.abspath(self.output_path), "")

    @functools.cached_property
    def other_pages(self):
        """Matches the output paths of the other pages to search."""
        return re.compile("|".join(fnmatch.translate(p) for p in self.config["pages"]) or "(?!)")

    @property
    def shards(self):
        """In search order: news by year, newest first, then the other pages."""
        return list((self.news or {}).values()) + self.pages

    def _plan_news(self):
        """The news shards, one per Jalali year; each is indexed once all its
        article pages are written (the newest are written first).
        """
        if self.news is not None:
            return
        agencies = self.context.get("awards_agencies", {})
        agency_names = {key: getattr(a, "name", a) for key, a in agencies.items()}
        self.news = {}
        for article in sorted(self.context.get("articles", []), key=lambda a: a.date, reverse=True):
            meta, sort = article_meta(article, agency_names)
            name = f"news-{jalali(article.date).year}"
            shard = self.news.setdefault(name, Shard(name, year=meta["year"]))
            shard.pages.append((article.save_as, meta, sort))
            self.metas.append(meta)
            self.unwritten[article.save_as] = shard
        self.seen = set(self.unwritten)
        self.left = {shard.name: len(shard.pages) for shard in self.news.values()}

    def _indexer(self):
        if self.indexer is None:
            self.started = time.perf_counter()
            config = self.config
            args = [
                "--force-language",
                config["language"],
                "--root-selector",
                config["root_selector"],
                "--exclude-selectors",
                config["exclude_selectors"],
            ]
            self.indexer = ShardIndexer(
                os.path.abspath(self.output_path),
                os.path.abspath(os.path.join(self.output_path, config["output"])),
                os.path.abspath(os.path.join(self.settings["CACHE_PATH"], "search")),
                args,
                load=self.settings.get("LOAD_CONTENT_CACHE", False),
                save=self.settings.get("CACHE_CONTENT", False),
                unused=UNUSED_BUNDLES,
                page_key=page_cache.page_key,
            )
        return self.indexer

    def _submit_news(self, shard):
        if self.left.pop(shard.name, None) is not None:
            self._indexer().submit([shard])

    def index_news(self, articles_generator, writer=None):
        """Start indexing the news shards not started yet (pages written other
        than through Pelican's writer, if any).
        """
        if articles_generator.output_path != self.output_path:
            return  # a failed earlier build's generator, not yet collected (livereload)
        signals.article_writer_finalized.disconnect(self.index_news)
        self._plan_news()
        for shard in self.news.values():
            self._submit_news(shard)

    def page_written(self, path, context=None):
        """An article page written counts towards its shard (see _plan_news).
        Other pages to search go into shards of ``pages_per_shard`` in the
        order they are written ("pages", "pages-2", …, searched as one group),
        each indexed as soon as it is full, while the rest of the site is
        rendered.
        """
        if not path.startswith(self.prefix):
            return  # not this build's (see index_news)
        rel = path[len(self.prefix) :].replace(os.sep, "/")
        self._plan_news()
        shard = self.unwritten.pop(rel, None)
        if shard is not None:
            self.left[shard.name] -= 1
            if not self.left[shard.name]:  # the year's last article page
                self._submit_news(shard)
            return
        if rel in self.seen or not self.other_pages.match(rel):
            return
        self.seen.add(rel)
        self.waiting.append((rel, {"kind": "page"}, {}))
        self.metas.append({"kind": "page"})
        if len(self.waiting) >= self.config["pages_per_shard"]:
            self._submit_waiting()

    def _submit_waiting(self):
        if not self.waiting:
            return
        count = len(self.pages)
        shard = Shard(
            "pages" + (f"-{count + 1}" if count else ""),
            group="pages",
            exclude=self.config["pages_exclude_selectors"],
        )
        shard.pages, self.waiting = self.waiting, []
        self.pages.append(shard)
        self._indexer().submit([shard])

    def generate_output(self, writer):
        """Index what is left and wait for every shard (output step).

        Also indexes pages written other than through Pelican's writer, keeps one Pagefind
        runtime (the first shard's), and writes the manifest (``SEARCH["manifest"]``: the
        shards in search order and the filter choices).  An indexing failure is logged as
        an error, which fails the build.
        """
        if not self.config["enabled"]:
            return
        signals.article_writer_finalized.disconnect(self.index_news)
        signals.content_written.disconnect(self.page_written)
        # Pages written other than through Pelican's writer, if any.
        for root, dirs, files in os.walk(os.path.abspath(self.output_path)):
            dirs.sort()
            for name in sorted(files):
                self.page_written(os.path.join(root, name))
        self._plan_news()
        for shard in self.news.values():
            self._submit_news(shard)
        indexer = self._indexer()
        target = indexer.output_root
        waiting = time.perf_counter()
        try:
            self._submit_waiting()
            indexer.finish()
        except (OSError, RuntimeError) as exc:  # fail the build, don't ship no search
            logger.error("%s", Problem(target, 1, f"Pagefind indexing failed: {exc}"))
            return
        # One pagefind.js, worker and WebAssembly for all shards: the first's.
        for shard in self.shards[1:]:
            for name in sorted(os.listdir(os.path.join(target, shard.name))):
                if any(fnmatch.fnmatch(name, pattern) for pattern in RUNTIME):
                    os.remove(os.path.join(target, shard.name, name))
        LAST_BUILD.clear()
        LAST_BUILD.update(
            indexed=sorted(indexer.indexed),
            reused=sorted(indexer.reused),
            copied={name: result["copied"] for name, result in indexer.timings.items()},
        )
        manifest = os.path.join(self.output_path, self.config["manifest"])
        os.makedirs(os.path.dirname(manifest), exist_ok=True)
        with open(manifest, "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "indexes": [
                        {"name": shard.name, "group": shard.group, "year": shard.year}
                        for shard in self.shards
                    ],
                    "filters": filter_choices(self.metas),
                },
                handle,
                ensure_ascii=False,
                sort_keys=True,
            )
        # The last figure: from the first shard started to the last one done,
        # beside the rest of the build; the build itself waited only at the end.
        logger.info(
            "search: indexed %d pages in %d shards (%d reused; the build waited "
            "%.2f s for them at the end) into %s in %.2f s",
            len(self.metas),
            len(self.shards),
            len(indexer.reused),
            time.perf_counter() - waiting,
            target,
            time.perf_counter() - self.started,
        )


def get_generators(pelican):
    """The ``get_generators`` receiver: :class:`SearchIndexGenerator`.

    Pelican runs it after its article and page generators, whose content is then
    in the context.
    """
    return SearchIndexGenerator


def _run_over(*_args, **_kwargs):
    stop_all()  # a failed build: its shards stop writing before its output is removed


def register():
    """Plugin entry point: adds the search generator at ``get_generators`` and stops the
    indexing shards at ``safe_build.run_over`` (a failed build).
    """
    signals.get_generators.connect(get_generators)
    signal("safe_build.run_over").connect(_run_over)
