"""Page objects built from validated award data: agencies, festivals, results.

The DataFrame is sorted once (newest festival first, then by result and
agency) and walked twice as plain lists: the first pass gathers each
festival's results (:class:`Share`) and who won them, the second hands every
agency its rows, already grouped by year and festival.  Templates get named
records of ready values, read by field name (``row.award``, never by
position): an agency's :class:`Section` per festival holds its
:class:`AgencyRow` s, a festival's :class:`Group` s hold its
:class:`FestivalRow` s, and both name agencies by :class:`Link`.  They are
named tuples, built once and never sorted by a page; what they cost is the
lookups: Jinja reads a field with a call where unpacking a tuple took none,
some 2 million calls (about 0.6 s) for the pages of 100,000 rows.  The page cache digests them
(``__page_key__``) as JSON of their fields (:func:`page_key`): plain values
only, so no ``repr`` and no address decides whether a page is reused.  The
open data holds, in the same order, one :class:`chapar.awards.opendata.Row`
per award (:attr:`AwardSite.rows`).

Only names, ids and URLs are dataclass fields of plain values (str, lists of
str): the page cache's site-wide key digests those (an article's links to its
agencies), so what a single page shows (rows, counts, charts) is kept in
fields it skips (records are not plain values) or computed by properties;
else a changed award would render every page of the site again.

A new column in the awards CSVs (say ``rank``) touches:

1. ``chapar/awards/validation.py``: ``AWARD_COLUMNS`` (required or optional)
   and any check of its values;
2. ``chapar/awards/opendata.py``: one ``COLUMNS`` entry (name, type,
   description), which also gives :class:`~chapar.awards.opendata.Row` its
   field and ``datapackage.json`` its schema (and ``OPTIONAL_TEXT`` if an
   empty cell is null in the JSON);
3. this module: the field in :class:`AgencyRow` (or :class:`FestivalRow`),
   and in :func:`build` the column in pass 2's ``zip`` and the value given
   to that record and, by name, to ``opendata.Row`` (a column missing there
   fails every build);
4. the template that shows it (``theme/templates/awards_agency.html`` or
   ``awards_festival.html``) with its heading's translation in
   ``theme/translations/fa/LC_MESSAGES/messages.po``;
5. README.md, "Awards (for editors)", the table of columns.

The page cache needs nothing: a record's fields are its key.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from markupsafe import escape

from chapar.awards import chart, opendata
from chapar.awards.collation import persian_sorted, sort_key


class Link(NamedTuple):
    """An agency in a result's list of winners or partners."""

    first: bool  # first of its list: no separator before it
    url: str  # escaped (see _escaper), like the text of AgencyRow and FestivalRow
    name: str  # escaped


class AgencyRow(NamedTuple):
    """One award on an agency's page."""

    group: str
    category: str
    award: str
    note: str
    partners: tuple  # Link of the agencies sharing the award; () when not shared


class Section(NamedTuple):
    """An agency's awards at one festival."""

    year: int
    first_of_year: bool  # the first section of its year (it holds the year's anchor)
    festival: "Festival"
    rows: list  # AgencyRow, in page order


class FestivalRow(NamedTuple):
    """One result on a festival's page."""

    category: str
    award: str
    winners: tuple  # Link, in Persian order
    shared: bool  # more than one winner


class Group(NamedTuple):
    """A festival's results in one group ("" when the festival has none)."""

    name: str  # as typed: the template escapes it
    has_category: bool  # some result has a category: the table gets that column
    rows: list  # FestivalRow


def page_key(value):
    """``value`` as the text the page cache digests: JSON of plain values
    (str, int, float, bool, None, and lists and tuples of them, records
    included, as arrays of their fields in order).  Any other object raises
    TypeError (the page is then rendered every time), so neither an object's
    ``repr`` nor its address can get into a key.
    """
    return _KEY_ENCODER(value)


def _not_plain(value):
    raise TypeError(f"{type(value).__qualname__} in a page key: give its fields")


# ASCII output: the fastest the C encoder writes (faster than repr of the rows).
_KEY_ENCODER = json.JSONEncoder(separators=(",", ":"), default=_not_plain).encode


