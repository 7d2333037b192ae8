"""What the service knows of the site, read from the source files as the
build reads them and refreshed when they change: the news items (NewsCode,
Status, text) and each article's comments with the rules' decisions.
"""

import logging
import os
import threading
import time
from pathlib import Path

from chapar import moderation
from chapar.comments import store
from chapar.news import index as news_index
from chapar.news.index import code_of, read_entry

logger = logging.getLogger(__name__)


class Article:
    """A news item as the service sees it: its :class:`NewsEntry` and, for
    the ``relevance`` check, its stems (made once).
    """

    def __init__(self, entry):
        self.entry = entry
        self.code = entry.folder  # as the build's URL and the comment folder
        self.path, self.mtime, self.text = entry.path, entry.mtime, entry.text
        self.published = entry.published
        self._words = None

    def words(self, rules):
        """The article's stems for the ``relevance`` check (``None`` without one)."""
        if not rules.of("relevance"):
            return None
        if self._words is None:
            self._words = moderation.article_words(self.text, rules)
        return self._words


def read_news(path):
    """An :class:`Article` from a news file, or ``None`` (no NewsCode, not
    UTF-8: the build reports those).
    """
    entry = read_entry(path)
    return None if entry is None else Article(entry)


class NewsIndex:
    """NewsCode → :class:`Article`, from chapar.news.index.  A known article
    is re-read when its file changes; an unknown code rescans the tree, at
    most once every ``rescan_interval`` seconds (so made-up codes cannot make
    it read the whole tree on every post).
    """

    def __init__(self, root, rescan_interval=2.0):
        self.root = Path(root)
        self.rescan_interval = rescan_interval
        self._by_code = {}
        self._scanned = None
        self._lock = threading.Lock()

    def get(self, code):
        """The article of ``code`` (any spelling of a NewsCode), or ``None``."""
        code = code_of(code)
        if code is None:
            return None
        code = str(code)
        with self._lock:
            article = self._by_code.get(code)
            if article is not None:
                try:
                    mtime = article.path.stat().st_mtime_ns
                except OSError:
                    mtime = None
                if mtime == article.mtime:
                    return article
                fresh = read_news(article.path) if mtime is not None else None
                if fresh is not None and fresh.code == code:
                    self._by_code[code] = fresh
                    return fresh
                del self._by_code[code]
            now = time.monotonic()
            if self._scanned is None or now - self._scanned >= self.rescan_interval:
                self._scan()
                self._scanned = now
            return self._by_code.get(code)

    def _scan(self):
        index = news_index.NewsIndex.of(self.root)
        self._by_code = {entry.folder: Article(entry) for entry in index}
        logger.debug("news index: %d articles under %s", len(index), self.root)


class Thread:
    """One article's comments as the build will see them, and the lock that
    makes checking and adding a comment one step.
    """

    def __init__(self, folder, code):
        self.folder = Path(folder)
        self.code = code
        self.lock = threading.Lock()
        self._files = {}  # name -> ((mtime_ns, size), CommentFile)
        self._state = None  # what the folder and the article looked like when read
        self._quick = None  # (article mtime, rules) at the last full refresh
        self._checked = 0.0
        self.decisions = {}  # Id -> Decision
        self.earlier = set()  # normalized texts, for the duplicate rule

    # Files others write (an editor's Status: approved, a git pull) are seen
    # within this many seconds; the service's own writes at once.  A reader
    # can only answer a comment a build has published, long after that.
    RECHECK = 2.0

    def refresh(self, rules, article):
        """Bring the thread up to date with the folder (hold ``lock``): every
        file is stat'ed at most every ``RECHECK`` seconds, so a post costs
        O(1), not O(comments on the article).
        """
        key = (article.mtime, id(rules))
        now = time.monotonic()
        if key == self._quick and now - self._checked < self.RECHECK:
            return
        self._full_refresh(rules, article)
        self._quick = key
        self._checked = now

    def _full_refresh(self, rules, article):
        entries = {}
        try:
            with os.scandir(self.folder) as scan:
                for entry in scan:
                    if entry.name.endswith(".md") and entry.is_file():
                        st = entry.stat()
                        entries[entry.name] = (st.st_mtime_ns, st.st_size)
        except FileNotFoundError:
            pass
        state = (entries, article.mtime, id(rules))
        if state == self._state:
            return
        names = sorted(entries)
        files = []
        for name in names:
            known = self._files.get(name)
            if known is not None and known[0] == entries[name]:
                files.append((self.folder / name, known[1]))
            else:
                try:
                    files.append((self.folder / name, (self.folder / name).read_bytes()))
                except OSError:
                    continue  # removed since the scan: the next refresh sees it gone
        thread = store.read_thread(self.code, files)
        read = {Path(c.path).name: c for c in thread.comments}
        files = {name: (entries[name], read[name]) for name in names if name in read}
        comments = [
            c for c in thread.comments if c.date is not None
        ]  # a broken file: the build reports it
        self._files = files
        self.decisions = moderation.moderate_article(rules, comments, article.text)
        self.earlier = {" ".join(moderation.tokens(c.body)) for c in comments}
        self._state = state

    def add(self, name, comment, decision):
        """Record a comment just written (hold ``lock``)."""
        st = (self.folder / name).stat()
        signature = (st.st_mtime_ns, st.st_size)
        self._files[name] = (signature, comment)
        self.decisions[comment.id] = decision
        self.earlier.add(" ".join(moderation.tokens(comment.body)))
        entries, _article_mtime, _rules_id = self._state
        entries[name] = signature  # a fresh dict per full refresh: safe to grow in place

    def published(self, comment_id):
        """Whether comment ``comment_id`` is in the thread, published (a reply must answer one)."""
        decision = self.decisions.get(comment_id)
        return decision is not None and decision.status == "published"

    def has_id(self, comment_id):
        """Whether a comment file with Id ``comment_id`` is in the thread (a new Id must not be)."""
        return comment_id in self.decisions


class Threads:
    """A :class:`Thread` per NewsCode, made on first use."""

    def __init__(self, root):
        self.root = Path(root)
        self._threads = {}
        self._lock = threading.Lock()

    def get(self, code):
        """The :class:`Thread` of NewsCode ``code`` (a folder name), the same one on every call.

        Its folder is ``<root>/<code>``; safe to call from several threads at once.
        """
        with self._lock:
            thread = self._threads.get(code)
            if thread is None:
                thread = self._threads[code] = Thread(self.root / code, code)
            return thread
