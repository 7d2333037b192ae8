"""The build's comment pass: read, check, moderate and render every thread.

The work is one article's comment folder at a time (:meth:`Pass.folder`):
its files read and checked, its comments moderated, its thread rendered.
On a large site a worker process (:class:`Worker`) takes the folders from
the first one on while Pelican reads the news; when the build reaches the
comments it takes the folders left from the last one back, and the two meet
in the middle (:class:`Claims`).  On two cores the pass then costs the build
little or nothing.  The worker finds each article's file itself (the
NewsCode in its header); a folder's result from the worker is used only if
it read the file Pelican read for that NewsCode (or none, as Pelican), and
the build does again every folder it has no result for.  Both processes run
the same code with the same environment for the thread template
(:class:`render.ThreadTemplate`), so where a folder is done never changes
the site.

Each article's decisions, HTML and withheld texts (``withheld.py``) are kept between builds
(:class:`decisions.ThreadCache`): an article whose text, comment files,
rules, template and code are unchanged is neither parsed, moderated nor
rendered again.  The build writes the cache, once, from every folder's
result.
"""

import contextlib
import dataclasses
import fcntl
import functools
import logging
import os
import pickle
import struct
import subprocess
import sys
import tempfile
import weakref
from dataclasses import dataclass, field

from chapar import moderation
from chapar.comments import decisions, render, store, withheld
from chapar.news.index import NEWS_EXTENSIONS, NewsIndex
from chapar.news.item import read_source
from chapar.problems import Problem

logger = logging.getLogger(__name__)

ARTICLE_EXTENSIONS = NEWS_EXTENSIONS  # the persian reader's


@dataclass
class Job:
    """What the comment pass needs to know, picklable for the worker process.

    ``cache`` is the ThreadCache's ``(path, load, save)``; ``order`` the comment files as
    ``[(path, NewsCode or None)]``, listed once when the Job is made.
    """

    comments_root: str
    rules_path: str
    thread: dict  # render.thread_settings
    cache: tuple  # (path, load, save)
    order: list = None  # comment_files(comments_root), made once for both processes
    news_folders: list = field(default_factory=list)  # where the worker finds the articles
    claims: str = ""  # the worker's Claims file

    def __post_init__(self):
        if self.order is None:
            self.order = comment_files(self.comments_root)

    @functools.cached_property
    def folders(self):
        """:func:`store.folders_of` the order, made once in each process (it is not
        pickled: ``dataclasses.replace`` copies only the fields).
        """
        return store.folders_of(self.order)


@dataclass
class FolderResult:
    """The outcome of one comment folder (:meth:`Pass.folder`), in either process.

    ``source`` is the news file it was checked against; ``thread``, ``([page HTML], count,
    {Id: Decision}, [left out], {label: withheld text})``, is set only when the folder has
    no problem.
    """

    code: str
    source: str  # the article file it was read against, None for an unknown NewsCode
    file_problems: list  # (index of the file in the order, Problem)
    thread_problems: list
    key: str = None  # the cache key, when the article and the rules are known
    thread: tuple = None  # ([page HTML], count, {Id: Decision}, [left out], {label: text})
    reused: bool = False


@dataclass
class Result:
    """The whole pass: every problem, each article's ``([page HTML], count)`` by NewsCode, the
    number of comments per status, how many articles were moderated or reused, and the
    withheld texts of the whole site (``withheld.py``).
    """

    problems: list
    threads: dict  # {NewsCode: ([page HTML], count)} of every article with comments
    counts: dict  # {status: number of comments}
    moderated: int = 0  # articles moderated and rendered
    reused: int = 0  # articles taken from the cache
    withheld: dict = field(default_factory=dict)  # {label: text}


def comment_files(root):
    """``[(path, NewsCode or None)]``: store.comment_paths as a list."""
    return list(store.comment_paths(root)) if os.path.isdir(root) else []


def find_articles(folders):
    """``{NewsCode: path}`` of the news files under ``folders``, from
    chapar.news.index (what Pelican will read; the plugin checks that it did).
    """
    return NewsIndex.of(*folders).paths()


_READ = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)


def _read(path):
    """The file's bytes: os.read, half the CPU of open().read() on 50,000 files."""
    fd = os.open(path, _READ)
    try:
        data = os.read(fd, 1 << 16)
        if len(data) < 1 << 16:
            return data  # a regular file reads short only at its end
        chunks = [data]
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


