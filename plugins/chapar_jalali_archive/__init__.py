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
    year: int
    month: int
    articles: list
    url: str = ""
    save_as: str = ""

    @property
    def name(self):
        return MONTHS[self.month - 1]


@dataclass
class Year:
    year: int
    months: list = field(default_factory=list)
    url: str = ""
    save_as: str = ""

    @property
    def count(self):
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
    def generate_context(self):
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
    return JalaliArchiveGenerator


def register():
    signals.get_generators.connect(get_generators)
