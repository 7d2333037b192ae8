"""Persian search: a Pagefind index of the built site, in ``pagefind/``.

Pagefind treats ي and ی, ۱۳۹۷ and 1397 as different words and has no
Persian stemming, so pages are not indexed as HTML files: each page's
``<main>`` text (navigation, forms, asides and comments left out) is
normalised and added as a custom record, with its metadata (title, Jalali
date, category, Jalali year, agencies) taken from Pelican's own objects.
The search page normalises every query the same way before Pagefind sees
it.  Runs as the last generator, after every page is written.

Filters are applied by the search page to the results' metadata rather
than with Pagefind's own filters: Pagefind 1.5 writes its filter index in
a different order on every run (upstream issue #638), which would break
reproducible builds and make every publish a new commit.  The choices for
the filter menus are written to ``search/filters.json``.
"""

import asyncio
import concurrent.futures
import fnmatch
import json
import logging
import os
from urllib.parse import urlsplit

from pelican import signals
from pelican.generators import Generator

from persian.dates import format_date, jalali
from persian.problems import Problem
from persian.text import to_persian_digits

from .extract import main_text
from .normalize import normalize_for_search

logger = logging.getLogger(__name__)

DEFAULTS = {
    "enabled": True,
    "output": "pagefind",  # folder inside the output
    "language": "fa",
    "filters_file": "search/filters.json",
    # Other pages to index, as output paths (fnmatch patterns).
    "pages": ["awards/agency/*/index.html", "awards/festival/*/index.html"],
}


def search_settings(settings):
    config = {**DEFAULTS, **settings.get("SEARCH", {})}
    unknown = sorted(set(config) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"SEARCH: unknown key(s) {', '.join(unknown)}")
    return config


FILTERS = ("category", "year", "agency")
SEPARATOR = "|"  # between several values of one filter in a record's metadata


def article_record(article, html, base_path, agency_names):
    text, _ = main_text(html)
    filters = {
        "year": [to_persian_digits(jalali(article.date).year)],
        "category": [str(article.category)] if getattr(article, "category", None) else [],
        "agency": [agency_names.get(a, a) for a in getattr(article, "agencies", [])],
    }
    meta = {"title": article.title, "date": format_date(article.date, "date"), "kind": "news"}
    meta.update({key: SEPARATOR.join(values) for key, values in filters.items() if values})
    return {
        "url": f"{base_path}/{article.url}",
        "content": normalize_for_search(text),
        "meta": meta,
        "sort": {"date": article.date.isoformat()},
    }


def filter_choices(records):
    """``{filter: [values]}`` for the search page's menus (years newest first)."""
    choices = {}
    for key in FILTERS:
        values = {v for r in records for v in r["meta"].get(key, "").split(SEPARATOR) if v}
        choices[key] = sorted(values, reverse=key == "year")
    return choices


def page_record(url, html, base_path):
    text, title = main_text(html)
    return {
        "url": f"{base_path}/{url}",
        "content": normalize_for_search(text),
        "meta": {"title": title, "kind": "page"},
        "sort": {"date": ""},
    }


async def write_index(records, output_dir, language):
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config={"output_path": output_dir}) as index:
        for record in records:
            await index.add_custom_record(language=language, **record)


class SearchIndexGenerator(Generator):
    """Indexes the written pages; needs nothing from the context phase."""

    def generate_context(self):
        self.config = search_settings(self.settings)

    def generate_output(self, writer):
        if not self.config["enabled"]:
            return
        records = self.records()
        target = os.path.join(self.output_path, self.config["output"])
        # Own thread and event loop: the build may itself run inside one
        # (livereload's server calls the build from its loop).
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            try:
                pool.submit(
                    asyncio.run, write_index(records, target, self.config["language"])
                ).result()
            except Exception as exc:  # the binary failed: the build must fail
                logger.error("%s", Problem(target, 1, f"Pagefind indexing failed: {exc}"))
        remove_unused_bundles(target)
        choices = os.path.join(self.output_path, self.config["filters_file"])
        os.makedirs(os.path.dirname(choices), exist_ok=True)
        with open(choices, "w", encoding="utf-8") as handle:
            json.dump(filter_choices(records), handle, ensure_ascii=False, sort_keys=True)
        logger.info("search: indexed %d pages into %s", len(records), target)

    def records(self):
        base_path = urlsplit(self.settings.get("SITEURL", "")).path.rstrip("/")
        agencies = self.context.get("awards_agencies", {})
        agency_names = {key: getattr(a, "name", a) for key, a in agencies.items()}
        records = []
        for article in self.context.get("articles", []):
            html = self.read_output(article.save_as)
            records.append(article_record(article, html, base_path, agency_names))
        for root, _dirs, files in os.walk(self.output_path):
            for name in files:
                rel = os.path.relpath(os.path.join(root, name), self.output_path)
                rel = rel.replace(os.sep, "/")
                if any(fnmatch.fnmatch(rel, p) for p in self.config["pages"]):
                    url = rel[: -len("index.html")] if rel.endswith("index.html") else rel
                    records.append(page_record(url, self.read_output(rel), base_path))
        records.sort(key=lambda r: r["url"])  # a stable index for reproducible builds
        return records

    def read_output(self, rel):
        with open(os.path.join(self.output_path, rel), encoding="utf-8") as handle:
            return handle.read()


# Pagefind writes its ready-made UIs too; the search page uses pagefind.js
# directly, and the UI bundles carry their translators' e-mail addresses.
UNUSED_BUNDLES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*",
                  "pagefind-highlight.js")


def remove_unused_bundles(folder):
    for name in sorted(os.listdir(folder)):
        if any(fnmatch.fnmatch(name, pattern) for pattern in UNUSED_BUNDLES):
            os.remove(os.path.join(folder, name))


def get_generators(pelican):
    return SearchIndexGenerator


def register():
    signals.get_generators.connect(get_generators)