class Pass:
    """What doing folders needs: the rules (None: a rules file with
    problems, so comments are only checked), the articles' files, the cache,
    the renderers.
    """

    def __init__(self, job, rules, articles, unreadable=()):
        self.rules = rules
        self.articles = {str(code): os.path.abspath(path) for code, path in articles.items()}
        # NewsCodes of news files the build could not read: it reports them;
        # their comments are checked, but not said to have no news item
        self.unreadable = frozenset(str(code) for code in unreadable)
        self.cache = decisions.ThreadCache(*job.cache)
        self.digest = (
            decisions.rules_digest(rules) + decisions.render_digest(job.thread)
            if rules is not None
            else ""
        )
        self.thread_conf = job.thread
        self.limit = job.thread["max_characters"]
        self._body = self._thread = None

    def folder(self, code, files):
        """The :class:`FolderResult` of one NewsCode's ``files``, ``(index, path)``."""
        data = [(path, _read(path)) for _, path in files]
        source, rules = self.articles.get(code), self.rules
        key = text = None
        if source is not None and rules is not None:
            text = read_source(source)
            key = decisions.article_key(self.digest, code, text, data)
            kept = self.cache.get(key)
            if kept is not None:  # read without a problem last time: the same bytes read the same
                return FolderResult(code, source, [], [], key, kept, reused=True)
        thread = store.read_thread(
            code, data, article=source is not None, orphans=code not in self.unreadable
        )
        file_problems = [(files[position][0], p) for position, p in thread.file_problems]
        thread_problems, comments = thread.thread_problems, thread.comments
        if file_problems or thread_problems or rules is None or source is None:
            return FolderResult(code, source, file_problems, thread_problems, key)
        if self._body is None:
            self._body, self._thread = (
                render.BodyRenderer(),
                render.ThreadTemplate(self.thread_conf),
            )
        decided = moderation.moderate_article(rules, comments, text, self.limit)
        # (path, line, message) of the comments over the limit: the build warns
        # of them, also when it takes them from a worker or the cache
        left_out = [
            (c.path, c.line("body"), "comment left out: " + decided[c.id].reason)
            for c in comments
            if decided[c.id].rule == moderation.LIMIT
        ]
        roots, count = render.build_threads(comments, decided, self._body)
        hidden = withheld.of_thread(comments, decided, text)
        return FolderResult(
            code, source, [], [], key, (self._thread(roots), count, decided, left_out, hidden)
        )


def assemble(job, results, cache, previous):
    """The :class:`Result` of every folder's result (``{NewsCode: FolderResult}``),
    the problems in the order store.read_all reports them; the cache saved
    when nothing stops the build, unless it holds just what it held
    (``previous`` entries, all reused).
    """
    file_problems = [
        (index, store.misplaced(path))
        for index, (path, code) in enumerate(job.order)
        if code is None
    ]
    thread_problems = []
    for code, _files in job.folders:
        file_problems += results[code].file_problems
        thread_problems += results[code].thread_problems
    file_problems.sort(key=lambda item: item[0])  # stable: a file's own problems keep their order
    result = Result(
        [p for _, p in file_problems] + thread_problems,
        {},
        {"published": 0, "held": 0, "rejected": 0},
    )
    if result.problems or any(r.thread is None for r in results.values()):
        return result  # the build stops (or the rules did): nothing to show or keep
    for code, folder in results.items():
        pages, count, decided, left_out, hidden = folder.thread
        result.threads[code] = (pages, count)
        result.withheld.update(hidden)
        for path, line, message in left_out:
            logger.warning("%s", Problem(path, line, message))
        for decision in decided.values():
            result.counts[decision.status] += 1
        if folder.reused:
            result.reused += 1
        else:
            result.moderated += 1
        cache.put(folder.key, pages, count, decided, left_out, hidden)
    if not result.reused == len(results) == previous:
        cache.write()
    return result


def run(job, rules, articles, unreadable=()):
    """The whole pass in this process (see :class:`Pass` for the arguments)."""
    work = Pass(job, rules, articles, unreadable)
    results = {code: work.folder(code, files) for code, files in job.folders}
    return assemble(job, results, work.cache, len(work.cache.previous))


# --- sharing the folders with a worker process ---------------------------------------


