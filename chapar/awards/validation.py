"""Validating the three award tables; every problem is collected, none stops early.

Whole columns are checked with boolean masks (PandasSchema's pattern), so
100,000 rows cost no more than a few vectorised passes; Python loops run
only over the rows that have a problem and over unique values.
"""

import difflib
import os
import unicodedata
import urllib.parse
from dataclasses import dataclass

import jdatetime
import pandas as pd

from chapar.awards.files import award_files
from chapar.awards.matching import AgencyIndex, suggest
from chapar.awards.reading import latin_digits, read_table
from chapar.persian.dates import FIRST_GREGORIAN_YEAR, parse_date
from chapar.persian.text import fold
from chapar.problems import Problem

AGENCY_COLUMNS = (("id", "name"), ("aliases", "province", "website"))
FESTIVAL_COLUMNS = (
    ("id", "title", "year", "province"),
    ("held_on", "news_code", "honored_employees"),
)
AWARD_COLUMNS = (("festival", "agency", "category", "award"), ("group", "note"))

FIRST_YEAR = 1300  # no festival of this kind predates it; 97 or 2018 are typos
ID_PATTERN = r"[a-z0-9]+(?:[-_][a-z0-9]+)*"
ALIAS_SEPARATOR = "|"


@dataclass
class AwardData:
    """The three tables once every check passed: frames with each row's file ``line``,
    the agency index built from names and aliases, and the files' paths.
    """

    agencies: pd.DataFrame  # id, name, aliases (list), province, website, line
    festivals: (
        pd.DataFrame
    )  # id, title, year, province, held_on, news_code, honored_employees, line
    awards: pd.DataFrame  # festival, agency (id), category, group, award, note, path, line, share
    index: AgencyIndex
    paths: dict  # table name -> path, for messages


def load(folder, today_year=None):
    """``(AwardData or None, [Problem])``: None when any problem was found."""
    problems = []
    today_year = today_year or jdatetime.date.today().year
    paths = {
        "agencies": os.path.join(folder, "agencies.csv"),
        "festivals": os.path.join(folder, "festivals.csv"),
    }
    tables = {}
    for name, columns in (("agencies", AGENCY_COLUMNS), ("festivals", FESTIVAL_COLUMNS)):
        if not os.path.exists(paths[name]):
            problems.append(
                Problem(paths[name], 1, f"missing file; {name}.csv is required next to awards.csv")
            )
            continue
        table, found = read_table(paths[name], *columns)
        problems += found
        tables[name] = table
    award_tables = []
    files = award_files(folder)
    if not files:
        problems.append(Problem(os.path.join(folder, "awards.csv"), 1, "missing file"))
    for path in files:
        table, found = read_table(path, *AWARD_COLUMNS)
        problems += found
        if table is not None:
            award_tables.append(table)

    index = AgencyIndex()
    agencies = festivals = None
    if tables.get("agencies") is not None:
        agencies = check_agencies(tables["agencies"], index, problems)
    if tables.get("festivals") is not None:
        festivals = check_festivals(tables["festivals"], today_year, problems)
    awards = check_awards(award_tables, index, agencies, festivals, problems)
    problems = sorted(set(problems), key=lambda p: (p.path, p.line, p.message))
    if problems:
        return None, problems
    return AwardData(agencies, festivals, awards, index, paths), []


def _report(problems, table, mask, message):
    """One problem per row of ``mask``; ``message`` is a str or a row -> str function."""
    frame = table.frame
    for row in frame[mask].itertuples(index=False):
        text = message(row) if callable(message) else message
        problems.append(Problem(table.path, row.line, text))


def _required(table, columns, problems):
    frame = table.frame
    for column in columns:
        _report(problems, table, frame[column] == "", f"empty {column!r}: it is required")


def _ids(table, problems):
    """ASCII slugs, unique within the file."""
    frame = table.frame
    ids = frame["id"]
    _report(
        problems,
        table,
        (ids != "") & ~ids.str.fullmatch(ID_PATTERN),
        lambda r: (
            f"id {r.id!r} must be an ASCII slug: lower-case letters, digits "
            "and '-' (e.g. civil-registration)"
        ),
    )
    _report(
        problems,
        table,
        (ids != "") & ids.duplicated(keep="first"),
        lambda r: f"duplicate id {r.id!r}: already used on line {first_line_of(frame, r.id)}",
    )


