"""Geometry of the award history chart (bars per Jalali year).

Only numbers here; the template draws the SVG, so markup and wording stay
in the theme.  Bars run right to left, oldest at the start of an RTL line.
"""

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

WIDTH = 640
HEIGHT = 200
TOP = 24  # room for the count above the tallest bar
BOTTOM = 28  # room for the year labels
COUNT_GAP = 6  # between a bar and its count
LABEL_WIDTH = 40  # a year in Persian digits at the labels' 14px, with a gap


class Bar(NamedTuple):
    """One year's bar (the template reads its fields by name)."""

    year: int
    count: int
    x: float
    y: float
    width: float
    height: float
    labelled: bool  # the year is written under the bar
    center: float  # of the bar, where its count and year are written
    count_y: float  # the count's baseline, above the bar


@dataclass(slots=True)
class Chart:
    """The award history chart: its size and bars' baseline in SVG units, the bars
    (oldest first), the tallest bar's count and ``total``, the awards of every year.
    """

    width: int
    height: int
    baseline: float
    bars: list
    maximum: int
    total: int = 0  # awards in all years


def history(counts):
    """``counts`` maps year -> awards; every year from first to last gets a bar."""
    if not counts:
        return Chart(WIDTH, HEIGHT, HEIGHT - BOTTOM, [], 0, 0)
    first = min(counts)
    maximum = max(counts.values())
    bar_width, columns = _columns(max(counts) - first + 1)
    bars = []
    for i, (x, center, labelled) in enumerate(columns):
        year = first + i
        count = counts.get(year, 0)
        height, y, count_y = _rows(count, maximum)
        bars.append(Bar(year, count, x, y, bar_width, height, labelled, center, count_y))
    return Chart(WIDTH, HEIGHT, HEIGHT - BOTTOM, bars, maximum, sum(counts.values()))


@lru_cache(maxsize=256)
def _columns(years):
    """Bar width and ``[(x, center, labelled)]`` of a chart of ``years`` bars,
    the first at the right.
    """
    slot = WIDTH / years
    bar_width = _number(min(slot * 0.6, 48))
    # Every year's label where they fit, else every second (third …) from
    # the first: 25 years' labels would overlap; the table has them all.
    step = math.ceil(LABEL_WIDTH / slot)
    columns = []
    for i in range(years):
        x = _number(WIDTH - (i + 1) * slot + (slot - bar_width) / 2)
        columns.append((x, _number(x + bar_width / 2), i % step == 0))
    return bar_width, columns


@lru_cache(maxsize=4096)
def _rows(count, maximum):
    """``(height, y, count_y)`` of a bar of ``count`` when the tallest has ``maximum``."""
    height = _number((HEIGHT - TOP - BOTTOM) * count / maximum) if maximum else 0
    y = _number(HEIGHT - BOTTOM - height)
    return height, y, _number(y - COUNT_GAP)


def _number(value):
    """Rounded to 0.1, written without ".0" (a smaller SVG)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value