class Claims:
    """Who does which folder: a file of two numbers under a lock, ``front``
    (the worker has taken the folders before it) and ``back`` (the build
    has taken the folders from it on).
    """

    FORMAT = struct.Struct("<qq")

    def __init__(self, path, folders=None):
        self.path = path
        self.fd = os.open(path, os.O_RDWR | getattr(os, "O_CLOEXEC", 0))
        if folders is not None:
            os.pwrite(self.fd, self.FORMAT.pack(0, folders), 0)

    def _take(self, worker):
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            front, back = self.FORMAT.unpack(os.pread(self.fd, self.FORMAT.size, 0))
            if front >= back:
                return None
            taken = front if worker else back - 1
            os.pwrite(self.fd, self.FORMAT.pack(front + worker, back - (not worker)), 0)
            return taken
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def take_front(self):
        """The next folder for the worker, or None when all are taken."""
        return self._take(True)

    def take_back(self):
        """The next folder for the build, or None when all are taken."""
        return self._take(False)

    def close(self):
        """Close the claims file's descriptor (the file itself stays)."""
        os.close(self.fd)


def worker_main():
    """In the worker: a pickled Job on stdin; on stdout the pickled
    ``{NewsCode: FolderResult}`` of the folders it took and the number of
    entries its cache file held.
    """
    out, sys.stdout = sys.stdout.buffer, sys.stderr  # a stray print cannot spoil the result
    job = pickle.load(sys.stdin.buffer)
    try:
        rules = moderation.load_rules(job.rules_path)
    except moderation.RulesError:
        rules = None  # the build reports it; the comments are still checked
    work = Pass(job, rules, find_articles(job.news_folders))
    folders, claims, results = job.folders, Claims(job.claims), {}
    while (taken := claims.take_front()) is not None:
        code, files = folders[taken]
        results[code] = work.folder(code, files)
    pickle.dump((results, len(work.cache.previous)), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


_MAIN = "from chapar.comments.sitepass import worker_main; worker_main()"


def _unlink(path):
    with contextlib.suppress(OSError):
        os.unlink(path)


class Worker:
    """Folders done in a separate Python process, started at once; the build
    shares the rest with it in :meth:`finish`.  Output goes to an unnamed
    temporary file, so the worker never blocks on a reader that has gone
    away.
    """

    def __init__(self, job):
        """Raises if ``job`` cannot be pickled or no process can be started."""
        self.folders = job.folders
        handle, claims = tempfile.mkstemp(prefix="chapar-comments-", suffix=".claims")
        os.close(handle)
        # removed once the worker is done, or when the build ends without asking
        self._remove = weakref.finalize(self, _unlink, claims)
        self.claims = None
        try:
            data = pickle.dumps(
                dataclasses.replace(job, claims=claims), protocol=pickle.HIGHEST_PROTOCOL
            )
            self.claims = Claims(claims, len(self.folders))
            # closed by the worker when the child has exited
            self.out = tempfile.TemporaryFile()  # noqa: SIM115
            self.err = tempfile.TemporaryFile()  # noqa: SIM115
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _MAIN],
                stdin=subprocess.PIPE,
                stdout=self.out,
                stderr=self.err,
            )
        except BaseException:
            if self.claims is not None:
                self.claims.close()
            self._remove()
            raise
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.close()
        except OSError:
            pass  # it died at once: finish() says why

    def finish(self, work):
        """Take folders from the back with ``work`` (a :class:`Pass`) until
        none is left, then collect the worker's: ``(results, built,
        previous, why)`` — every folder's :class:`FolderResult` that came
        back, how many the build did, how many entries the worker's cache
        file held, and why the worker gave nothing (None when it did).
        """
        folders, results = self.folders, {}
        try:
            while (taken := self.claims.take_back()) is not None:
                code, files = folders[taken]
                results[code] = work.folder(code, files)
        finally:
            self.claims.close()
        built = len(results)
        theirs, previous, why = self._collect()
        self._remove()
        for code, folder in theirs.items():
            results.setdefault(code, folder)
        return results, built, previous, why

    def _collect(self):
        try:
            status = self.proc.wait()
            if status != 0:
                self.err.seek(0)
                lines = self.err.read().decode("utf-8", "replace").strip().splitlines()
                return {}, 0, f"exit status {status}: {lines[-1] if lines else ''}"
            self.out.seek(0)
            results, previous = pickle.load(self.out)
            return results, previous, None
        except (
            OSError,
            EOFError,
            ValueError,
            pickle.UnpicklingError,
            AttributeError,
            ImportError,
        ) as exc:
            return {}, 0, repr(exc)
        finally:
            self.out.close()
            self.err.close()
