"""News item files without Pelican: their text, their ``Key: value`` header,
their NewsCode, and the ``invoke new`` skeleton.

Everything that reads a news file (the build's reader, the uniqueness
check, the comments plugin and ``invoke moderation``, the intake service)
takes its text from :func:`read_source` and its NewsCode from
:func:`parse_news_code`, so they agree on what a file says (README.md,
"Writing news").  Nothing here imports Pelican.
"""

import difflib
import re
from datetime import datetime
from pathlib import Path

from chapar.persian.dates import TEHRAN, jalali, parse_date
from chapar.persian.text import to_latin_digits
from chapar.problems import ContentError, Problem

# Longest NewsCode, in digits after any leading zeros: what the comment
# intake takes in its URL (README.md, "Comment intake").
NEWS_CODE_DIGITS = 18

# The header keys of a news item, as README.md (Writing news) lists them, and
# the Pelican keys that still mean something on this site.  Any other key is
# most likely a typo: the build warns, naming the closest of these.
NEWS_KEYS = (
    "Title",
    "Date",
    "NewsCode",
    "Kicker",
    "Lead",
    "Dateline",
    "Category",
    "Tags",
    "Agencies",
    "Modified",
    "Status",
    "Image",
    "ImageAlt",
    "ImageCaption",
    "ImageCredit",
    "Correction",
    "Breaking",
)
PELICAN_KEYS = ("Author", "Authors", "Summary", "Slug", "Template", "Lang")


def unknown_key_message(key):
    """``None`` for a known header key (any case), else the warning for it,
    with the closest known key when one is close.
    """
    known = {k.lower(): k for k in NEWS_KEYS + PELICAN_KEYS}
    if key.lower() in known:
        return None
    close = difflib.get_close_matches(key.lower(), list(known), n=1, cutoff=0.6)
    hint = (
        f"; did you mean {known[close[0]]!r}?"
        if close
        else "; the keys are: " + ", ".join(NEWS_KEYS)
    )
    return f"unknown header key {key!r}{hint}"


_HEADER_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:")

# Characters no editor means and no feed can carry (XML 1.0 forbids them,
# HTML calls them parse errors): C0 controls but tab, LF and CR, DEL, C1
# controls, and the two non-characters U+FFFE and U+FFFF.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")

TEMPLATE = """\
Title: {title}
Date: {date}
NewsCode: {code}
Kicker:
Dateline:
Lead:
Category: {category}
Tags:
Status: draft

متن خبر را این‌جا بنویسید. وقتی خبر آماده شد، Status را published کنید.
"""


def parse_news_code(value):
    """The canonical NewsCode of a header value or URL segment: a positive
    ``int``.  Latin, Persian or Arabic-Indic digits, surrounding spaces and
    leading zeros are accepted (``۰۰۷۷`` and ``0077`` are 77); anything else
    raises ``ValueError`` with a message for editors.
    """
    text = to_latin_digits(str(value)).strip()
    if not text.isascii() or not text.isdigit() or not text.strip("0"):
        raise ValueError(f"{value!r} is not a positive whole number")
    if len(text.lstrip("0")) > NEWS_CODE_DIGITS:
        raise ValueError(f"{value!r} is too long: a NewsCode has at most {NEWS_CODE_DIGITS} digits")
    return int(text)


def news_code_of(path):
    """The NewsCode in the header of the file at ``path``, read even from a
    file :func:`read_source` refuses (not UTF-8, a NUL): the build reports
    the file, and its comments are not also said to have no news item.
    ``ValueError`` when there is none to read.
    """
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8-sig", errors="replace")
    return parse_news_code(header_values(text).get("newscode", ""))


def read_source(path):
    """The file's text (:func:`decode_source` of its bytes)."""
    with open(path, "rb") as handle:
        return decode_source(path, handle.read())


def decode_source(path, data):
    """``data``, the bytes of the file at ``path``, as text; a file that is
    not UTF-8 text, or that holds a control character (a NUL pasted from a
    binary file, a file saved as UTF-16), raises :class:`ContentError`
    naming the line of its first bad byte or character.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError(
            [
                Problem(
                    path,
                    line,
                    "the file is not UTF-8 text; save it as UTF-8 "
                    "(in most editors: Save as → Encoding → UTF-8)",
                )
            ]
        ) from None
    bad = _CONTROL.search(text)
    if bad:
        line = len(_lines(text[: bad.start()]))
        if bad[0] == "\x00":
            message = (
                "control character U+0000 (NUL) on this line: delete it; a file "
                'full of them was saved as UTF-16 ("Unicode"): save it as UTF-8'
            )
        else:
            message = f"control character U+{ord(bad[0]):04X} on this line: delete it"
        raise ContentError([Problem(path, line, message)])
    return text


def _lines(text):
    """The lines as Markdown and editors count them: CRLF, CR and LF end a
    line; nothing else does (``str.splitlines`` also splits at U+2028, which
    Word pastes into a title).
    """
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def header_keys(text):
    """``(line number, key as typed)`` for each line of the ``Key: value`` header."""
    for number, line in enumerate(_lines(text), start=1):
        if not line.strip():
            break
        match = _HEADER_KEY.match(line)
        if match:
            yield number, match[1]


def _header(text):
    """``(key, line number, value)`` for each line of the ``Key: value`` header."""
    lines = _lines(text)
    for number, key in header_keys(text):
        line = lines[number - 1]
        yield key.lower(), number, line[line.index(":") + 1 :].strip()


def header_lines(text):
    """``{key: line number}`` for the ``Key: value`` header at the top."""
    lines = {}
    for key, number, _value in _header(text):
        lines.setdefault(key, number)
    return lines


def header_values(text):
    """``{key: raw value}`` of the header, the first of a repeated key: for
    tools that need a value or two without reading the whole item.
    """
    values = {}
    for key, _number, value in _header(text):
        values.setdefault(key, value)
    return values


def next_news_code(news_dir):
    """One more than the largest NewsCode under ``news_dir`` (1 when empty)."""
    codes = [0]
    for path in Path(news_dir).rglob("*.md"):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        value = header_values(text).get("newscode")
        if value:
            try:  # noqa: SIM105 (the comment on the pass says why)
                codes.append(parse_news_code(value))
            except ValueError:
                pass  # `invoke check` reports it; here we only need a free code
    return max(codes) + 1


def create_news_item(news_dir, title, category="", now=None):
    """Write the skeleton and return its path; never overwrites a file."""
    now = now or datetime.now(TEHRAN)
    j = jalali(now)
    code = next_news_code(news_dir)
    path = Path(news_dir) / str(j.year) / f"{code}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(
        title=title.strip(),
        date=j.strftime("%Y/%m/%d %H:%M"),
        code=code,
        category=category,
    )
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path


def scheduled_items(news_dir, now):
    """``[(date, path)]`` of the news files that wait for their time: status
    published, dated after ``now``; soonest first.  Pelican leaves them out of
    the build as drafts (``WITH_FUTURE_DATES = False``).  Files the build
    would refuse are skipped: the build names their problem.
    """
    found = []
    for path in sorted(Path(news_dir).rglob("*.md")):
        try:
            values = header_values(read_source(path))
            if values.get("status", "published").strip() != "published" or "date" not in values:
                continue
            date = parse_date(values["date"], now=now)
        except ValueError:
            continue
        if date > now:
            found.append((date, path))
    return sorted(found)