@dataclass(slots=True, eq=False)
class Agency:
    """One agency's page: its ``agencies.csv`` row, its sections (a festival each,
    newest first), its chart and the articles whose ``Agencies`` name it.
    """

    id: str
    name: str
    aliases: list
    province: str
    website: str
    url: str = ""
    save_as: str = ""
    sections: list = field(default_factory=list)  # Section, newest festival first
    articles: list = field(default_factory=list)  # articles whose Agencies names it
    chart: object = None  # chart.Chart, set by build(); its total is the count

    @property
    def count(self):
        """The agency's awards in all years (its chart's total); 0 before ``build``."""
        return self.chart.total if self.chart else 0

    def __page_key__(self, fingerprints):
        """Everything this agency's page shows, for the page cache (plugins/chapar_page_cache)."""
        sections = [
            (
                s.year,
                s.first_of_year,
                s.festival.id,
                s.festival.title,
                s.festival.url,
                fingerprints.of(s.festival.article, "item"),
                s.rows,
            )
            for s in self.sections
        ]
        articles = [fingerprints.of(article, "item") for article in self.articles]
        return page_key(
            (
                self.id,
                self.name,
                self.aliases,
                self.province,
                self.website,
                self.url,
                self.save_as,
                sections,
                articles,
            )
        )


@dataclass(slots=True, eq=False)
class Festival:
    """One festival's page: its ``festivals.csv`` row, its results and their groups."""

    id: str
    title: str
    year: int
    province: str
    held_on: object
    news_code: object
    honored_employees: object
    url: str = ""
    save_as: str = ""
    article: object = None
    shares: list = field(default_factory=list)  # Share, in page order
    groups: list = field(default_factory=list)  # Group, in Persian order ("" first)

    @property
    def winners(self):
        """The ids of the agencies that won at least one of the festival's results (a set)."""
        return {a.id for share in self.shares for a in share.agencies}

    @property
    def winner_count(self):
        """How many agencies won at the festival (one with two results counts once)."""
        return len(self.winners)

    def __page_key__(self, fingerprints):
        """Everything this festival's page shows, for the page cache (plugins/chapar_page_cache)."""
        held_on = None if self.held_on is None else str(self.held_on)
        return page_key(
            (
                self.id,
                self.title,
                self.year,
                self.province,
                held_on,
                self.news_code,
                self.honored_employees,
                self.url,
                self.save_as,
                fingerprints.of(self.article, "item"),
                self.groups,
            )
        )


@dataclass(slots=True, eq=False)
class Share:
    """One result of a festival (group, category, award) and every agency that won it."""

    festival: Festival
    group: str
    category: str
    award: str
    agencies: list = field(default_factory=list)  # Agency, in Persian order
    links: tuple = ()  # Link of each agency, once they are all known
    escaped: tuple = ()  # (group, category, award) escaped, for the records

    def partners(self, agency):
        """The links of the agencies sharing this result with ``agency``."""
        if len(self.links) < 2:  # noqa: PLR2004 (a result of one agency has no partners)
            return ()
        if self.agencies[0] is agency:  # the second becomes the first
            second = self.links[1]
            return (Link(True, second.url, second.name), *self.links[2:])
        # the first stays first: the links are reused as they are
        return tuple(
            link for a, link in zip(self.agencies, self.links, strict=False) if a is not agency
        )


@dataclass
class AwardSite:
    """Everything the award pages show, built by :func:`build`: the agencies and
    festivals, their lookups by id (and festivals by news code), and the open
    data rows; the articles they link are given by :meth:`link_news`.
    """

    agencies: list  # Persian alphabetical order
    festivals: list  # newest first
    by_id: dict
    festival_by_id: dict
    festivals_by_news: dict
    # One opendata.Row per award in page order (festival, result, agency),
    # as the open data holds them.
    rows: list = field(default_factory=list)

    def link_news(self, articles):
        """Give each festival the article of its ``news_code`` and each agency the
        articles whose ``Agencies`` name it, in the order of ``articles`` (the
        published ones); links of an earlier call are replaced.
        """
        by_news = {a.newscode: a for a in articles if getattr(a, "newscode", None) is not None}
        for festival in self.festivals:
            festival.article = by_news.get(festival.news_code)
        for agency in self.agencies:
            agency.articles = []
        for article in articles:
            for agency_id in getattr(article, "agencies", None) or []:
                if agency_id in self.by_id:
                    self.by_id[agency_id].articles.append(article)


def _escaper():
    """``markupsafe.escape`` once per distinct value.  The row records hold
    their text escaped (as plain ``str``, not ``Markup``: the page cache's
    JSON keys take it as it is, and printed with autoescape on by mistake it
    shows as ``&amp;``, never as markup), so the templates print the tables'
    100,000 rows with autoescape off (theme/README.md): escaping them cell
    by cell was 1.7 million calls a build.
    """
    memo = {}

    def html(value):
        escaped = memo.get(value)
        if escaped is None:
            escaped = memo[value] = str(escape(value))
        return escaped

    return html


def _links(agencies, html):
    return tuple(Link(i == 0, html(a.url), html(a.name)) for i, a in enumerate(agencies))


