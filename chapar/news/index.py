"""The news folder as one index: canonical NewsCode -> the file, its title,
status, header key lines and text.

The intake service, ``invoke moderation`` and the build's comment pass all
find an article by its NewsCode here, so they agree with the build's page
``news/<NewsCode>/`` on which file a code names (README.md, "Writing news":
``0042`` is 42).  Nothing here imports Pelican.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path

from chapar.news.item import header_lines, header_values, parse_news_code, read_source
from chapar.problems import ContentError

# The file names the news reader reads (Pelican's Markdown reader's).
NEWS_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")


@dataclass
class NewsEntry:
    """One news file as its header says."""

    code: int  # canonical: parse_news_code of the header's NewsCode
    path: Path
    title: str
    status: str  # lower case, "published" when absent
    lines: dict  # {lower-case key: line number} of the header
    text: str = field(repr=False)
    mtime: int = 0  # st_mtime_ns when read

    @property
    def published(self):
        """Whether the file's ``Status`` is ``published`` (the header's default)."""
        return self.status == "published"

    @property
    def folder(self):
        """The name of its comment folder, ``content/comments/<NewsCode>/``."""
        return str(self.code)


def read_entry(path):
    """The :class:`NewsEntry` of the news file at ``path``, or ``None`` when it
    has no NewsCode to read or cannot be read (the build reports those).
    """
    try:
        mtime = os.stat(path).st_mtime_ns
        text = read_source(path)
    except (OSError, ContentError):
        return None
    values = header_values(text)
    try:
        code = parse_news_code(values.get("newscode", ""))
    except ValueError:
        return None
    return NewsEntry(
        code,
        Path(path),
        values.get("title", ""),
        values.get("status", "published").strip().lower(),
        header_lines(text),
        text,
        mtime,
    )


def news_files(*folders):
    """The news files under ``folders``, as the build finds them (links to
    folders followed, each folder's names sorted, its files before its
    subfolders).
    """
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
            dirnames.sort()
            for name in sorted(filenames):
                if name.endswith(NEWS_EXTENSIONS):
                    yield os.path.join(dirpath, name)


def code_of(value):
    """The canonical NewsCode of a header value, URL segment or comment
    folder name, or ``None`` when it is none.
    """
    try:
        return parse_news_code(value)
    except ValueError:
        return None


class NewsIndex:
    """Canonical NewsCode -> :class:`NewsEntry` of the news files under
    ``folders``; of two files with one NewsCode the first found is kept (the
    build refuses the second).
    """

    def __init__(self, entries=()):
        self._by_code = {}
        for entry in entries:
            self._by_code.setdefault(entry.code, entry)

    @classmethod
    def of(cls, *folders):
        """The index of the news files under ``folders``, less those without a readable NewsCode."""
        return cls(e for e in map(read_entry, news_files(*folders)) if e is not None)

    def get(self, code):
        """The entry for ``code`` (int, or any spelling parse_news_code takes)."""
        canonical = code_of(code)
        return None if canonical is None else self._by_code.get(canonical)

    def __contains__(self, code):
        return self.get(code) is not None

    def __iter__(self):
        return iter(self._by_code.values())

    def __len__(self):
        return len(self._by_code)

    def codes(self):
        """The canonical NewsCodes, as comment folder names (``str``)."""
        return [str(code) for code in self._by_code]

    def texts(self):
        """``{folder name: source text}`` of every entry."""
        return {str(code): entry.text for code, entry in self._by_code.items()}

    def paths(self):
        """``{folder name: path}`` of every entry."""
        return {str(code): str(entry.path) for code, entry in self._by_code.items()}
