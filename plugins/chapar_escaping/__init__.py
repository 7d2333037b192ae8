"""Jinja autoescape for the theme: what a template prints is text unless the
build marked it as HTML.

News headers, award cells and settings are text (README.md, "Writing news"
and "Awards"): Pelican's Jinja environment escapes every value for HTML text
and quoted attributes, and only HTML the build made itself is printed as it
is (``|safe`` on Markdown's ``article.content``; ``Markup`` from macros,
``_()`` and ``tojson``).  Pelican makes the environment from
``JINJA_ENVIRONMENT``; autoescape is set here rather than there because
other code (the comment thread's own environment, plugins/comments) builds
environments from the same options.  A template named in
``ESCAPING["exclude"]`` keeps autoescape off: it escapes each value itself
with ``|e``.

Feeds: Pelican's feed writer reads a title as HTML (it strips tags and
decodes entities); :func:`feed_titles_as_text` puts each article's title
back as typed, and the feed's XML escapes it.  RSS readers render a
``description`` as HTML, so the channel's (``SITESUBTITLE``) is escaped as
HTML text first.
"""

import html
import logging
from urllib.parse import urlsplit

from feedgenerator import Rss201rev2Feed
from pelican import signals

from chapar.settings import concern

logger = logging.getLogger(__name__)

DEFAULTS = {"exclude": []}  # ESCAPING in pelicanconf.py (chapar.settings.concern)


def autoescape_except(excluded):
    """Jinja's ``autoescape`` callable: on for every template but ``excluded``
    (and for templates made from strings).
    """
    excluded = frozenset(excluded)

    def autoescape(template_name):
        return template_name not in excluded

    return autoescape


def turn_on_autoescape(generator):
    """The ``generator_init`` receiver: autoescape on in the generator's Jinja environment.

    Every template is autoescaped but those named in ``ESCAPING["exclude"]``.
    """
    excluded = concern(generator.settings, "ESCAPING", DEFAULTS)["exclude"]
    generator.env.autoescape = autoescape_except(excluded)
    logger.debug(
        "autoescape on for %s templates, except %s",
        type(generator).__name__,
        ", ".join(excluded) or "none",
    )


def feed_titles_as_text(context, feed):
    """Each feed entry's title as the article's header has it (an entry is
    found by its link, whose path ends with the article's URL).
    """
    titles = {}
    for item in (*context.get("articles", ()), *context.get("translations", ())):
        titles[item.url] = item.title
    for entry in feed.items:
        path = urlsplit(entry["link"]).path
        for index, char in enumerate(path):
            if char == "/" and path[index + 1 :] in titles:
                entry["title"] = titles[path[index + 1 :]]
                break
    if isinstance(feed, Rss201rev2Feed) and feed.feed.get("description"):
        # RSS readers render a description as HTML (the channel's is SITESUBTITLE)
        feed.feed["description"] = html.escape(feed.feed["description"], quote=False)


def register():
    """Plugin entry point: :func:`turn_on_autoescape` at ``generator_init``,
    :func:`feed_titles_as_text` at ``feed_generated``.
    """
    signals.generator_init.connect(turn_on_autoescape)
    signals.feed_generated.connect(feed_titles_as_text)
