"""Comment files: ``content/comments/<NewsCode>/*.md`` read and validated.

Not Pelican articles (ARTICLE_PATHS leaves the folder alone): the ``Key:
value`` header is parsed here so that every problem names its line.
"""

import functools
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jdatetime

from chapar.news.item import decode_source, read_source
from chapar.persian.dates import FIRST_GREGORIAN_YEAR, TEHRAN, check_range, parse_date
from chapar.persian.text import normalize, to_latin_digits
from chapar.problems import ContentError, Problem

KEYS = ("author", "date", "id", "replyto", "status", "email")
KEY_NAMES = {
    "author": "Author",
    "date": "Date",
    "id": "Id",
    "replyto": "ReplyTo",
    "status": "Status",
    "email": "Email",
}
REQUIRED = ("author", "date")
STATUSES = ("approved", "rejected")

_HEADER = re.compile(r"^([A-Za-z][A-Za-z0-9_-]*)\s*:\s*(.*)$")
_ID = re.compile(r"^[\w-]+$")  # it becomes the HTML id comment-<Id>
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class CommentFile:
    """One comment file as read: its header fields, body and each key's line number.

    ``news_code`` is its folder's name; ``date`` is ``None`` when missing or unreadable.
    """

    path: str
    news_code: str  # the folder name
    id: str = ""
    author: str = ""
    date: object = None
    reply_to: str = ""
    status: str = ""
    email: str = ""
    body: str = ""  # for display: Arabic ي ى ك as Persian ی ک, kashida dropped
    typed_body: str = ""  # the body as typed, when that differs: what moderation reads
    lines: dict = field(default_factory=dict)  # key (or "body": its first line) -> line number

    @property
    def key(self):
        """``<NewsCode>/<Id>``: how ``invoke moderation`` names a comment."""
        return f"{self.news_code}/{self.id}"

    def line(self, key):
        """The line number of header ``key`` (``"body"``: the body's first line), 1 if absent."""
        return self.lines.get(key, 1)


def parse_header(text):
    """``(fields, lines, body, problems)``: the header ends at the first blank
    line; ``problems`` are ``(line, message)`` pairs.
    """
    fields, lines, problems = {}, {}, []
    all_lines = text.splitlines()
    body_start = len(all_lines)
    for number, line in enumerate(all_lines, start=1):
        if not line.strip():
            body_start = number
            break
        match = _HEADER.match(line)
        if not match:
            problems.append(
                (
                    number,
                    (
                        f"broken header line {line.strip()[:40]!r}: expected "
                        "'Key: value' (leave one empty line before the text)"
                    ),
                )
            )
            continue
        key = match[1].lower()
        if key not in KEYS:
            problems.append(
                (number, f"unknown key {match[1]!r}; use: " + ", ".join(KEY_NAMES.values()))
            )
            continue
        if key in fields:
            problems.append((number, f"{KEY_NAMES[key]} given twice (first on line {lines[key]})"))
            continue
        fields[key] = match[2].strip()
        lines[key] = number
    body = "\n".join(all_lines[body_start:]).strip("\n")
    if body:  # the body's first line, for problems about the text
        lines["body"] = (
            body_start + 1 + next(i for i, line in enumerate(all_lines[body_start:]) if line)
        )
    return fields, lines, body, problems


def _latin_digits(text):
    return text if text.isascii() else to_latin_digits(text)


