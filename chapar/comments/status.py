"""The editor's decision on a comment: its file's ``Status`` line, written in one place.

``invoke moderation --approve/--reject`` and the moderators' desk both call
:func:`set_status` (README.md, Comments (for editors)), so a decision made
either way leaves the same bytes.
"""

import fcntl
from pathlib import Path

from chapar.comments import store
from chapar.news.index import code_of
from chapar.news.item import header_lines
from chapar.persian.text import to_latin_digits


def find_comment(root, key):
    """``(path, CommentFile)`` of comment ``<NewsCode>/<Id>`` under ``root/content/comments``.

    Raises ``LookupError`` when there is no such comment.  The file is found
    by reading the folder's files, never by building a path from the Id.
    """
    code, _, comment_id = key.partition("/")
    code = code_of(code)
    code = "" if code is None else str(code)  # the folder the build names it by
    folder = Path(root) / "content/comments" / code
    comment_id = to_latin_digits(comment_id)
    if not code or not comment_id or not folder.is_dir():
        raise LookupError(f"no comment {key!r}: expected <NewsCode>/<Id>, e.g. 4385870/1")
    for path in sorted(folder.glob("*.md")):
        comment, _problems = store.read_comment(path, code)
        if comment is not None and comment.id == comment_id:
            return path, comment
    raise LookupError(f"no comment {key!r} in {folder}")


class Conflict(Exception):
    """The comment's Status is no longer the one expected: someone decided it in between."""

    def __init__(self, path, status):
        super().__init__(f"{path}: Status is now {status or 'none'}")
        self.path, self.status = path, status


def set_status(root, key, status, expect=None):
    """Write ``Status: <status>`` into the header of comment ``<NewsCode>/<Id>``;
    every other byte of the file stays as it was.  Returns the path.

    The file is locked (``flock``) while it is read and written, so two
    decisions on one comment, from two processes, never mix.  ``expect``: the
    Status (``""`` for none) the caller saw; when the file's is another,
    :class:`Conflict` is raised and nothing is written (the desk's check).
    """
    if status not in store.STATUSES:
        raise ValueError(f"status must be one of {store.STATUSES}")
    path, _comment = find_comment(root, key)
    with open(path, "r+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        data = handle.read()
        text = data.decode("utf-8-sig")
        bom = data[: len(data) - len(text.encode("utf-8"))]
        newline = "\r\n" if "\r\n" in text else "\n"
        lines = text.split(newline)
        number = header_lines(text).get("status")
        if expect is not None:
            current = lines[number - 1].partition(":")[2].strip().lower() if number else ""
            if current != expect:
                raise Conflict(path, current)
        if number is not None:
            lines[number - 1] = f"Status: {status}"
        else:
            # after the last header line, before the empty line
            end = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
            lines.insert(end, f"Status: {status}")
        handle.seek(0)
        handle.write(bom + newline.join(lines).encode("utf-8"))
        handle.truncate()
    return path
