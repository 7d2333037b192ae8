"""Comment files written by a program: the inverse of :func:`.store.parse_header`.

The intake service composes a reader's comment here, so the file format
stays in this plugin: the header keys of README.md, "Comments (for editors)", one empty line,
then the body.
"""

from chapar.comments.store import KEY_NAMES
from chapar.persian.dates import jalali

# Keys in the order editors are used to read them (content/comments/*/*.md).
ORDER = ("author", "date", "replyto", "email", "status", "id")


def file_date(dt):
    """``1405/04/23 10:22:33``: Jalali, Latin digits, the site's zone, as
    :func:`persian.dates.parse_date` reads it back to the same second.
    """
    j = jalali(dt)
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d} {j.hour:02d}:{j.minute:02d}:{j.second:02d}"


def comment_text(body, **keys):
    """The text of a comment file.  ``keys`` are lower-case header keys
    (``author``, ``date``, ``replyto``, ``email``...); empty ones are left
    out.  A header value holding a line break would smuggle in another key,
    so it raises ``ValueError``.
    """
    lines = []
    for key in sorted(keys, key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER)):
        if key not in KEY_NAMES:
            raise ValueError(f"unknown comment key {key!r}")
        value = str(keys[key] or "").strip()
        if not value:
            continue
        if len(value.splitlines()) != 1:
            raise ValueError(f"{KEY_NAMES[key]} must be one line")
        lines.append(f"{KEY_NAMES[key]}: {value}")
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    return "\n".join(lines) + "\n\n" + body + "\n"
