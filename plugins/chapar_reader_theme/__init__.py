"""What the reader theme needs from the build: related news and one stylesheet.

* ``article.related``: up to ``READER_THEME["related_news_max"]`` other articles ranked by the
  number of tags they share with it, newest first among equals.
* ``article.newer`` / ``article.older``: the chronological neighbours.
* each item's URL computed once (:func:`freeze_urls`).
* ``theme/css/main.css``: the theme's CSS sources (``theme/css/*.css``, one
  file per component, in ``READER_THEME["css_files"]`` order) joined into one file, so
  a page loads a single small stylesheet and the sources stay split.
"""

import logging
import os

import numpy as np
from pelican import signals

from chapar.settings import concern

logger = logging.getLogger(__name__)

DEFAULTS = {
    "related_news_max": 5,
    "css_source": "css",  # folder inside THEME
    "css_output": "css/main.css",  # inside THEME_STATIC_DIR
    "css_files": [
        "variables.css",
        "fonts.css",
        "base.css",
        "layout.css",
        "buttons.css",
        "forms.css",
        "notices.css",
        "card.css",
        "list.css",
        "table.css",
        "article.css",
        "pagination.css",
        "print.css",
    ],
}


def _settings(settings):
    """The site's ``READER_THEME`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "READER_THEME", DEFAULTS)


class RelatedNews:
    """Related news for every article of a site, ranked at once.

    Articles get positions in newest-first order, each tag the array of its
    articles' positions; an article's candidates are counted with one
    ``bincount`` over its tags' arrays and ranked most shared tags first,
    newest first among equals.  Counting in numpy keeps a site whose popular
    tags hold thousands of items from costing seconds of Python loops.
    """

    def __init__(self, by_tag):
        members = {id(a): a for articles in by_tag.values() for a in articles}
        self.articles = sorted(members.values(), key=lambda a: a.date, reverse=True)
        self.position = {id(a): index for index, a in enumerate(self.articles)}
        self.by_tag = {
            tag: np.array(sorted(self.position[id(a)] for a in articles), dtype=np.intp)
            for tag, articles in by_tag.items()
        }

    def related(self, article, limit):
        """Up to ``limit`` other articles sharing tags with ``article``, most shared first.

        Newest first among equals; an article without known tags, or ``limit <= 0``, gets ``[]``.
        """
        arrays = [self.by_tag[t] for t in getattr(article, "tags", None) or () if t in self.by_tag]
        if not arrays or limit <= 0:
            return []
        shared = np.bincount(np.concatenate(arrays), minlength=len(self.articles))
        own = self.position.get(id(article))
        if own is not None:
            shared[own] = 0
        candidates = np.flatnonzero(shared)  # newest first
        best = np.argsort(-shared[candidates], kind="stable")[:limit]
        return [self.articles[i] for i in candidates[best]]


def rank_related(article, by_tag, limit):
    """Other articles sharing tags with ``article``: most shared tags first,
    then newest (one article; a site ranks all of them with RelatedNews).
    """
    return RelatedNews(by_tag).related(article, limit)


def add_related_and_neighbours(generator):
    """The ``article_generator_finalized`` receiver: sets each article's ``related``, ``newer``
    and ``older``.

    ``related`` holds up to ``READER_THEME["related_news_max"]`` articles
    (:class:`RelatedNews`); ``newer`` / ``older`` are the chronological neighbours,
    ``None`` at either end.
    """
    limit = _settings(generator.settings)["related_news_max"]
    related = RelatedNews(generator.tags)
    articles = sorted(generator.articles, key=lambda a: a.date, reverse=True)
    for index, article in enumerate(articles):
        article.related = related.related(article, limit)
        article.newer = articles[index - 1] if index > 0 else None
        article.older = articles[index + 1] if index + 1 < len(articles) else None


def freeze_urls(generator):
    """Compute each published item's URL and path once, when its generator is done.

    Pelican's ``url`` property formats ``ARTICLE_URL`` with the item's
    metadata on every access; a site of 5,000 items asks 100,000 times
    (lists, related news, neighbours, comment pages).  Once the articles'
    (or the pages') generator has built its context nothing changes them, so
    each is stored as Pelican's own ``override_url`` / ``override_save_as``,
    the attributes it consults first.  Done at ``article_generator_finalized``
    (and ``page_generator_finalized``), not after every generator: the
    generators after it (comments, awards) ask too.
    """
    for item in (
        getattr(generator, "articles", [])
        + getattr(generator, "translations", [])
        + getattr(generator, "pages", [])
    ):
        item.override_url, item.override_save_as = item.url, item.save_as


def join_css(pelican):
    """Write the joined stylesheet into the output (after static files are copied)."""
    settings = _settings(pelican.settings)
    source = os.path.join(pelican.settings["THEME"], settings["css_source"])
    parts = []
    for name in settings["css_files"]:
        with open(os.path.join(source, name), encoding="utf-8") as handle:
            parts.append(f"/* {name} */\n" + handle.read().strip() + "\n")
    target = os.path.join(
        pelican.output_path, pelican.settings["THEME_STATIC_DIR"], settings["css_output"]
    )
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("".join(parts))
    logger.debug("joined %s CSS files into %s", len(parts), target)


def keep_json_readable(generator):
    r"""JSON-LD with Persian letters as letters: ``\u06a9`` escapes would
    triple the size of every headline.  ``tojson`` still escapes ``<>&'``.
    """
    generator.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}


def register():
    """Plugin entry point: :func:`keep_json_readable` at ``generator_init``,
    :func:`add_related_and_neighbours` and :func:`freeze_urls` at
    ``article_generator_finalized`` (:func:`freeze_urls` at ``page_generator_finalized``
    too) and :func:`join_css` at ``finalized``.
    """
    signals.generator_init.connect(keep_json_readable)
    signals.article_generator_finalized.connect(add_related_and_neighbours)
    signals.article_generator_finalized.connect(freeze_urls)
    signals.page_generator_finalized.connect(freeze_urls)
    signals.finalized.connect(join_css)
