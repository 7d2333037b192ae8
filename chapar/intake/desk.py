"""The comment desk: a reader's fields in, a comment file (or a refusal) out.

No HTTP here: :meth:`Desk.submit` checks the fields, applies the build's
rules (:mod:`chapar.moderation`) to the comment as the build will read it
(:func:`chapar.comments.store.parse_comment`) and writes the file atomically.
"""

import contextlib
import errno
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from chapar import moderation
from chapar.comments import store
from chapar.comments.compose import comment_text, file_date
from chapar.intake.config import DEFAULTS
from chapar.intake.messages import CHECK_TEXTS, MESSAGES
from chapar.intake.site import NewsIndex, Threads
from chapar.news.item import parse_news_code
from chapar.persian.dates import TEHRAN
from chapar.persian.text import to_latin_digits

logger = logging.getLogger(__name__)

FIELDS = ("name", "email", "text", "reply_to", "website")  # as partials/comments.html sends them
TEMP_PREFIX = ".intake-"
TEMP_SUFFIX = ".tmp"  # not .md: the build never reads a temporary file
_REPLY_ID = re.compile(r"^[\w-]{1,64}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # as comments.store checks it
# Control characters, line/paragraph separators, surrogates, unassigned:
# never in a one-line header value.
_BAD_IN_LINE = {"Cc", "Cs", "Zl", "Zp", "Cn", "Co"}
_BAD_IN_TEXT = {"Cs", "Cn", "Co"}
_TEXT_CONTROLS_OK = {"\n", "\r", "\t"}


class Refused(Exception):
    """A post the desk will not write: HTTP ``status``, ``error`` code, Persian ``message``."""

    def __init__(self, status, error, message=None, rule=""):
        self.status = status
        self.error = error
        self.message = message or MESSAGES[error]
        self.rule = rule
        super().__init__(f"{status} {error}: {self.message}")


@dataclass
class Accepted:
    """A post the desk accepted: its NewsCode, comment Id and status ("published" or "held").

    ``path`` is the file written, or ``None`` when the honeypot was filled and nothing was.
    """

    code: str
    id: str
    status: str  # published | held
    path: Path = None  # None: the honeypot was filled, nothing written

    @property
    def message(self):
        """The Persian message for the reader for the comment's status."""
        return MESSAGES[self.status]


def news_code(value):
    """The NewsCode of a URL segment as the build writes it (Persian digits
    and leading zeros too: ``0077`` is 77), or :class:`Refused`.
    """
    try:
        return str(parse_news_code(value))
    except ValueError:
        raise Refused(404, "no_article") from None


def check_fields(raw, max_name=DEFAULTS["max_name"], max_email=DEFAULTS["max_email"]):
    """The form's fields cleaned and checked (every value a string);
    :class:`Refused` (400) names the first bad one.
    """
    raw = {key: "" if raw.get(key) is None else raw[key] for key in FIELDS}  # JSON null: absent
    if not all(isinstance(value, str) for value in raw.values()):
        raise Refused(400, "malformed")
    name = raw.get("name", "").strip()
    text = raw.get("text", "")
    if not name:
        raise Refused(400, "missing_name")
    if not text.strip():
        raise Refused(400, "missing_text")
    if (
        len(name) > max_name
        or not _line_ok(name)
        or not any(unicodedata.category(c)[0] in "LN" for c in name)
    ):
        raise Refused(400, "bad_name", MESSAGES["bad_name"].format(max=max_name))
    email = raw.get("email", "").strip()
    if email and (len(email) > max_email or not _line_ok(email) or not _EMAIL.match(email)):
        raise Refused(400, "bad_email")
    if not _text_ok(text):
        raise Refused(400, "bad_text")
    reply_to = to_latin_digits(raw.get("reply_to", "").strip())
    if reply_to and not _REPLY_ID.match(reply_to):
        raise Refused(422, "bad_reply_to")  # path-like or not an Id: names no comment
    return {
        "name": name,
        "email": email,
        "text": text,
        "reply_to": reply_to,
        "website": raw.get("website", ""),
    }


def _line_ok(value):
    return all(unicodedata.category(c) not in _BAD_IN_LINE for c in value)


def _text_ok(text):
    for c in text:
        category = unicodedata.category(c)
        if category in _BAD_IN_TEXT or (category == "Cc" and c not in _TEXT_CONTROLS_OK):
            return False
    return True


def new_name(now):
    """``20260714-102233-417-3fa9c2``: time (sorts as written) plus randomness."""
    return f"{now:%Y%m%d-%H%M%S}-{now.microsecond // 1000:03d}-{secrets.token_hex(3)}"


def reader_text(rule, body):
    """What a rejected reader is told: the rule's own text, else one per check."""
    if rule.text:
        return rule.text
    if rule.check == "length":
        if not body.strip():
            return CHECK_TEXTS["length_empty"]
        return CHECK_TEXTS["length"].format(max=rule.params["max"])
    return CHECK_TEXTS.get(rule.check, MESSAGES["rejected"])


class Desk:
    """Receives comments for one site (content folder + rules)."""

    def __init__(
        self,
        content,
        rules_path,
        max_name=DEFAULTS["max_name"],
        max_email=DEFAULTS["max_email"],
        on_written=None,
        comments_path=DEFAULTS["comments_path"],
    ):
        self.content = Path(content)
        self.comments_root = self.content / comments_path
        self.rules = moderation.load_rules(rules_path)  # RulesError: the caller reports it
        self.news = NewsIndex(self.content / "news")
        self.threads = Threads(self.comments_root)
        self.max_name, self.max_email = max_name, max_email
        self.on_written = on_written  # git mode: called with each new file's path

    def remove_stale_temps(self):
        """Temporary files a killed service left behind (never .md, never read)."""
        removed = 0
        for path in self.comments_root.glob(f"*/{TEMP_PREFIX}*{TEMP_SUFFIX}"):
            try:
                path.unlink()
                removed += 1
            except FileNotFoundError:
                pass
        if removed:
            logger.warning(
                "removed %d unfinished temporary comment file(s) under %s",
                removed,
                self.comments_root,
            )
        return removed

    def submit(self, code, raw, now=None):
        """Check, moderate and write one comment: :class:`Accepted` or
        :class:`Refused`.  Blocking (file I/O): run it in a worker thread.
        """
        code = news_code(code)
        fields = check_fields(raw, self.max_name, self.max_email)
        article = self.news.get(code)
        if article is None or not article.published:
            raise Refused(404, "no_article")
        now = now or datetime.now(TEHRAN)
        name = new_name(now)
        if fields["website"]:
            logger.info("comment on %s: honeypot filled, nothing written", code)
            return Accepted(code, name, "published")
        folder = self.comments_root / code
        text = comment_text(
            fields["text"],
            author=fields["name"],
            date=file_date(now),
            replyto=fields["reply_to"],
            email=fields["email"],
        )
        comment, problems = store.parse_comment(text, folder / f"{name}.md", code)
        if problems:  # our checks mirror store's; a gap here must not write a bad file
            logger.warning("comment on %s refused by the file checks: %s", code, problems[0])
            raise Refused(400, "malformed")
        thread = self.threads.get(code)
        folder.mkdir(parents=True, exist_ok=True)
        temp = _write_temp(folder, text)  # the slow part (fsync) outside the lock
        try:
            with thread.lock:
                thread.refresh(self.rules, article)
                if comment.reply_to and not thread.published(comment.reply_to):
                    raise Refused(422, "bad_reply_to")
                decision = moderation.moderate(
                    self.rules,
                    comment.typed_body or comment.body,
                    article.words(self.rules),
                    thread.earlier,
                )
                if decision.status == "rejected":
                    rule = next(r for r in self.rules.rules if r.id == decision.rule)
                    raise Refused(422, "rejected", reader_text(rule, comment.body), rule=rule.id)
                while thread.has_id(name) or not _link(temp, folder / f"{name}.md"):
                    name = new_name(now)  # taken (practically never): draw again
                comment.id, comment.path = name, str(folder / f"{name}.md")
                thread.add(f"{name}.md", comment, decision)
        finally:
            _unlink(temp)
        _fsync_dir(folder)
        path = folder / f"{name}.md"
        logger.info(
            "comment %s/%s written (%s%s)",
            code,
            name,
            decision.status,
            f": {decision.rule}" if decision.rule else "",
        )
        if self.on_written is not None:
            self.on_written(path, f"{code}/{name}")
        return Accepted(code, name, decision.status, path)


def _write_temp(folder, text):
    """A whole, synced temporary file in ``folder`` (the final file's folder,
    so the link below is atomic).
    """
    data = text.encode("utf-8")
    for _ in range(10):
        temp = folder / f"{TEMP_PREFIX}{secrets.token_hex(8)}{TEMP_SUFFIX}"
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            _unlink(temp)
            raise
        os.close(fd)
        return temp
    raise OSError(errno.EEXIST, "no free temporary name", str(folder))


def _link(temp, final):
    """Give ``temp``'s content the name ``final`` unless it exists: ``False`` if taken.
    ``link`` never replaces a file, and the name appears with the whole text.
    """
    try:
        os.link(temp, final)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # a file system without hard links: rename, after checking (the
        # random name makes a race here vanishingly unlikely)
        if final.exists():
            return False
        os.rename(temp, final)
    return True


def _unlink(path):
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _fsync_dir(folder):
    """Make the new name durable (a power cut after the answer keeps the file)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
