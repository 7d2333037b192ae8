"""Jalali archives: ``archive/``, ``archive/<yyyy>/``, ``archive/<yyyy>/<mm>/``.

Pelican's period archives are Gregorian; a Persian reader looks for
«شهریور ۱۳۹۷».  This generator groups published articles by Jalali year
and month (in the site's time zone) and writes the pages through Pelican's
writer, so the sitemap sees them and a path collision raises.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import groupby

from pelican import signals
from pelican.generators import Generator

from chapar.persian.dates import MONTHS, jalali
from chapar.settings import concern

DEFAULTS = {  # JALALI_ARCHIVE in pelicanconf.py (chapar.settings.concern)
    "index_save_as": "archive/index.html",
    "index_url": "archive/",
    "year_save_as": "archive/{year}/index.html",
    "year_url": "archive/{year}/",
    "month_save_as": "archive/{year}/{month:02d}/index.html",
    "month_url": "archive/{year}/{month:02d}/",
}


@dataclass
class Month:
    """One Jalali month of the archive: its articles newest first, and its page's
    ``url`` and ``save_as`` (filled in from ``JALALI_ARCHIVE`` by the generator).
    """

    year: int
    month: int
    articles: list
    url: str = ""
    save_as: str = ""

    @property
    def name(self):
        """The month's Persian name (فروردین … اسفند), for the page's heading and links."""
        return MONTHS[self.month - 1]


@dataclass
class Year:
    """One Jalali year of the archive: its :class:`Month` list newest first, and its
    page's ``url`` and ``save_as``.
    """

    year: int
    months: list = field(default_factory=list)
    url: str = ""
    save_as: str = ""

    @property
    def count(self):
        """The number of articles in the year, over all its months."""
        return sum(len(m.articles) for m in self.months)


def group_by_jalali_month(articles):
    """``[Year]`` newest first, each with its ``[Month]`` newest first."""
    buckets = defaultdict(list)
    for article in articles:
        j = jalali(article.date)
        buckets[(j.year, j.month)].append(article)
    years = []
    for year, keys in groupby(sorted(buckets, reverse=True), key=lambda k: k[0]):
        months = [
            Month(y, m, sorted(buckets[(y, m)], key=lambda a: a.date, reverse=True))
            for y, m in keys
        ]
        years.append(Year(year, months))
    return years


class JalaliArchiveGenerator(Generator):
    """Pelican generator of the Jalali archive: the index, one page per year, one per month."""

    def generate_context(self):
        """Group the context's published articles by Jalali year and month (Pelican's context step).

        Sets each year's and month's ``url`` and ``save_as`` from ``JALALI_ARCHIVE``; adds
        ``jalali_archive`` (the ``[Year]`` list, newest first) and ``JALALI_ARCHIVE`` (the
        settings with their defaults) to the context.
        """
        settings = concern(self.settings, "JALALI_ARCHIVE", DEFAULTS)
        years = group_by_jalali_month(self.context.get("articles", []))
        for year in years:
            year.url = settings["year_url"].format(year=year.year)
            year.save_as = settings["year_save_as"].format(year=year.year)
            for month in year.months:
                fmt = {"year": month.year, "month": month.month}
                month.url = settings["month_url"].format(**fmt)
                month.save_as = settings["month_save_as"].format(**fmt)
        self.years = years
        self.index_save_as = settings["index_save_as"]
        self.context["jalali_archive"] = years
        self.context["JALALI_ARCHIVE"] = settings

    def generate_output(self, writer):
        """Write the archive pages through Pelican's writer (its output step).

        The index at ``index_save_as`` with the ``archives`` template, each year's page with
        ``archive_year`` and each month's with ``archive_month`` (given ``articles``).
        """
        write = writer.write_file
        write(
            self.index_save_as,
            self.get_template("archives"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            years=self.years,
            url=self.context["JALALI_ARCHIVE"]["index_url"],
        )
        for year in self.years:
            write(
                year.save_as,
                self.get_template("archive_year"),
                self.context,
                relative_urls=self.settings["RELATIVE_URLS"],
                year=year,
                url=year.url,
            )
            for month in year.months:
                write(
                    month.save_as,
                    self.get_template("archive_month"),
                    self.context,
                    relative_urls=self.settings["RELATIVE_URLS"],
                    year=year,
                    month=month,
                    articles=month.articles,
                    url=month.url,
                )


def get_generators(pelican):
    """The ``get_generators`` receiver: :class:`JalaliArchiveGenerator`.

    Pelican runs it after its article and page generators, whose content is then
    in the context.
    """
    return JalaliArchiveGenerator


def register():
    """Plugin entry point: adds the archive generator at Pelican's ``get_generators`` signal."""
    signals.get_generators.connect(get_generators)
