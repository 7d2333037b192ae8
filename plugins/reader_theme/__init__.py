"""What the reader theme needs from the build: related news and one stylesheet.

* ``article.related``: up to ``RELATED_NEWS_MAX`` other articles ranked by the
  number of tags they share with it, newest first among equals.
* ``article.newer`` / ``article.older``: the chronological neighbours.
* ``theme/css/main.css``: the theme's CSS sources (``theme/css/*.css``, one
  file per component, in ``THEME_CSS_FILES`` order) joined into one file, so
  a page loads a single small stylesheet and the sources stay split.
"""

import logging
import os
from collections import Counter

from pelican import signals

logger = logging.getLogger(__name__)

DEFAULTS = {
    "RELATED_NEWS_MAX": 5,
    "THEME_CSS_SOURCE": "css",  # folder inside THEME
    "THEME_CSS_OUTPUT": "css/main.css",  # inside THEME_STATIC_DIR
    "THEME_CSS_FILES": [
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
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}


def rank_related(article, by_tag, limit):
    """Other articles sharing tags with ``article``: most shared tags first,
    then newest.  Looks only at the article's own tag lists, so the cost is
    the size of those lists, not of the whole site."""
    shared = Counter()
    for tag in getattr(article, "tags", None) or ():
        for other in by_tag.get(tag, ()):
            if other is not article:
                shared[id(other)] += 1
    others = {id(o): o for tag in getattr(article, "tags", None) or () for o in by_tag.get(tag, ())}
    ranked = sorted(shared, key=lambda key: (-shared[key], -others[key].date.timestamp()))
    return [others[key] for key in ranked[:limit]]


def add_related_and_neighbours(generator):
    limit = _settings(generator.settings)["RELATED_NEWS_MAX"]
    articles = sorted(generator.articles, key=lambda a: a.date, reverse=True)
    for index, article in enumerate(articles):
        article.related = rank_related(article, generator.tags, limit)
        article.newer = articles[index - 1] if index > 0 else None
        article.older = articles[index + 1] if index + 1 < len(articles) else None


def join_css(pelican):
    """Write the joined stylesheet into the output (after static files are copied)."""
    settings = _settings(pelican.settings)
    source = os.path.join(pelican.settings["THEME"], settings["THEME_CSS_SOURCE"])
    parts = []
    for name in settings["THEME_CSS_FILES"]:
        with open(os.path.join(source, name), encoding="utf-8") as handle:
            parts.append(f"/* {name} */\n" + handle.read().strip() + "\n")
    target = os.path.join(
        pelican.output_path, pelican.settings["THEME_STATIC_DIR"], settings["THEME_CSS_OUTPUT"]
    )
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write("".join(parts))
    logger.debug("joined %s CSS files into %s", len(parts), target)


def keep_json_readable(generator):
    """JSON-LD with Persian letters as letters: ``\\u06a9`` escapes would
    triple the size of every headline.  ``tojson`` still escapes ``<>&'``."""
    generator.env.policies["json.dumps_kwargs"] = {"sort_keys": True, "ensure_ascii": False}


def register():
    signals.generator_init.connect(keep_json_readable)
    signals.article_generator_finalized.connect(add_related_and_neighbours)
    signals.finalized.connect(join_css)
