"""Breaking news and corrections (chapar/news/marks.py; README.md, "Writing news").

* ``article.breaking``: ``Breaking: yes``; the theme marks the item «فوری» everywhere;
* ``breaking_now`` in the context: the breaking items dated within
  ``NEWS_MARKS["breaking_hours"]`` before the build's time, for the home page's banner
  (plain titles, URLs and dates, so a change re-renders the pages that show it);
* a ``Correction`` without ``Modified`` (the time of the correction), or a ``Breaking`` value
  that is neither yes nor no, is an error naming the file and line.
"""

import logging

from pelican import signals

from chapar.news.item import header_lines, read_source
from chapar.news.marks import DEFAULTS, breaking_value_problem, in_banner, is_yes
from chapar.persian.dates import build_time
from chapar.problems import Problem
from chapar.settings import concern

logger = logging.getLogger(__name__)


def _settings(settings):
    """The site's ``NEWS_MARKS`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "NEWS_MARKS", DEFAULTS)


def _error(article, key, message):
    try:
        line = header_lines(read_source(article.source_path)).get(key, 1)
    except Exception:  # noqa: BLE001 (the reader reports an unreadable file itself)
        line = 1
    logger.error("%s", Problem(article.source_path, line, message))


def mark(generator):
    """An ``article_generator_finalized`` receiver: sets ``article.breaking`` (also in
    its metadata), logs an error for an invalid ``Breaking`` or a ``Correction``
    without ``Modified``, and puts ``breaking_now`` (the banner's items) in the context.
    """
    options = _settings(generator.settings)
    for article in generator.articles:
        meta = article.metadata
        problem = breaking_value_problem(meta.get("breaking"))
        if problem:
            _error(article, "breaking", problem)
        article.breaking = is_yes(meta.get("breaking"))
        meta["breaking"] = article.breaking
        if str(meta.get("correction", "")).strip() and not meta.get("modified"):
            _error(
                article, "correction", "Correction needs Modified: the time the story was corrected"
            )
    generator.context["breaking_now"] = in_banner(
        generator.articles, build_time(), options["breaking_hours"], options["banner_max"]
    )


def register():
    """Connect :func:`mark` to ``article_generator_finalized``."""
    signals.article_generator_finalized.connect(mark)