def first_line_of(frame, value, column="id"):
    """The file line of the first row of ``frame`` whose ``column`` equals ``value``.

    Raises IndexError when no row has it.
    """
    return int(frame.loc[frame[column] == value, "line"].iloc[0])


def _whole_numbers(table, column, problems, minimum=0):
    """The column as nullable integers; Persian digits accepted."""
    values = latin_digits(table.frame[column])
    bad = (values != "") & ~values.str.fullmatch(r"\d+")
    _report(
        problems, table, bad, lambda r: f"{column} {getattr(r, column)!r} is not a whole number"
    )
    numbers = pd.to_numeric(values.where(~bad & (values != "")), errors="coerce").astype("Int64")
    _report(
        problems,
        table,
        numbers.lt(minimum).fillna(False),
        lambda r: f"{column} {getattr(r, column)!r} must be at least {minimum}",
    )
    return numbers


def check_agencies(table, index, problems):
    """The agencies table checked, each non-empty id and every name and alias
    registered in ``index``; problems are appended to ``problems``.

    Returns a copy of the frame with ``aliases`` split into lists.  Required
    columns, id slugs, websites, and a name or alias claimed by two agencies are
    reported.
    """
    _required(table, AGENCY_COLUMNS[0], problems)
    _ids(table, problems)
    frame = table.frame.copy()
    websites = {value: website_problem(value) for value in frame["website"].unique() if value}
    _report(
        problems,
        table,
        frame["website"].map(websites).notna(),
        lambda r: f"website {r.website!r} {websites[r.website]}",
    )
    frame["aliases"] = [
        [a.strip() for a in value.split(ALIAS_SEPARATOR) if a.strip()] for value in frame["aliases"]
    ]
    for row in frame.itertuples(index=False):
        if row.id:
            index.add_id(row.id)
    # Names and aliases are claimed in file order; a later claim on a taken
    # spelling is reported on the later line, naming the earlier agency.
    for row in frame.itertuples(index=False):
        for kind, spelling in [("name", row.name)] + [("alias", a) for a in row.aliases]:
            if not spelling:
                continue
            owner = index.claim(row.id, spelling)
            if owner:
                problems.append(
                    Problem(
                        table.path,
                        row.line,
                        f"{kind} «{spelling}» is already claimed by agency {owner[0]!r} "
                        f"(line {first_line_of(frame, owner[0])}); an alias must name one agency",
                    )
                )
    return frame


def website_problem(value):
    """Why ``value`` is not an address an agency page may link to, or None.

    The link is printed into ``href`` (README.md, "Awards"): only an
    absolute ``http``/``https`` address with a host, no user name or
    password, and no quote, angle bracket, backslash, space or control or
    direction character anywhere.
    """
    bad = next(
        (
            c
            for c in value
            if c in _URL_FORBIDDEN or unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp")
        ),
        None,
    )
    if bad is not None:
        return f"must not contain {unicodedata.name(bad, repr(bad))} ({bad!r}); " + _WEBSITE
    try:
        parts = urllib.parse.urlsplit(value)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        return "is not a valid address; " + _WEBSITE
    if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(
        parts.scheme.lower() + "://"
    ):
        return "must start with http:// or https://"
    if not parts.hostname:
        return "has no host name; " + _WEBSITE
    if not port_ok:
        return f"has no valid port ({parts.netloc}); " + _WEBSITE
    if parts.username is not None or parts.password is not None:
        return "must not contain a user name or password (the part before '@')"
    return None


_URL_FORBIDDEN = frozenset("\"'<>`\\{}|^")
_WEBSITE = "write the whole address, e.g. https://www.example.ir/"


