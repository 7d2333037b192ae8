"""Geometry of the award history chart (bars per Jalali year).

Only numbers here; the template draws the SVG, so markup and wording stay
in the theme.  Bars run right to left, oldest at the start of an RTL line.
"""

from dataclasses import dataclass

WIDTH = 640
HEIGHT = 200
TOP = 24  # room for the count above the tallest bar
BOTTOM = 28  # room for the year labels


@dataclass(slots=True)
class Bar:
    year: int
    count: int
    x: float
    y: float
    width: float
    height: float

    @property
    def center(self):
        return round(self.x + self.width / 2, 1)


@dataclass(slots=True)
class Chart:
    width: int
    height: int
    baseline: float
    bars: list
    maximum: int


def history(counts):
    """``counts`` maps year -> awards; every year from first to last gets a bar."""
    if not counts:
        return Chart(WIDTH, HEIGHT, HEIGHT - BOTTOM, [], 0)
    years = range(min(counts), max(counts) + 1)
    maximum = max(counts.values())
    slot = WIDTH / len(years)
    bar_width = round(min(slot * 0.6, 48), 1)
    plot = HEIGHT - TOP - BOTTOM
    bars = []
    for i, year in enumerate(years):
        count = counts.get(year, 0)
        height = round(plot * count / maximum, 1) if maximum else 0
        x = round(WIDTH - (i + 1) * slot + (slot - bar_width) / 2, 1)
        bars.append(Bar(year, count, x, round(HEIGHT - BOTTOM - height, 1), bar_width, height))
    return Chart(WIDTH, HEIGHT, HEIGHT - BOTTOM, bars, maximum)
