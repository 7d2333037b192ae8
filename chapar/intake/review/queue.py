"""What the desk lists: every comment read and decided as ``invoke moderation`` does.

Held comments first (newest first), then the most recent rejected ones (to
rescue a false alarm) and published ones (to take one down).  Read from the
source files on every request, with the build's reading (:mod:`chapar.comments.store`)
and moderation; a broken file is left out and counted, as the build would
report it.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from chapar.comments import store
from chapar.comments.site import moderate_site
from chapar.news.index import NewsIndex
from chapar.persian.dates import format_date
from chapar.persian.text import to_persian_digits

RECENT = 30  # rejected and published comments shown
TERM = re.compile(r"«([^«»]+)»")
KEY = re.compile(r"^([0-9]{1,12})/([\w-]{1,100})$")


def valid_key(key):
    """Whether ``key`` is a ``<NewsCode>/<Id>`` a comment could have (nothing path-like)."""
    return isinstance(key, str) and KEY.fullmatch(key) is not None and ".." not in key


@dataclass
class Item:
    """One comment on the desk: the file's fields, the decision and the article."""

    key: str
    code: str
    author: str
    date: object
    body: str
    status: str  # the decision: published | held | rejected
    rule: str
    reason: str
    file_status: str  # the file's Status line: "" | approved | rejected
    title: str
    url: str

    @property
    def when(self):
        """The comment's date, Jalali, in Persian digits."""
        return format_date(self.date) if self.date else ""

    @property
    def reason_parts(self):
        """The reason as ``[(text, marked)]``: the matched term (in «») marked, all as text."""
        parts, at = [], 0
        for match in TERM.finditer(self.reason):
            parts.append((self.reason[at : match.start(1)], False))
            parts.append((match[1], True))
            at = match.end(1)
        parts.append((self.reason[at:], False))
        return [p for p in parts if p[0]]

    @property
    def term(self):
        """The term the reason names (``«...»``), or ``""``."""
        match = TERM.search(self.reason)
        return match[1] if match else ""

    @property
    def body_parts(self):
        """The body as ``[(text, marked)]`` with the term the reason names marked where it occurs."""
        term = self.term
        if not term or term not in self.body:
            return [(self.body, False)]
        parts = []
        for i, piece in enumerate(self.body.split(term)):
            if i:
                parts.append((term, True))
            if piece:
                parts.append((piece, False))
        return parts


@dataclass
class Queue:
    """The desk's lists, the filters' choices and the count of unreadable files."""

    held: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    published: list = field(default_factory=list)
    articles: dict = field(default_factory=dict)  # NewsCode -> title, of articles with comments
    rules: list = field(default_factory=list)  # rules that decided a listed comment
    problems: int = 0

    @property
    def waiting(self):
        """How many comments wait for a moderator."""
        return len(self.held)

    def filtered(self, article="", rule=""):
        """A copy holding only the comments on NewsCode ``article`` and decided by ``rule``."""

        def keep(items):
            return [
                i
                for i in items
                if (not article or i.code == article) and (not rule or i.rule == rule)
            ]

        return Queue(
            keep(self.held),
            keep(self.rejected),
            keep(self.published),
            self.articles,
            self.rules,
            self.problems,
        )


def read_queue(root, rules, limit, article_url, recent=RECENT):
    """The :class:`Queue` of the site at ``root`` (``content/news``, ``content/comments``).

    ``rules``: the loaded rules; ``limit``: COMMENTS["max_characters"];
    ``article_url(code)``: an article's address.
    """
    root = Path(root)
    news = NewsIndex.of(root / "content/news")
    texts = news.texts()
    by_code, problems = store.read_all(root / "content/comments", texts)
    decisions = moderate_site(rules, by_code, texts, limit)
    items = []
    for code, comments in by_code.items():
        entry = news.get(code)
        title = entry.title if entry else code
        for c in comments:
            if c.date is None:
                continue
            d = decisions[code][c.id]
            items.append(
                Item(
                    c.key,
                    code,
                    c.author,
                    c.date,
                    c.body,
                    d.status,
                    d.rule,
                    d.reason,
                    c.status,
                    title,
                    article_url(code),
                )
            )
    items.sort(key=lambda i: (i.date, i.key), reverse=True)
    queue = Queue(problems=len(problems))
    for item in items:
        if item.status == "held":
            queue.held.append(item)
        elif item.status == "rejected" and len(queue.rejected) < recent:
            queue.rejected.append(item)
        elif item.status == "published" and len(queue.published) < recent:
            queue.published.append(item)
    shown = queue.held + queue.rejected + queue.published
    queue.articles = dict(sorted({i.code: i.title for i in shown}.items(), key=lambda kv: kv[1]))
    queue.rules = sorted({i.rule for i in shown if i.rule})
    return queue


def queue_text(queue, site_url=""):
    """The held comments as plain text, one a line (``invoke moderation --queue``); ``""`` if none."""
    if not queue.held:
        return ""
    lines = [f"{to_persian_digits(queue.waiting)} نظر در انتظار بررسی ({queue.waiting} held)", ""]
    for item in queue.held:
        lines.append(f"{item.key}  {item.when}  [{item.rule}] {item.reason}")
        lines.append(f"    {item.title} — {item.author}")
    if site_url:
        lines += ["", f"{site_url.rstrip('/')}/desk/"]
    return "\n".join(lines)
