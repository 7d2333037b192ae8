"""README.md, Writing news (dates, and how they are shown): parsing and formatting."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from chapar.persian.dates import TEHRAN, format_date, isoformat, parse_date


@pytest.mark.parametrize(
    "text",
    [
        "1397/06/05 09:07",
        "1397-06-05 09:07",
        "۱۳۹۷/۰۶/۰۵ ۰۹:۰۷",
        "١٣٩٧/٠٦/٠٥ ٠٩:٠٧",
        "1397/6/5 9:07",
        "1397/06/05 09:07:00",
        "2018-08-27 09:07",
        "2018-08-27T09:07:00",
    ],
)
def test_every_format_of_the_seed_date(text):
    assert parse_date(text) == datetime(2018, 8, 27, 9, 7, tzinfo=TEHRAN)


def test_time_and_seconds_are_optional():
    assert parse_date("1397/06/05") == datetime(2018, 8, 27, tzinfo=TEHRAN)
    assert parse_date("۱۳۹۷/۰۶/۰۵ ۰۹:۰۷:۳۰").second == 30


@pytest.mark.parametrize("text", ["1399/12/30", "1403/12/30"])
def test_leap_years_have_esfand_30(text):
    assert parse_date(text).tzinfo is TEHRAN


@pytest.mark.parametrize(
    "text", ["1402/12/30", "1404/12/30", "1397/13/01", "1397/06/32", "1397/06/05 25:00"]
)
def test_impossible_dates_are_rejected_naming_the_value(text):
    with pytest.raises(ValueError, match="impossible date") as err:
        parse_date(text)
    assert text in str(err.value)


@pytest.mark.parametrize("text", ["فردا", "", "05/06/1397", "1397/06"])
def test_unreadable_dates_are_rejected(text):
    with pytest.raises(ValueError, match="invalid date"):
        parse_date(text)


def test_year_1700_starts_gregorian():
    # Both are outside the accepted range; which bound each misses shows
    # the calendar it was read in: 1700 AD is before 1921, Jalali 1699 is 2320.
    with pytest.raises(ValueError, match=r"'1700-01-01' is before 1300/01/01"):
        parse_date("1700-01-01")
    with pytest.raises(ValueError, match=r"'1699/01/01' is more than a year after today"):
        parse_date("1699/01/01")
    assert parse_date("1921-03-21").year == 1921
    assert parse_date("1399/12/30").year == 2021


NOW = datetime(2026, 12, 2, 16, 0, tzinfo=TEHRAN)  # 1405/09/11


@pytest.mark.parametrize("text", ["1300/01/01", "1921-03-21", "1300/01/01 00:00:00"])
def test_the_earliest_date_accepted_is_1300_01_01(text):
    assert parse_date(text, now=NOW) == datetime(1921, 3, 21, tzinfo=TEHRAN)


@pytest.mark.parametrize(
    "text", ["1299/12/29 23:59", "1921-03-20 23:59", "1800-01-01", "1250/01/01"]
)
def test_dates_before_1300_are_refused(text):
    with pytest.raises(ValueError, match="is before 1300/01/01 \\(1921-03-21\\), the earliest"):
        parse_date(text, now=NOW)


@pytest.mark.parametrize("text", ["1406/09/11 16:00", "2027-12-02", "1405/09/12"])
def test_a_date_up_to_a_year_after_now_is_accepted_for_scheduled_news(text):
    assert parse_date(text, now=NOW) > NOW


@pytest.mark.parametrize(
    "text",
    ["1406/09/13", "2027-12-04", "1499/12/29", "2100-01-01", "9999-12-31 23:59", "1504/01/01"],
)
def test_a_date_more_than_a_year_after_now_is_refused(text):
    with pytest.raises(ValueError) as err:  # noqa: PT011 (the message is checked below)
        parse_date(text, now=NOW)
    assert str(err.value) == (
        f"{text!r} is more than a year after today (1405/09/11): "
        "check the year (news may be scheduled at most a year ahead)"
    )


def test_the_range_follows_the_time_it_is_checked_at():
    later = NOW.replace(year=2030)
    assert parse_date("1409/01/01", now=later).year == 2030
    with pytest.raises(ValueError, match="more than a year after today"):
        parse_date("1409/01/01", now=NOW)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("2018-08-27 09:07", timedelta(hours=4, minutes=30)),
        ("2023-08-27 09:07", timedelta(hours=3, minutes=30)),
        ("1397/10/01", timedelta(hours=3, minutes=30)),
    ],
)
def test_tehran_offsets_summer_time_until_2022(text, offset):
    assert parse_date(text).utcoffset() == offset


def test_formats_shown_to_readers():
    dt = parse_date("1397/06/05 09:07")
    assert format_date(dt) == "۵ شهریور ۱۳۹۷، ۹:۰۷"
    assert format_date(dt, "date") == "۵ شهریور ۱۳۹۷"
    assert format_date(dt, "short") == "۱۳۹۷/۰۶/۰۵"
    assert format_date(dt, "month") == "شهریور ۱۳۹۷"
    assert isoformat(dt) == "2018-08-27T09:07:00+04:30"


def test_formatting_converts_to_tehran_time():
    utc = datetime.fromisoformat("2018-08-27T04:37:00+00:00")
    assert format_date(utc) == "۵ شهریور ۱۳۹۷، ۹:۰۷"


def test_unknown_style_is_an_error():
    with pytest.raises(ValueError, match="weekday"):
        format_date(parse_date("1397/06/05"), "weekday")


def test_each_instant_is_converted_to_jalali_once(monkeypatch):
    import jdatetime

    from chapar.persian import dates

    dates.jalali.cache_clear()
    calls = []
    real = jdatetime.datetime.fromgregorian

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(jdatetime.datetime, "fromgregorian", counted)
    moment = datetime(2018, 8, 27, 9, 7, tzinfo=TEHRAN)
    same_in_utc = moment.astimezone(ZoneInfo("UTC"))
    assert [dates.jalali(d).strftime("%Y/%m/%d %H:%M") for d in (moment, same_in_utc, moment)] == [
        "1397/06/05 09:07"
    ] * 3
    assert len(calls) == 1
    dates.jalali.cache_clear()
