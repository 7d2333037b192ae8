"""Persian search: a Pagefind index of the built site, in ``pagefind/``.

Pagefind treats ي and ی, ۱۳۹۷ and 1397 as different words and has no
Persian stemming, so it does not index the written pages as they are: each
page to be searched is copied into a scratch folder with its letters and
digits folded (``normalize.fold_page``) and its metadata (title, Jalali
date, category, Jalali year, agencies, from Pelican's own objects) added
as ``<meta data-pagefind-meta>`` tags; Pagefind's indexer (the binary from
``pagefind[bin]``) then reads that folder, keeping to ``<main>`` and
leaving out navigation, forms, asides and comments.  The search page
folds every query the same way before Pagefind sees it.  Runs as the last
generator, after every page is written.

Filters are applied by the search page to the results' metadata rather
than with Pagefind's own filters: Pagefind 1.5 writes its filter index in
a different order on every run (upstream issue #638), which would break
reproducible builds and make every publish a new commit.  The choices for
the filter menus are written to ``search/filters.json``.
"""

import fnmatch
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from html import escape
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator

from persian.dates import format_date, jalali
from persian.problems import Problem
from persian.text import to_persian_digits

from .normalize import fold_page

logger = logging.getLogger(__name__)

DEFAULTS = {
    "enabled": True,
    "output": "pagefind",  # folder inside the output
    "language": "fa",
    "filters_file": "search/filters.json",
    # Other pages to index, as output paths (fnmatch patterns).
    "pages": ["awards/agency/*/index.html", "awards/festival/*/index.html"],
    "root_selector": "main",
    "exclude_selectors": "nav, form, aside, button, script, style, template, noscript, #comments",
}
FILTERS = ("category", "year", "agency")
SEPARATOR = "|"  # between several values of one filter in a record's metadata

# Pagefind writes its ready-made UIs too; the search page uses pagefind.js
# directly, and the UI bundles carry their translators' e-mail addresses.
UNUSED_BUNDLES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
                  "pagefind-highlight.js")


def search_settings(settings):
    config = {**DEFAULTS, **settings.get("SEARCH", {})}
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"SEARCH: unknown key(s) {', '.join(unknown)}")
    return config


def article_meta(article, agency_names):
    """Metadata and sort keys of a news item's search record."""
    filters = {
        "year": [to_persian_digits(jalali(article.date).year)],
        "category": [str(article.category)] if getattr(article, "category", None) else [],
        "agency": [agency_names.get(a, a) for a in getattr(article, "agencies", [])],
    }
    meta = {"title": article.title, "date": format_date(article.date, "date"), "kind": "news"}
    meta.update({key: SEPARATOR.join(values) for key, values in filters.items() if values})
    return meta, {"date": article.date.isoformat()}


def with_meta(html, meta, sort):
    """The page to index: its ``<main>`` only, folded for search, with the
    Pagefind metadata tags first inside it (Pagefind reads only inside its
    root selector)."""
    tags = "".join(
        f'<meta data-pagefind-meta="{key}[content]" content="{escape(value)}">'
        for key, value in sorted(meta.items())
    ) + "".join(
        f'<meta data-pagefind-sort="{key}[content]" content="{escape(value)}">'
        for key, value in sorted(sort.items())
    )
    main, end = html.find("<main"), html.rfind("</main>")
    if main < 0 or end < main:
        return tags + fold_page(html)
    inside = html.find(">", main) + 1
    return ('<!doctype html><html lang="fa"><head><meta charset="utf-8"></head><body>'
            + fold_page(html[main:inside]) + tags + fold_page(html[inside:end + 7])
            + "</body></html>")


def filter_choices(metas):
    """``{filter: [values]}`` for the search page's menus (years newest first)."""
    choices = {}
    for key in FILTERS:
        values = {v for meta in metas for v in meta.get(key, "").split(SEPARATOR) if v}
        choices[key] = sorted(values, reverse=key == "year")
    return choices


def run_pagefind(site, target, config):
    run = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", site, "--output-path", target,
         "--force-language", config["language"], "--root-selector", config["root_selector"],
         "--exclude-selectors", config["exclude_selectors"], "--silent"],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise RuntimeError((run.stderr or run.stdout).strip()[-2000:])


class SearchIndexGenerator(Generator):
    """Indexes the written pages once every other generator has written them."""

    def generate_context(self):
        self.config = search_settings(self.settings)
        # Pagefind's URLs are root-relative: the page tells it the site's path.
        path = urlsplit(self.settings.get("SITEURL", "")).path.rstrip("/")
        self.context["SEARCH_BASE_URL"] = path + "/"

    def generate_output(self, writer):
        if not self.config["enabled"]:
            return
        started = time.perf_counter()
        target = os.path.join(self.output_path, self.config["output"])
        # The copies are read once and thrown away: keep them in memory when
        # the system has a RAM-backed /dev/shm (creating files on disk costs
        # ~0.5 ms each here).
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        with tempfile.TemporaryDirectory(prefix="chapar-search-", dir=shm) as scratch:
            metas = self.copy_pages(scratch)
            try:
                run_pagefind(scratch, os.path.abspath(target), self.config)
            except (OSError, RuntimeError) as exc:  # fail the build, don't ship no search
                logger.error("%s", Problem(target, 1, f"Pagefind indexing failed: {exc}"))
                return
        for name in sorted(os.listdir(target)):
            if any(fnmatch.fnmatch(name, pattern) for pattern in UNUSED_BUNDLES):
                os.remove(os.path.join(target, name))
        choices = os.path.join(self.output_path, self.config["filters_file"])
        os.makedirs(os.path.dirname(choices), exist_ok=True)
        with open(choices, "w", encoding="utf-8") as handle:
            json.dump(filter_choices(metas), handle, ensure_ascii=False, sort_keys=True)
        logger.info("search: indexed %d pages into %s in %.2f s", len(metas), target,
                    time.perf_counter() - started)

    def copy_pages(self, scratch):
        """Folded copies of the pages to search, in ``scratch``; returns their metadata."""
        agencies = self.context.get("awards_agencies", {})
        agency_names = {key: getattr(a, "name", a) for key, a in agencies.items()}
        pages = {a.save_as: article_meta(a, agency_names)
                 for a in self.context.get("articles", [])}
        for root, _dirs, files in os.walk(self.output_path):
            for name in files:
                rel = os.path.relpath(os.path.join(root, name), self.output_path)
                rel = rel.replace(os.sep, "/")
                if rel not in pages and any(fnmatch.fnmatch(rel, p) for p in self.config["pages"]):
                    pages[rel] = ({"kind": "page"}, {})
        for rel, (meta, sort) in pages.items():
            with open(os.path.join(self.output_path, rel), encoding="utf-8") as handle:
                html = handle.read()
            copy = os.path.join(scratch, rel)
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            with open(copy, "w", encoding="utf-8") as handle:
                handle.write(with_meta(html, meta, sort))
        return [meta for meta, _sort in pages.values()]


def get_generators(pelican):
    return SearchIndexGenerator


def register():
    signals.get_generators.connect(get_generators)