def check_festivals(table, today_year, problems):
    """The festivals table checked; problems are appended to ``problems``.

    Returns a copy of the frame with ``year``, ``news_code`` and
    ``honored_employees`` as nullable integers (missing where empty or invalid)
    and ``held_on`` parsed (None where empty or invalid).  A year before 1300 or
    after ``today_year + 1`` is reported as implausible.
    """
    _required(table, FESTIVAL_COLUMNS[0], problems)
    _ids(table, problems)
    frame = table.frame.copy()
    years = _whole_numbers(table, "year", problems)
    implausible = (years.lt(FIRST_YEAR) | years.gt(today_year + 1)).fillna(False)
    _report(problems, table, implausible, lambda r: _year_message(r.year, today_year))
    frame["year"] = years
    frame["news_code"] = _whole_numbers(table, "news_code", problems, minimum=1)
    frame["honored_employees"] = _whole_numbers(table, "honored_employees", problems)
    held = []
    for row in frame.itertuples(index=False):
        if not row.held_on:
            held.append(None)
            continue
        try:
            held.append(parse_date(row.held_on))
        except ValueError as exc:
            problems.append(Problem(table.path, row.line, f"held_on: {exc}"))
            held.append(None)
    frame["held_on"] = pd.Series(held, index=frame.index, dtype=object)  # datetimes, not NaT
    return frame


def _year_message(value, today_year):
    text = f"year {value!r} is not a plausible Jalali year ({FIRST_YEAR}–{today_year + 1})"
    number = int(latin_digits(pd.Series([value]))[0])
    if number >= FIRST_GREGORIAN_YEAR:
        text += f"; {number} looks Gregorian: use the Jalali year ({number - 621})"
    elif number < 100:  # noqa: PLR2004
        text += f"; write all four digits (13{number:02d}?)"
    return text


def check_awards(tables, index, agencies, festivals, problems):
    """All award files as one frame with ``path``, ``line`` and ``share`` columns."""
    frames = []
    for table in tables:
        _required(table, ("festival", "agency", "award"), problems)
        frame = table.frame
        _report(
            problems,
            table,
            (frame["category"] == "") & (frame["group"] == ""),
            "empty 'category' and 'group': an award needs at least one of them",
        )
        if festivals is not None:
            known = set(festivals["id"])
            festival_ids = frame["festival"].str.strip().str.lower()
            unknown = (frame["festival"] != "") & ~festival_ids.isin(known)
            _report(
                problems,
                table,
                unknown,
                lambda r, known=known: (
                    f"festival {r.festival!r} is not in festivals.csv"
                    + suggest(_close(r.festival, known))
                ),
            )
            frame = frame.assign(festival=festival_ids)
        if agencies is not None:
            names = {value: index.lookup(value) for value in frame["agency"].unique()}
            resolved = frame["agency"].map(names)
            unknown = (frame["agency"] != "") & resolved.isna()
            closest = {}
            _report(
                problems,
                table,
                unknown,
                lambda r, closest=closest: (
                    f"agency «{r.agency}» matches no id, name or alias in agencies.csv"
                    + suggest(closest.setdefault(r.agency, index.closest(r.agency)))
                ),
            )
            frame = frame.assign(agency=resolved.fillna(""))
        frames.append(frame.assign(path=table.path))
    if not frames:
        return None
    awards = pd.concat(frames, ignore_index=True)
    # Spellings of one category or award differ in ZWNJ, spaces or letters;
    # folding unique values keeps this vectorised.
    folded = {
        c: awards[c].map({v: fold(v) for v in awards[c].unique()})
        for c in ("group", "category", "award")
    }
    share_key = [awards["festival"], folded["group"], folded["category"], folded["award"]]
    awards["share"] = awards.groupby(share_key, sort=False).ngroup()
    complete = (awards["agency"] != "") & (awards["festival"] != "")
    dup = complete & awards.duplicated(["agency", "share"], keep="first")
    if dup.any():
        first = awards[complete].drop_duplicates(["agency", "share"]).set_index(["agency", "share"])
        for row in awards[dup].itertuples(index=False):
            origin = first.loc[(row.agency, row.share)]
            where = (
                f"line {origin.line}"
                if origin.path == row.path
                else f"{os.path.basename(origin.path)}:{origin.line}"
            )
            problems.append(
                Problem(
                    row.path,
                    row.line,
                    f"duplicate award: the same festival, agency, group, category "
                    f"and award as {where}",
                )
            )
    return awards


def _close(value, options):
    return difflib.get_close_matches(value.lower(), sorted(options), n=3, cutoff=0.5)
