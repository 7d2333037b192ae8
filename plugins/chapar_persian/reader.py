"""A Markdown reader for Persian news items.

It subclasses Pelican's reader rather than patching it: text is decoded
strictly and normalised before Markdown sees it, metadata values are parsed
the Persian way, and every problem in a file is reported at once, each with
the line of its header key.
"""

import logging
import os
import re

from markdown import Markdown
from pelican.readers import METADATA_PROCESSORS, MarkdownReader

from chapar.news.body import clean_body
from chapar.news.item import (
    header_keys,
    header_lines,
    parse_news_code,
    read_source,
    unknown_key_message,
)
from chapar.pelican_compat import discard_marker, markdown_metadata
from chapar.persian.dates import parse_date
from chapar.persian.text import normalize
from chapar.problems import ContentError, Problem

logger = logging.getLogger(__name__)

NEWS_REQUIRED = ("title", "date", "newscode")
NEWS_STATUSES = ("published", "draft")

KEY_NAMES = {"newscode": "NewsCode"}  # how editors spell keys in messages

_LIST_SEPARATORS = re.compile(r"[,،;]")
_AGENCY_SEPARATORS = re.compile(r"[\s,،;]+")


def split_list(value):
    """Tags and the like, separated by ``,`` or ``،`` (or ``;``)."""
    if isinstance(value, (list, tuple)):
        value = ",".join(value)
    return [item.strip() for item in _LIST_SEPARATORS.split(value) if item.strip()]


class PersianMarkdownReader(MarkdownReader):
    """Markdown reader with Jalali dates, Persian text and news validation."""

    source_path = None  # the file being read

    def read(self, source_path):
        """``(HTML body, metadata)`` of the file, its text normalised and its body cleaned.

        A news item (under ``ARTICLE_PATHS``) is also checked for required keys and
        status.  Raises :class:`ContentError` with every problem found in the file.
        """
        self.source_path = source_path
        self._problems = []
        text = normalize(read_source(source_path))
        self._lines = header_lines(text)
        md = self._markdown().reset()
        content = clean_body(md.convert(text))
        metadata = markdown_metadata(self, md, source_path)
        if self._is_news(source_path):
            self._check_news(metadata)
            self._warn_unknown_keys(text)
        if self._problems:
            raise ContentError(self._problems)
        return content, metadata

    def _markdown(self):
        """One Markdown converter per reader, reset between files: building
        one (extensions, patterns) costs more than converting a news item.
        """
        if getattr(self, "_converter", None) is None:
            self._converter = Markdown(**self.settings["MARKDOWN"])
        return self._converter

    def problem(self, key, message):
        """Note a problem at the line of header key ``key`` (line 1 without it)."""
        self._problems.append(Problem(self.source_path, self._lines.get(key, 1), message))

    def process_metadata(self, name, value):
        """The value of header key ``name``, parsed: dates by ``parse_date`` (Jalali, or
        Gregorian ISO from year 1700), tags split on Persian commas too, the NewsCode as
        an int, Agencies as a list of ids.  Other keys: Pelican's processing.

        An invalid value is recorded as a problem (raised by :meth:`read`) and the key
        is dropped.
        """
        try:
            if name in ("date", "modified"):
                return parse_date(value)
            if name == "tags":
                return METADATA_PROCESSORS["tags"](",".join(split_list(value)), self.settings)
            if name == "newscode":
                return parse_news_code(value)
            if name == "agencies":
                return [a for a in _AGENCY_SEPARATORS.split(value) if a] or discard_marker()
        except ValueError as exc:
            self.problem(name, f"{key_name(name)}: {exc}")
            return discard_marker()
        return super().process_metadata(name, value)

    def _is_news(self, source_path):
        root = os.path.abspath(self.settings["PATH"])
        source = os.path.abspath(source_path)
        return any(
            os.path.commonpath([source, os.path.join(root, sub)]) == os.path.join(root, sub)
            for sub in self.settings["ARTICLE_PATHS"]
        )

    def _warn_unknown_keys(self, text):
        """A warning, not an error: the item is published, the key ignored."""
        for number, key in header_keys(text):
            message = unknown_key_message(key)
            if message:
                logger.warning("%s", Problem(self._source_path, number, message))

    def _check_news(self, metadata):
        for key in NEWS_REQUIRED:
            if key not in metadata and key not in self._lines:
                self.problem(key, f"missing required key {key_name(key)!r}")
        if "title" in self._lines and not str(metadata.get("title", "")).strip():
            self.problem("title", "Title is empty")
        status = metadata.get("status", "published")
        if status not in NEWS_STATUSES:
            self.problem(
                "status",
                f"Status {status!r} is not allowed; use one of: " + ", ".join(NEWS_STATUSES),
            )


def key_name(key):
    """A header key as editors spell it in messages (``NewsCode``, ``Title`` …)."""
    return KEY_NAMES.get(key, key.capitalize())
