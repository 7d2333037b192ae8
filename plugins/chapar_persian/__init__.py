"""Persian news on Pelican: Jalali dates, Persian text, news metadata.

Registers a Markdown reader that parses Jalali dates and validates news
metadata, checks that NewsCodes are unique across the site, keeps news
of the same time in one order from build to build, gives
templates Jalali date and Persian digit filters and the ``fa`` catalogue,
and writes the folding profiles' tables for the browser scripts
(``<THEME_STATIC_DIR>/js/folding.json``, next to ``search-normalize.js``
and ``comments.js``, which read it).
"""

import json
import logging
import os
from collections import defaultdict

from pelican import signals
from pelican.generators import Generator
from pelican.utils import order_content

from chapar.i18n import ConstantGettext, load_translations
from chapar.news.item import header_lines, header_values, read_source
from chapar.persian import folding, text
from chapar.persian.filters import JINJA_FILTERS
from chapar.problems import Problem, display_path
from chapar_persian.reader import PersianMarkdownReader

logger = logging.getLogger(__name__)


def add_reader(readers):
    """A ``readers_init`` receiver: :class:`PersianMarkdownReader` reads every Markdown
    file extension.
    """
    for extension in PersianMarkdownReader.file_extensions:
        readers.reader_classes[extension] = PersianMarkdownReader


def add_filters_and_gettext(generator):
    """A ``generator_init`` receiver: adds the Persian Jinja filters and the theme's
    translations for ``DEFAULT_LANG`` (from ``THEME_TRANSLATIONS``, else
    ``<THEME>/translations``) to the generator's environment, with ``_()`` of a
    constant translated at compile time.
    """
    env = generator.env
    env.filters.update(JINJA_FILTERS)
    env.add_extension("jinja2.ext.i18n")
    translations_dir = generator.settings.get(
        "THEME_TRANSLATIONS", os.path.join(generator.settings["THEME"], "translations")
    )
    translations = load_translations(translations_dir, generator.settings["DEFAULT_LANG"])
    env.install_gettext_translations(translations, newstyle=True)
    env.constant_translations = translations
    env.add_extension(ConstantGettext)


def check_unique_news_codes(generator):
    """Two files with one NewsCode would overwrite one page: name both.  The
    codes compared are the parsed ones (``0077`` is 77: README.md, "Writing
    news"), so a file says how it spelt the code when that differs.
    """
    by_code = defaultdict(list)
    for article in (*generator.articles, *generator.drafts):
        by_code[article.metadata.get("newscode")].append(article)
    for code, articles in sorted(by_code.items(), key=lambda item: str(item[0])):
        if code is None or len(articles) < 2:  # noqa: PLR2004
            continue
        first, *others = sorted(a.source_path for a in articles)
        where = f"{display_path(first)}:{news_code_line(first)}{spelling(first, code)}"
        for other in others:
            logger.error(
                "%s",
                Problem(
                    other,
                    news_code_line(other),
                    f"NewsCode {code}{spelling(other, code)} is already used by {where}",
                ),
            )


def stable_order(generator):
    """An ``article_generator_pretaxonomy`` receiver: news of the same time come in
    the order of their files' paths, in every build.

    Pelican reads the files in the order of a set, which changes from one process
    to the next, and its sort by date is stable, so two stories of the same minute
    swapped places between builds: the lists, the archives and the previous/next
    links changed although nothing else did, and a rebuild rendered them again.
    Sorting by path first, then by the site's ``ARTICLE_ORDER_BY``, fixes the order.
    """
    order_by = generator.settings["ARTICLE_ORDER_BY"]
    for name in ("articles", "hidden_articles", "drafts"):
        items = getattr(generator, name, None)
        if items:
            by_path = sorted(items, key=lambda item: item.source_path or "")
            setattr(generator, name, order_content(by_path, order_by))


def spelling(path, code):
    """`` ('0077')`` when the file writes its NewsCode other than as ``code``."""
    written = header_values(read_source(path)).get("newscode", "")
    return "" if text.to_latin_digits(written).strip() == str(code) else f" ({written!r})"


def news_code_line(path):
    """The line of the file's ``NewsCode`` header key; 1 without one."""
    return header_lines(read_source(path)).get("newscode", 1)


def folding_save_as(settings):
    """Where the folding tables are written: beside the scripts that load
    them (``search-normalize.js`` and ``comments.js`` find it by their own address).
    """
    return f"{settings.get('THEME_STATIC_DIR', 'theme')}/js/folding.json"


class FoldingExportGenerator(Generator):
    """Writes :func:`chapar.persian.folding.export`: the one copy of the
    folding tables the browser scripts load.
    """

    def generate_output(self, writer):
        """Pelican's output step: write the folding tables as compact JSON at
        :func:`folding_save_as` under the output folder.
        """
        save_as = folding_save_as(self.settings)
        path = os.path.join(self.output_path, save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                folding.export(), handle, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )


def get_generators(pelican):
    """A ``get_generators`` receiver: adds :class:`FoldingExportGenerator` to the build."""
    return FoldingExportGenerator


def register():
    """Connect the reader, the template filters and catalogue, the folding export, the
    order of same-time news and the NewsCode uniqueness check to their signals.
    """
    signals.get_generators.connect(get_generators)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(add_filters_and_gettext)
    signals.article_generator_pretaxonomy.connect(stable_order)
    signals.article_generator_finalized.connect(check_unique_news_codes)
