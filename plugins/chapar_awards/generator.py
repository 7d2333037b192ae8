"""The awards generator: validates the CSVs while contexts are built, writes
pages and open data afterwards (Pelican's two phases).
"""

import functools
import logging
import os

import jdatetime
from pelican.generators import Generator

from chapar.awards import heap, opendata, records
from chapar.awards.kept import Kept, inputs_key
from chapar.awards.matching import AgencyIndex, check_article_agencies
from chapar.settings import SettingsError, concern
from chapar_persian.reader import header_lines, read_source

logger = logging.getLogger(__name__)

DEFAULTS = {
    "path": "data/awards",
    "url": "awards/",
    "save_as": "awards/index.html",
    "agency_url": "awards/agency/{id}/",
    "agency_save_as": "awards/agency/{id}/index.html",
    "festival_url": "awards/festival/{id}/",
    "festival_save_as": "awards/festival/{id}/index.html",
    "data_url": "awards/data/",  # awards.csv, awards.json, datapackage.json
}


def awards_settings(settings):
    """The site's ``AWARDS`` over :data:`DEFAULTS` (chapar.settings.concern);
    a page address without ``{id}`` would give every agency the same page.
    """
    merged = concern(settings, "AWARDS", DEFAULTS)
    for key in ("agency_url", "agency_save_as", "festival_url", "festival_save_as"):
        if "{id}" not in merged[key]:
            raise SettingsError([f"AWARDS[{key!r}] must contain {{id}}, got {merged[key]!r}"])
    return merged


def load(folder):
    """``chapar.awards.validation.load``: the tables read and checked, imported (with
    pandas) only by a build that reads them, not by one that keeps them (kept.py).
    """
    from chapar.awards.validation import load as load_tables

    return load_tables(folder)


def article_header_lines(path):
    """``{key: line}`` of the article file's header, or ``{}`` when it cannot be read."""
    try:
        return header_lines(read_source(path))
    except ValueError:  # an unreadable file is reported by the reader already
        return {}


class AwardsGenerator(Generator):
    """``awards/``, ``awards/agency/<id>/``, ``awards/festival/<id>/``, ``awards/data/``."""

    def generate_context(self):
        """Pelican's context step: load and check the award CSVs and the articles'
        ``Agencies`` headers, log each problem as an error, and build the award pages
        (or take those the last build kept from the same tables, ``chapar/awards/kept.py``).

        Adds ``AWARDS`` (the settings), ``awards_agencies`` (id -> agency) and
        ``awards_festivals_by_news`` to the context; both stay empty, and no pages are
        built, when there is a problem or no data folder.  Without the folder, the
        awards menu item is also removed from ``MENUITEMS``.
        """
        heap.thaw()  # if the last build failed before it finished
        self.awards = None
        self.kept_data = False  # whether the open data is kept (kept.py) or written
        settings = awards_settings(self.settings)
        self.awards_settings = settings
        self.context["awards_agencies"] = {}
        self.context["awards_festivals_by_news"] = {}
        self.context["AWARDS"] = settings
        articles = self.context.get("articles", [])
        everything = [
            *articles,
            *self.context.get("hidden_articles", []),
            *self.context.get("drafts", []),
        ]
        folder = settings["path"]
        if not os.path.isdir(folder):
            logger.debug("No award data at %s; no award pages", folder)
            self._unlink_menu(settings["url"])
            for problem in check_article_agencies(everything, AgencyIndex(), article_header_lines):
                logger.error("%s", problem)
            return
        with heap.paused():
            index, awards, problems = self._award_site(folder, settings)
        if index is not None:
            problems = check_article_agencies(everything, index, article_header_lines)
        for problem in problems:
            logger.error("%s", problem)
        if problems:
            return
        with heap.paused():
            awards.link_news(articles)
            heap.freeze()  # until the build is over: see heap.py
        self.awards = awards
        self.context["awards_agencies"] = self.awards.by_id
        self.context["awards_festivals_by_news"] = self.awards.festivals_by_news

    def _award_site(self, folder, settings):
        """``(agency index, AwardSite, [])`` from the tables in ``folder``, kept between
        builds (:mod:`chapar.awards.kept`), or ``(None, None, [Problem])``.
        """
        kept = Kept(
            self.settings["CACHE_PATH"],
            load=self.settings.get("LOAD_CONTENT_CACHE", False),
            save=self.settings.get("CACHE_CONTENT", False),
        )
        self.kept, self.kept_key = kept, inputs_key(folder, settings, jdatetime.date.today().year)
        found = kept.load(self.kept_key)
        if found is not None:
            self.kept_data = True
            return (*found, [])
        data, problems = load(folder)
        if data is None:
            return None, None, problems
        awards = records.build(data, settings)
        kept.save(self.kept_key, data.index, awards, functools.partial(opendata.write, awards))
        self.kept_data = kept.save_on
        return data.index, awards, []

    def _unlink_menu(self, url):
        """A site without award data has no ``awards/`` page: its menu item
        (MENUITEMS in pelicanconf.py) would be a broken link.
        """
        menu = self.context.get("MENUITEMS") or ()
        self.context["MENUITEMS"] = [item for item in menu if item[1].strip("/") != url.strip("/")]

    def output_names(self):
        """The pages generate_output writes (see plugins/output_folders)."""
        if self.awards is None:
            return
        yield self.awards_settings["save_as"]
        for item in (*self.awards.agencies, *self.awards.festivals):
            yield item.save_as

    def generate_output(self, writer):
        """Pelican's output step: write ``awards/``, a page per agency and per festival, and
        the open data (CSV, JSON, data package); nothing when ``generate_context`` built
        no pages.
        """
        if self.awards is None:
            return
        settings = self.awards_settings
        relative = self.settings["RELATIVE_URLS"]
        data_url = settings["data_url"]
        common = {"awards_data_url": data_url}
        writer.write_file(
            settings["save_as"],
            self.get_template("awards_index"),
            self.context,
            relative_urls=relative,
            url=settings["url"],
            agencies=self.awards.agencies,
            festivals=self.awards.festivals,
            **common,
        )
        template = self.get_template("awards_agency")  # compiled once for every page
        for agency in self.awards.agencies:
            writer.write_file(
                agency.save_as,
                template,
                self.context,
                relative_urls=relative,
                url=agency.url,
                agency=agency,
                **common,
            )
        template = self.get_template("awards_festival")
        for festival in self.awards.festivals:
            writer.write_file(
                festival.save_as,
                template,
                self.context,
                relative_urls=relative,
                url=festival.url,
                festival=festival,
                **common,
            )
        target = os.path.join(self.output_path, data_url)
        if self.kept_data:
            self.kept.place_data(self.kept_key, target)
        else:
            opendata.write(self.awards, target)
