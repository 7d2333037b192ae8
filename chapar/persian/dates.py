"""Jalali (and Gregorian ISO) dates as editors type them, and as readers see them."""

import functools
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import jdatetime

from chapar.persian.text import to_latin_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")
FIRST_GREGORIAN_YEAR = 1700  # a year this large is Gregorian ISO, not Jalali

# The dates accepted (README.md, "Writing news"): from 1300/01/01 Jalali, older
# than any Persian news agency, so an imported archive fits; to a year after
# the build's time, room for an item dated ahead of its publication.  Later is
# a mistyped year (1504 for 1404): an item dated a century ahead.
EARLIEST = datetime(1921, 3, 21, tzinfo=TEHRAN)  # 1300/01/01
MAX_AHEAD = timedelta(days=366)

_DATE = re.compile(
    r"(?P<y>\d{4})[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})"
    r"(?:[ T]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?)?"
)

MONTHS = tuple(jdatetime.date.j_months_fa)


def build_time(tz=TEHRAN):
    """The build's time: the Google News sitemap's window ends there, and
    ``invoke check`` lists the news dated after it.
    """
    return datetime.now(tz)


def parse_date(value, tz=TEHRAN, now=None):
    """Parse ``۱۳۹۷/۰۶/۰۵ ۰۹:۰۷`` and its kin into an aware datetime.

    Jalali by default; a year of 1700 or more is read as Gregorian ISO.
    Only dates from 1300/01/01 to a year after ``now`` are accepted
    (:func:`check_range`).
    Raises ``ValueError`` with a Persian-reader-friendly English message.
    """
    text = to_latin_digits(str(value)).strip()
    match = _DATE.fullmatch(text)
    if not match:
        raise ValueError(
            f"invalid date {value!r}: expected a Jalali date such as "
            "1397/06/05 09:07 (time optional)"
        )
    y, m, d = (int(match[k]) for k in "ymd")
    hh, mm, ss = (int(match[k] or 0) for k in "HMS")
    try:
        if y >= FIRST_GREGORIAN_YEAR:
            naive = datetime(y, m, d, hh, mm, ss)
        else:
            naive = jdatetime.datetime(y, m, d, hh, mm, ss).togregorian()
    except ValueError as exc:
        raise ValueError(f"impossible date {value!r}: {exc}") from None
    return check_range(naive.replace(tzinfo=tz), value, now)


def check_range(dt, value, now=None):
    """``dt`` if it lies from 1300/01/01 to a year after ``now`` (the build's
    or the service's time, the current time by default), else ``ValueError``
    naming ``value``, the text it was read from.
    """
    if dt < EARLIEST:
        raise ValueError(f"{value!r} is before 1300/01/01 (1921-03-21), the earliest date accepted")
    now = now or build_time()
    if dt > now + MAX_AHEAD:
        raise ValueError(
            f"{value!r} is more than a year after today "
            f"({jalali(now).strftime('%Y/%m/%d')}): check the year (news may be "
            "scheduled at most a year ahead)"
        )
    return dt


@functools.lru_cache(maxsize=65536)
def jalali(dt, tz=TEHRAN):
    """The Jalali datetime of ``dt`` in the site's zone.

    Memoised (as :func:`format_date`): a build asks for each news item's date
    several times (its pages, the archive, the search record), and jdatetime's
    conversion looks up the process's locale every time.  Equal instants share
    an entry; each is converted into ``tz``, so the result is the same.
    """
    if dt.tzinfo is not None:
        dt = dt.astimezone(tz)
    return jdatetime.datetime.fromgregorian(datetime=dt.replace(tzinfo=None))


@functools.lru_cache(maxsize=65536)
def format_date(dt, style="long"):
    """``۵ شهریور ۱۳۹۷، ۹:۰۷`` (long), ``۵ شهریور ۱۳۹۷`` (date),
    ``۱۳۹۷/۰۶/۰۵`` (short) or ``شهریور ۱۳۹۷`` (month).

    Memoised: a news item's date is shown on its page and in every list
    that holds it, and jdatetime's conversion is slow.  Equal instants in
    different zones share an entry, which is right: each is shown in the
    site's zone.
    """
    j = jalali(dt)
    month = MONTHS[j.month - 1]
    if style == "long":
        text = f"{j.day} {month} {j.year}، {j.hour}:{j.minute:02d}"
    elif style == "date":
        text = f"{j.day} {month} {j.year}"
    elif style == "short":
        text = f"{j.year}/{j.month:02d}/{j.day:02d}"
    elif style == "month":
        text = f"{month} {j.year}"
    else:
        raise ValueError(f"unknown date style {style!r}")
    return to_persian_digits(text)


def isoformat(dt):
    """ISO 8601 with offset, seconds precision: ``2018-08-27T09:07:00+04:30``."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=TEHRAN)
    return dt.astimezone(TEHRAN).isoformat(timespec="seconds")