def build(data, settings):
    """Objects for the pages, from the tables alone: :meth:`AwardSite.link_news`
    then gives them the articles (what :mod:`chapar.awards.kept` keeps between
    builds is the site before that step).
    """
    agencies = {}
    for row in data.agencies.itertuples(index=False):
        agencies[row.id] = Agency(
            row.id,
            row.name,
            row.aliases,
            row.province,
            row.website,
            url=settings["agency_url"].format(id=row.id),
            save_as=settings["agency_save_as"].format(id=row.id),
        )
    festivals = {}
    for row in data.festivals.itertuples(index=False):
        news_code = _int_or_none(row.news_code)
        festivals[row.id] = Festival(
            row.id,
            row.title,
            int(row.year),
            row.province,
            row.held_on or None,
            news_code,
            _int_or_none(row.honored_employees),
            url=settings["festival_url"].format(id=row.id),
            save_as=settings["festival_save_as"].format(id=row.id),
        )
    festival_order = {
        f.id: i
        for i, f in enumerate(
            sorted(festivals.values(), key=lambda f: (-f.year, sort_key(f.title)))
        )
    }
    agency_order = {
        a.id: i for i, a in enumerate(persian_sorted(agencies.values(), key=lambda a: a.name))
    }

    awards = data.awards.assign(
        _festival=data.awards["festival"].map(festival_order),
        _agency=data.awards["agency"].map(agency_order),
    ).sort_values(["_festival", "share", "_agency"], kind="stable")
    column = {
        c: awards[c].tolist()
        for c in ("festival", "agency", "share", "group", "category", "award", "note")
    }

    # Pass 1: every result and its winners.  A result's spelling is that of
    # its first row in page order (spellings differing in ZWNJ or letters
    # were folded into one result by validation).
    shares = {}
    for festival_id, agency_id, share_id, group, category, award in zip(
        column["festival"],
        column["agency"],
        column["share"],
        column["group"],
        column["category"],
        column["award"],
        strict=True,
    ):
        share = shares.get(share_id)
        if share is None:
            festival = festivals[festival_id]
            share = shares[share_id] = Share(festival, group, category, award)
            festival.shares.append(share)
        share.agencies.append(agencies[agency_id])
    html = _escaper()
    for share in shares.values():
        share.links = _links(share.agencies, html)
        share.escaped = (html(share.group), html(share.category), html(share.award))

    # Pass 2: every agency's rows, grouped by festival (the rows come
    # newest festival first), and the open-data rows in the same order.
    data_rows = []
    for agency_id, share_id, note in zip(
        column["agency"], column["share"], column["note"], strict=True
    ):
        agency, share = agencies[agency_id], shares[share_id]
        festival = share.festival
        sections = agency.sections
        if not sections or sections[-1].festival is not festival:
            first = not sections or sections[-1].year != festival.year
            sections.append(Section(festival.year, first, festival, []))
        partners = share.partners(agency) if len(share.links) > 1 else ()
        group, category, award = share.escaped
        sections[-1].rows.append(AgencyRow(group, category, award, html(note), partners))
        shared_with = "|".join(a.id for a in share.agencies if a is not agency) if partners else ""
        data_rows.append(
            opendata.Row(
                festival=festival.id,
                festival_year=festival.year,
                festival_title=festival.title,
                agency=agency.id,
                agency_name=agency.name,
                group=share.group,
                category=share.category,
                award=share.award,
                note=note,
                shared_with=shared_with,
            )
        )

    for agency in agencies.values():
        per_year = defaultdict(int)
        for section in agency.sections:
            per_year[section.year] += len(section.rows)
        agency.chart = chart.history(per_year)
    for festival in festivals.values():
        festival.groups = _groups(festival.shares)

    by_news_code = defaultdict(list)
    ordered_festivals = sorted(festivals.values(), key=lambda f: festival_order[f.id])
    for festival in ordered_festivals:
        if festival.news_code is not None:
            by_news_code[festival.news_code].append(festival)
    return AwardSite(
        agencies=sorted(agencies.values(), key=lambda a: agency_order[a.id]),
        festivals=ordered_festivals,
        by_id=agencies,
        festival_by_id=festivals,
        festivals_by_news=dict(by_news_code),
        rows=data_rows,
    )


def _groups(shares):
    """A festival's results by group (Persian order, "" first), each group's
    by category then award (Persian order), as ready rows.
    """
    grouped = defaultdict(list)
    for share in shares:
        grouped[share.group].append(share)
    groups = []
    for group in persian_sorted(grouped):
        ordered = sorted(grouped[group], key=lambda s: (sort_key(s.category), sort_key(s.award)))
        groups.append(
            Group(
                group,
                any(s.category for s in ordered),
                [
                    FestivalRow(s.escaped[1], s.escaped[2], s.links, len(s.links) > 1)
                    for s in ordered
                ],
            )
        )
    return groups


def _int_or_none(value):
    import pandas as pd  # with the tables: a build whose objects are kept never imports it

    return None if pd.isna(value) else int(value)
