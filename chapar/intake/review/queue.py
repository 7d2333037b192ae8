"""What the desk lists: every comment read and decided as ``invoke moderation`` does.

Held comments first (newest first), then the most recent rejected ones (to
rescue a false alarm) and published ones (to take one down).  Read from the
source files with the build's reading (:mod:`chapar.comments.store`) and
moderation, each article's again only when its files changed; a broken file
is left out and counted, as the build would report it.
"""

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from chapar import moderation
from chapar.comments import store
from chapar.news.index import news_files, read_entry
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


class QueueReader:
    """Reads the :class:`Queue` of the site at ``root`` (``content/news``, ``content/comments``).

    ``rules``: the loaded rules; ``limit``: COMMENTS["max_characters"];
    ``article_url(code)``: an article's address.  Each article's comments are
    read and moderated again only when one of its comment files (name, size,
    modification time) or its news file changed since the last read: a page
    after a decision costs one article's moderation plus a ``stat`` per file.
    Safe to call from several threads (one reads at a time).
    """

    def __init__(self, root, rules, limit, article_url, recent=RECENT):
        self.root = Path(root)
        self.rules, self.limit, self.article_url, self.recent = rules, limit, article_url, recent
        self._news = {}  # path -> (mtime_ns, NewsEntry or None)
        self._threads = {}  # NewsCode -> (signature, [Item], problem count)
        self._lock = threading.Lock()

    def read(self):
        """The :class:`Queue` as the files are now."""
        with self._lock:
            news = self._read_news()
            items, problems = [], 0
            comments = self.root / "content" / "comments"
            threads = {}
            try:
                entries = sorted(os.scandir(comments), key=lambda e: e.name)
            except OSError:
                entries = []
            for entry in entries:
                if entry.name.endswith(".md") and entry.is_file():
                    problems += 1  # a comment file outside <NewsCode>/ (the build says so)
                if not entry.is_dir() or entry.is_symlink():
                    continue
                code = entry.name
                article = news.get(code)
                signature = (article.mtime if article else None, _folder_state(entry.path))
                kept = self._threads.get(code)
                if kept is None or kept[0] != signature:
                    kept = (signature, *self._read_thread(code, entry.path, article))
                threads[code] = kept
                items += kept[1]
                problems += kept[2]
            self._threads = threads
        return _sorted_queue(items, problems, self.recent)

    def forget(self, code):
        """Read NewsCode ``code``'s comments again next time (the desk wrote one of them)."""
        with self._lock:
            self._threads.pop(code, None)

    def _read_news(self):
        """``{folder name: NewsEntry}``, each news file re-read only when it changed."""
        known, by_code = {}, {}
        for path in news_files(self.root / "content" / "news"):
            try:
                mtime = os.stat(path).st_mtime_ns
            except OSError:
                continue
            kept = self._news.get(path)
            entry = kept[1] if kept is not None and kept[0] == mtime else read_entry(path)
            known[path] = (mtime, entry)
            if entry is not None:
                by_code.setdefault(entry.folder, entry)  # the first found, as the build
        self._news = known
        return by_code

    def _read_thread(self, code, folder, article):
        """``([Item], problem count)`` of one comment folder."""
        files = []
        for name in sorted(n for n in os.listdir(folder) if n.endswith(".md")):
            path = os.path.join(folder, name)
            try:
                files.append((path, Path(path).read_bytes()))
            except OSError:
                continue
        thread = store.read_thread(code, files, article=article is not None)
        comments = [c for c in thread.comments if c.date is not None]
        decisions = moderation.moderate_article(
            self.rules, comments, article.text if article else "", self.limit
        )
        title = article.title if article else code
        url = self.article_url(code)
        items = [
            Item(
                c.key,
                code,
                c.author,
                c.date,
                c.body,
                decisions[c.id].status,
                decisions[c.id].rule,
                decisions[c.id].reason,
                c.status,
                title,
                url,
            )
            for c in comments
        ]
        return items, len(thread.problems)


def _folder_state(folder):
    """What a comment folder's files look like: ``(name, size, mtime_ns)`` of each ``*.md``."""
    state = []
    try:
        with os.scandir(folder) as scan:
            for entry in scan:
                if entry.name.endswith(".md"):
                    st = entry.stat()
                    state.append((entry.name, st.st_size, st.st_mtime_ns))
    except OSError:
        return None
    return tuple(sorted(state))


def _sorted_queue(items, problems, recent):
    items.sort(key=lambda i: (i.date, i.key), reverse=True)
    queue = Queue(problems=problems)
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


def read_queue(root, rules, limit, article_url, recent=RECENT):
    """The :class:`Queue` of the site at ``root``, read once (:class:`QueueReader`)."""
    return QueueReader(root, rules, limit, article_url, recent).read()


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
