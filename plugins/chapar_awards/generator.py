"""The awards generator: validates the CSVs while contexts are built, writes
pages and open data afterwards (Pelican's two phases).
"""

import logging
import os

from pelican.generators import Generator

from chapar.awards import heap, opendata, records
from chapar.awards.matching import AgencyIndex
from chapar.awards.validation import check_article_agencies, load
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
        ``Agencies`` headers, log each problem as an error, and build the award pages.

        Adds ``AWARDS`` (the settings), ``awards_agencies`` (id -> agency) and
        ``awards_festivals_by_news`` to the context; both stay empty, and no pages are
        built, when there is a problem or no data folder.  Without the folder, the
        awards menu item is also removed from ``MENUITEMS``.
        """
        heap.thaw()  # if the last build failed before it finished
        self.awards = None
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
            problems = check_article_agencies(everything, AgencyIndex(), article_header_lines)
        else:
            with heap.paused():
                data, problems = load(folder)
            if data is not None:
                problems += check_article_agencies(everything, data.index, article_header_lines)
        for problem in problems:
            logger.error("%s", problem)
        if not os.path.isdir(folder):
            self._unlink_menu(settings["url"])
        if problems or not os.path.isdir(folder):
            return
        with heap.paused():
            self.awards = records.build(data, articles, settings)
            heap.freeze()  # until the build is over: see heap.py
        self.context["awards_agencies"] = self.awards.by_id
        self.context["awards_festivals_by_news"] = self.awards.festivals_by_news

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
        opendata.write(self.awards, os.path.join(self.output_path, data_url))