def _stem(path):
    """``Path(path).stem``, without making a Path."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


_DATE = re.compile(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")


@functools.lru_cache(maxsize=4096)
def _gregorian_day(year, month, day):
    return jdatetime.date(year, month, day).togregorian()


def comment_date(value):
    """:func:`persian.dates.parse_date`, with the Jalali day's conversion
    memoised (jdatetime's costs ~20 µs, and an article's comments share a
    few days); anything unusual, and every error, goes to ``parse_date``.
    """
    match = _DATE.fullmatch(value) if value.isascii() else None
    if match:
        y, m, d, hh, mm, ss = map(int, match.groups("0"))
        if y < FIRST_GREGORIAN_YEAR:
            try:
                day = _gregorian_day(y, m, d)
                return check_range(
                    datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=TEHRAN), value
                )
            except ValueError:
                pass
    return parse_date(value)


def read_comment(path, news_code):
    """One comment file and the problems found in it."""
    try:
        text = read_source(path)
    except ContentError as exc:
        return None, exc.problems
    return parse_comment(text, path, news_code)


def parse_comment(text, path, news_code):
    """:func:`read_comment` on text already read; ``path`` names the file (its
    stem is the default Id).  The intake service checks a comment with it
    before the file exists.
    """
    problems = []
    fields, lines, body, header_problems = parse_header(text)
    problems += [Problem(str(path), n, m) for n, m in header_problems]
    comment = CommentFile(str(path), news_code, lines=lines, body=normalize(body))
    if comment.body != body:
        comment.typed_body = body

    def problem(key, message):
        problems.append(Problem(str(path), lines.get(key, 1), message))

    for key in REQUIRED:
        if not fields.get(key):
            problem(
                key,
                f"missing required key {KEY_NAMES[key]!r}"
                if key not in fields
                else f"{KEY_NAMES[key]} is empty",
            )
    comment.author = normalize(fields.get("author", ""))
    if fields.get("date"):
        try:
            comment.date = comment_date(fields["date"])
        except ValueError as exc:
            problem("date", f"Date: {exc}")
    comment.id = _latin_digits(fields.get("id") or _stem(str(path)))
    if not _ID.match(comment.id):
        where = "Id" if "id" in fields else "the file name"
        problem("id", f"{where} {comment.id!r} may hold only letters, digits, '-' and '_'")
    comment.reply_to = _latin_digits(fields.get("replyto", ""))
    status = fields.get("status", "").lower()
    if status and status not in STATUSES:
        problem(
            "status",
            f"Status {fields['status']!r} is not allowed; use one of: " + ", ".join(STATUSES),
        )
    comment.status = status
    comment.email = fields.get("email", "")
    if comment.email and not _EMAIL.match(comment.email):
        problem("email", f"Email {comment.email!r} is not an email address")
    return comment, problems


def misplaced(path):
    """The problem of a comment file outside ``<NewsCode>/``."""
    return Problem(path, 1, "a comment file belongs in content/comments/<NewsCode>/")


def orphaned(path, code):
    """The problem of a comment file in the folder of a NewsCode no news item has."""
    return Problem(
        path,
        1,
        f"no news item has NewsCode {code!r} (the folder name must be the article's NewsCode)",
    )


@dataclass
class Thread:
    """One article's comment folder as read: the readable comments in file
    order, each file's problems as ``(position, Problem)``, and the thread's
    own (duplicate Ids, ReplyTo naming no comment or making a loop).
    """

    comments: list
    file_problems: list
    thread_problems: list

    @property
    def problems(self):
        """Every problem of the folder, the files' first (in file order), then the thread's own."""
        return [p for _, p in self.file_problems] + self.thread_problems


def read_thread(code, files, article=True, orphans=True):
    """The :class:`Thread` of NewsCode ``code``: the one reading of a comment
    folder that the build's pass, ``invoke moderation`` and the intake
    service share.  ``files``: ``[(path, data)]`` in path order, ``data``
    the file's bytes or text, or the :class:`CommentFile` read earlier from
    the same bytes (the intake keeps those); ``article``: whether a news
    item has this NewsCode (its thread is checked only then); ``orphans``:
    whether, without one, each file says so (not for a news file the build
    could not read: it reports that file instead).
    """
    comments, file_problems = [], []
    for position, (path, data) in enumerate(files):
        found = []
        if isinstance(data, CommentFile):
            comment = data
        else:
            try:
                text = decode_source(path, data) if isinstance(data, bytes) else data
                comment, found = parse_comment(text, path, code)
            except ContentError as exc:
                comment, found = None, exc.problems
        file_problems += [(position, p) for p in found]
        if not article:
            if orphans:
                file_problems.append((position, orphaned(path, code)))
        elif comment is not None:
            comments.append(comment)
    return Thread(comments, file_problems, check_thread(comments) if article else [])


def folders_of(paths):
    """``[(NewsCode, [(index, path)])]`` of :func:`comment_paths`' list, in
    order of each folder's first file.
    """
    folders = {}
    for index, (path, code) in enumerate(paths):
        if code is not None:
            folders.setdefault(code, []).append((index, path))
    return list(folders.items())


def read_all(root, news_codes):
    """Every comment under ``root`` grouped by NewsCode, and every problem,
    in the order the build reports them (:func:`read_thread` per folder).
    """
    by_code = {}
    if not os.path.isdir(root):
        return by_code, []
    known = {str(code) for code in news_codes}
    paths = list(comment_paths(root))
    file_problems = [
        (index, misplaced(path)) for index, (path, code) in enumerate(paths) if code is None
    ]
    thread_problems = []
    for code, files in folders_of(paths):
        thread = read_thread(
            code, [(path, Path(path).read_bytes()) for _, path in files], article=code in known
        )
        file_problems += [(files[position][0], p) for position, p in thread.file_problems]
        thread_problems += thread.thread_problems
        if thread.comments:
            by_code[code] = thread.comments
    file_problems.sort(key=lambda item: item[0])  # stable: a file's own problems keep their order
    return by_code, [p for _, p in file_problems] + thread_problems


def comment_paths(root):
    """``(path, NewsCode)`` of every ``*.md`` file under ``root`` in path
    order (``sorted(Path(root).rglob("*.md"))``, each folder's entries by
    name); the NewsCode is ``None`` for a file that is not in a
    ``<NewsCode>/`` folder directly under ``root``.  One ``scandir`` per
    folder: no ``Path`` object per file.
    """

    def walk(folder, prefix, parts):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            path = prefix + entry.name
            if entry.is_dir():
                if not entry.is_symlink():  # as rglob: links to folders are not followed
                    yield from walk(path, path + "/", (*parts, entry.name))
            elif entry.name.endswith(".md"):
                yield path, parts[0] if len(parts) == 1 else None

    base = str(Path(root))  # the paths read as Path(root) / ... would print
    yield from walk(base, "" if base == "." else base.rstrip("/") + "/", ())


def check_thread(comments):
    """Duplicate Ids and ReplyTo naming no comment, or itself, or a loop."""
    problems, ids = [], {}
    for comment in comments:
        if comment.id in ids:
            problems.append(
                Problem(
                    comment.path,
                    comment.line("id"),
                    f"Id {comment.id!r} is already used by {ids[comment.id].path}",
                )
            )
        else:
            ids[comment.id] = comment
    looping = {}  # Id -> whether the chain up from it runs into a loop
    for comment in comments:
        if not comment.reply_to:
            continue
        if comment.reply_to not in ids:
            problems.append(
                Problem(
                    comment.path,
                    comment.line("replyto"),
                    f"ReplyTo {comment.reply_to!r}: no comment with that Id "
                    f"on NewsCode {comment.news_code}",
                )
            )
            continue
        if _in_loop(comment.id, ids, looping):
            problems.append(
                Problem(
                    comment.path,
                    comment.line("replyto"),
                    f"ReplyTo {comment.reply_to!r} makes a loop of replies",
                )
            )
    return problems


def _in_loop(start, ids, looping):
    """Whether the chain of replies up from ``start`` runs into a loop;
    ``looping`` keeps each comment's answer, so every chain is walked once
    (a chain of thousands of replies costs its length, not its square).
    """
    chain, on_chain, current = [], set(), start
    while current in ids and current not in looping:
        if current in on_chain:
            looping[current] = True
            break
        chain.append(current)
        on_chain.add(current)
        current = ids[current].reply_to
    answer = looping.get(current, False)
    for link in chain:
        looping[link] = answer
    return answer
