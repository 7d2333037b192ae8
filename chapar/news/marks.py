"""Breaking news and corrections (README.md, "Writing news"): what the
``Breaking`` and ``Correction`` header keys mean, without Pelican.
"""

from datetime import timedelta

YES = ("yes", "true", "1", "بله", "آری")

DEFAULTS = {
    "breaking_hours": 6,  # how long after its Date a breaking item stays in the home banner
    "banner_max": 3,
}


def is_yes(value):
    """``Breaking: yes`` (or ``بله``); anything else, or nothing, is no."""
    return str(value or "").strip().lower() in YES


def breaking_value_problem(value):
    """None for an acceptable ``Breaking`` value, else the message."""
    text = str(value or "").strip().lower()
    if text in YES or text in ("no", "false", "0", "خیر", ""):
        return None
    return f"Breaking: {value!r} is not yes or no"


def in_banner(items, now, hours, limit):
    """The breaking items whose Date is within ``hours`` before ``now``, newest first:
    ``(title, url, date)`` of each, plain values (the page cache digests them).
    """
    since = now - timedelta(hours=hours)
    chosen = [item for item in items if item.breaking and since <= item.date <= now]
    chosen.sort(key=lambda item: item.date, reverse=True)
    return tuple((str(item.title), str(item.url), item.date) for item in chosen[:limit])
