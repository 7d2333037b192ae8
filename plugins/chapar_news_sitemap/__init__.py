"""``sitemap-news.xml``: the Google News sitemap of the last days' news.

Google News reads only the news of the last two days from it, each with the
publication's name and language, the publication time and the title
(README, "Pages and URLs").  The window is measured back from the build's
time, so the scheduled CI run keeps it current.  The file is written through
Pelican's writer, so the page cache keys it by the articles it lists.

Settings: ``NEWS_SITEMAP``, a dict over ``DEFAULTS`` (chapar.settings.concern).
"""

from datetime import timedelta

from pelican import signals
from pelican.generators import Generator

from chapar.persian.dates import build_time
from chapar.settings import concern

DEFAULTS = {
    "save_as": "sitemap-news.xml",
    "days": 2,  # Google News: "articles published in the last two days"
    "name": None,  # the publication's name; default SITENAME
}


def news_settings(settings):
    """The site's ``NEWS_SITEMAP`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "NEWS_SITEMAP", DEFAULTS)


def recent(articles, now, days):
    """The articles published within ``days`` before ``now``, newest first."""
    since = now - timedelta(days=days)
    return sorted(
        (a for a in articles if since <= a.date <= now), key=lambda a: (a.date, a.url), reverse=True
    )


class NewsSitemapGenerator(Generator):
    """Pelican generator of ``sitemap-news.xml``, the Google News sitemap of the last days' news."""

    def generate_context(self):
        """Pick the news sitemap's articles (Pelican's context step); adds nothing to the context.

        Keeps the articles published within ``NEWS_SITEMAP["days"]`` before the build time,
        newest first, for :meth:`generate_output`.
        """
        config = news_settings(self.settings)
        now = build_time()
        self.config = config
        self.news = recent(self.context.get("articles", []), now, config["days"])

    def generate_output(self, writer):
        """Write the sitemap at ``NEWS_SITEMAP["save_as"]`` through Pelican's writer (output step).

        Template ``sitemap-news.xml``, given ``news``, ``publication`` (``name``, default
        ``SITENAME``) and ``language`` (``DEFAULT_LANG``, default ``fa``).
        """
        writer.write_file(
            self.config["save_as"],
            self.env.get_template("sitemap-news.xml"),  # get_template would add .html
            self.context,
            news=self.news,
            publication=self.config["name"] or self.settings["SITENAME"],
            language=self.settings.get("DEFAULT_LANG", "fa"),
        )


def get_generators(pelican):
    """The ``get_generators`` receiver: :class:`NewsSitemapGenerator`.

    Pelican runs it after its article and page generators, whose content is then
    in the context.
    """
    return NewsSitemapGenerator


def register():
    """Plugin entry point: adds the news sitemap generator at Pelican's ``get_generators``."""
    signals.get_generators.connect(get_generators)
