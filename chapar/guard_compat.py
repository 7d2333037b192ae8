"""The one place that names persian-text-guard's private modules.

This is the persian-text-guard half of Chapar's compatibility layer; the
Pelican half is :mod:`chapar.pelican_compat` (see README.md, "Pelican and
persian-text-guard internals").  It is a module of its own, importing
neither Pelican nor :mod:`chapar.pelican_compat`, so that ``chapar.moderation``
(a library used by the comment intake service, which never loads Pelican)
can use it without importing Pelican.  It also holds the small version
helpers both halves share.

What is used, and why there is no public way:

* ``persian_text_guard._wordlists.BUNDLED_WORD_LISTS``: the text of the
  bundled Persian, Finglish and English lists, one string each.  The public
  ``WordList.all()`` / ``WordList.bundled()`` give the entries of all three
  lists mixed together, and moderation rules pick lists by language
  (``lists = ["persian"]``).  Each list is found by its own first line
  ("# PersianTextGuard — Persian entries."), not by its position, so a
  release that reorders the lists still gives the right one.

On a persian-text-guard other than the one tested with (1.5.x) one warning
names the version; if the lists are not where they are read from, the
moderation rules that name them fail with a clear message (there is no way
to moderate correctly without them).
"""

import functools
import importlib.metadata
import logging

logger = logging.getLogger(__name__)

TESTED_GUARD = "1.5"  # the persian-text-guard release series these internals were tested with

# The first line of each bundled list, by the name moderation rules use.
BUNDLED_LIST_HEADERS = {
    "persian": "# PersianTextGuard — Persian entries.",
    "finglish": "# PersianTextGuard — Finglish entries",
}


class MissingInternal(RuntimeError):
    """A private name of a dependency that a Chapar feature needs is gone."""


def installed_version(distribution):
    """The installed version of ``distribution`` ("pelican" …), or None."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def in_series(version, series):
    """Whether ``version`` ("4.12.0") is of the release series ``series`` ("4.12")."""
    if not version:
        return False
    parts = version.split(".")
    wanted = series.split(".")
    return parts[: len(wanted)] == wanted


_warned = set()


def warn_once(key, message, *args):
    """Log ``message`` as a warning once per process for ``key``."""
    if key not in _warned:
        _warned.add(key)
        logger.warning(message, *args)


def forget_warnings():
    """Forget which warnings were logged (for tests faking a version)."""
    _warned.clear()
    _bundled_lists.cache_clear()


def guard_version():
    """The installed persian-text-guard's version (a string), or ``None`` if it is not installed."""
    return installed_version("persian-text-guard")


@functools.cache
def _bundled_lists():
    version = guard_version()
    if not in_series(version, TESTED_GUARD):
        warn_once(
            ("persian-text-guard", version),
            "persian-text-guard %s is not the version Chapar was tested with (%s.x); "
            "its bundled word lists are read from its private module anyway "
            "(see README.md)",
            version,
            TESTED_GUARD,
        )
    try:
        from persian_text_guard._wordlists import BUNDLED_WORD_LISTS
    except ImportError as exc:
        raise MissingInternal(
            f"persian-text-guard {version} has no _wordlists.BUNDLED_WORD_LISTS, where Chapar "
            f"reads its bundled word lists (tested with {TESTED_GUARD}.x); "
            "pin persian-text-guard as requirements.txt does (see README.md)"
        ) from exc
    return tuple(BUNDLED_WORD_LISTS)


def bundled_list_text(name):
    """The text of persian-text-guard's bundled list ``name`` ("persian",
    "finglish"), in its word-list format; :class:`MissingInternal` if the
    installed release does not have it where it is read from.
    """
    header = BUNDLED_LIST_HEADERS[name]
    for text in _bundled_lists():
        if isinstance(text, str) and text.startswith(header):
            return text
    raise MissingInternal(
        f"persian-text-guard {guard_version()} has no bundled list starting "
        f"{header!r} (tested with {TESTED_GUARD}.x); see README.md"
    )
