"""Page objects built from validated award data: agencies, festivals, awards.

The DataFrame is sorted once (newest year first) and walked once, so every
agency's list comes out in page order without per-agency sorting.
"""

from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from . import chart
from .collation import persian_sorted, sort_key


@dataclass(slots=True, eq=False)
class Agency:
    id: str
    name: str
    aliases: list
    province: str
    website: str
    url: str = ""
    save_as: str = ""
    awards: list = field(default_factory=list)  # Award, newest festival first
    articles: list = field(default_factory=list)  # articles whose Agencies names it

    @property
    def count(self):
        return len(self.awards)

    def __page_key__(self, fingerprints):
        """Everything this agency's page shows, for the page cache (plugins/page_cache)."""
        awards = [
            (a.festival.id, a.festival.title, a.festival.year, a.festival.url,
             fingerprints.of(a.festival.article, "item"), a.group, a.category, a.award, a.note,
             [(p.name, p.url) for p in a.partners])
            for a in self.awards
        ]
        articles = [fingerprints.of(article, "item") for article in self.articles]
        return repr((self.id, self.name, self.aliases, self.province, self.website, self.url,
                     self.save_as, awards, articles))

    @property
    def years(self):
        """``[(year, [(Festival, [Award])])]``, newest first; ``awards`` is
        already in festival order, so grouping keeps it."""
        years = []
        for award in self.awards:
            festival = award.festival
            if not years or years[-1][0] != festival.year:
                years.append((festival.year, []))
            festivals = years[-1][1]
            if not festivals or festivals[-1][0] is not festival:
                festivals.append((festival, []))
            festivals[-1][1].append(award)
        return years

    @property
    def chart(self):
        counts = defaultdict(int)
        for award in self.awards:
            counts[award.festival.year] += 1
        return chart.history(counts)


@dataclass(slots=True, eq=False)
class Festival:
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
    shares: list = field(default_factory=list)  # Share

    def __page_key__(self, fingerprints):
        """Everything this festival's page shows, for the page cache (plugins/page_cache)."""
        shares = [(s.group, s.category, s.award, [(a.id, a.name, a.url) for a in s.agencies],
                   sorted(s.notes.items())) for s in self.shares]
        return repr((self.id, self.title, self.year, self.province, str(self.held_on),
                     str(self.news_code), str(self.honored_employees), self.url, self.save_as,
                     fingerprints.of(self.article, "item"), shares))

    @property
    def groups(self):
        """``[(group, [Share])]``: groups in Persian order ("" first), then categories."""
        grouped = defaultdict(list)
        for share in self.shares:
            grouped[share.group].append(share)
        return [
            (group, sorted(grouped[group], key=lambda s: (sort_key(s.category), sort_key(s.award))))
            for group in persian_sorted(grouped)
        ]

    @property
    def winners(self):
        return {a.id for share in self.shares for a in share.agencies}


@dataclass(slots=True, eq=False)
class Share:
    """One result of a festival (group, category, award) and every agency that won it."""
    festival: Festival
    group: str
    category: str
    award: str
    agencies: list = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # agency id -> note


@dataclass(slots=True, eq=False)
class Award:
    """One agency's row: its share of a result, and a note."""
    share: Share
    agency: Agency
    note: str

    festival = property(lambda self: self.share.festival)
    group = property(lambda self: self.share.group)
    category = property(lambda self: self.share.category)
    award = property(lambda self: self.share.award)

    @property
    def partners(self):
        return [a for a in self.share.agencies if a is not self.agency]


@dataclass
class AwardSite:
    agencies: list  # Persian alphabetical order
    festivals: list  # newest first
    by_id: dict
    festival_by_id: dict
    festivals_by_news: dict


def build(data, articles, settings):
    """Objects for the pages; ``articles`` are the published articles."""
    by_news = {a.newscode: a for a in articles if getattr(a, "newscode", None) is not None}
    agencies = {}
    for row in data.agencies.itertuples(index=False):
        agencies[row.id] = Agency(
            row.id, row.name, row.aliases, row.province, row.website,
            url=settings["AWARDS_AGENCY_URL"].format(id=row.id),
            save_as=settings["AWARDS_AGENCY_SAVE_AS"].format(id=row.id),
        )
    festivals = {}
    for row in data.festivals.itertuples(index=False):
        news_code = _int_or_none(row.news_code)
        festivals[row.id] = Festival(
            row.id, row.title, int(row.year), row.province, row.held_on or None, news_code,
            _int_or_none(row.honored_employees),
            url=settings["AWARDS_FESTIVAL_URL"].format(id=row.id),
            save_as=settings["AWARDS_FESTIVAL_SAVE_AS"].format(id=row.id),
            article=by_news.get(news_code),
        )
    festival_order = {f.id: i for i, f in enumerate(
        sorted(festivals.values(), key=lambda f: (-f.year, sort_key(f.title))))}
    agency_order = {a.id: i for i, a in enumerate(persian_sorted(agencies.values(), key=lambda a: a.name))}

    awards = data.awards.assign(
        _festival=data.awards["festival"].map(festival_order),
        _agency=data.awards["agency"].map(agency_order),
    ).sort_values(["_festival", "share", "_agency"], kind="stable")
    shares = {}
    for row in awards.itertuples(index=False):
        share = shares.get(row.share)
        if share is None:
            festival = festivals[row.festival]
            share = shares[row.share] = Share(festival, row.group, row.category, row.award)
            festival.shares.append(share)
        agency = agencies[row.agency]
        share.agencies.append(agency)
        if row.note:
            share.notes[agency.id] = row.note
        agency.awards.append(Award(share, agency, row.note))

    for article in articles:
        for agency_id in getattr(article, "agencies", None) or []:
            if agency_id in agencies:
                agencies[agency_id].articles.append(article)

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
    )


def _int_or_none(value):
    return None if pd.isna(value) else int(value)
