"""The build's comment pass: read, check, moderate and render every thread.

:func:`run` does it all from plain values (a :class:`Job`), so that a large
site can have it done by a worker process (:class:`Worker`) while Pelican
reads the news: on two cores the pass then costs the build next to nothing.
The worker finds each article's file itself (the NewsCode in its header);
the plugin takes its result only if every comment folder maps to the file
Pelican read for that NewsCode (or to none, for both), and otherwise runs
:func:`run` again in the build with Pelican's articles.  Both give the same
result: one function, one environment for the thread template
(:class:`render.ThreadTemplate`).

Each article's decisions and HTML are kept between builds
(:class:`decisions.ThreadCache`): an article whose text, comment files,
rules, template and code are unchanged is neither parsed, moderated nor
rendered again.
"""

import os
import pickle
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

from persian.problems import ContentError, Problem
from persian.reader import header_values, parse_news_code, read_source

from . import decisions, moderation, render, store

ARTICLE_EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")  # the persian reader's


@dataclass
class Job:
    comments_root: str
    rules_path: str
    thread: dict  # render.thread_settings
    cache: tuple  # (path, load, save)
    articles: dict = None  # {NewsCode: source path}; None: found in news_folders
    news_folders: list = field(default_factory=list)


@dataclass
class Result:
    problems: list
    threads: dict  # {NewsCode: (html, count)} of every article with comments
    counts: dict  # {status: number of comments}
    moderated: int = 0  # articles moderated and rendered
    reused: int = 0  # articles taken from the cache
    used: dict = field(default_factory=dict)  # {folder NewsCode: source path or None}


def find_articles(folders):
    """``{NewsCode: path}`` of the news files under ``folders``, from their
    headers (what Pelican will read; the plugin checks that it did)."""
    found = {}
    for folder in folders:
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=True):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.endswith(ARTICLE_EXTENSIONS):
                    continue
                path = os.path.join(dirpath, name)
                try:
                    code = header_values(read_source(path)).get("newscode")
                    found.setdefault(str(parse_news_code(code)), path)
                except (ContentError, ValueError, OSError):
                    continue  # the build reports it
    return found


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


def _decode(path, data):
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return read_source(path)  # raises ContentError naming the line


def run(job, rules=None):
    """The pass over every comment file (``rules``: already loaded, or None
    to load ``job.rules_path``; a rules file with problems moderates nothing)."""
    if rules is None:
        try:
            rules = moderation.load_rules(job.rules_path)
        except moderation.RulesError:
            rules = None
    articles = job.articles if job.articles is not None else find_articles(job.news_folders)
    articles = {str(code): os.path.abspath(path) for code, path in articles.items()}
    used, folders, order = {}, {}, []
    paths = store.comment_paths(job.comments_root) if os.path.isdir(job.comments_root) else ()
    for path, code in paths:
        data = None
        if code is not None:
            used[code] = articles.get(code)
            data = _read(path)
            folders.setdefault(code, []).append((path, data))
        order.append((path, code, data))
    cache = decisions.ThreadCache(*job.cache)
    digest = (decisions.rules_digest(rules) + decisions.render_digest(job.thread)
              if rules is not None else "")
    texts, keys = {}, {}
    for code, files in folders.items():
        if code in articles and rules is not None:
            texts[code] = read_source(articles[code])
            keys[code] = decisions.article_key(digest, code, texts[code], files)
    kept = {code: cache.get(key) for code, key in keys.items()}
    problems, by_code = [], {}
    for path, code, data in order:  # the problems in file order, as store.read_all
        if code is None:
            problems.append(Problem(path, 1, "a comment file belongs in "
                                    "content/comments/<NewsCode>/"))
            continue
        if kept.get(code) is not None:
            continue  # read without a problem last time: the same bytes read the same
        try:
            comment, found = store.parse_comment(_decode(path, data), path, code)
        except ContentError as exc:
            comment, found = None, exc.problems
        problems += found
        if code not in articles:
            problems.append(Problem(path, 1, f"no news item has NewsCode {code!r} "
                                    "(the folder name must be the article's NewsCode)"))
            continue
        if comment is not None:
            by_code.setdefault(code, []).append(comment)
    for comments in by_code.values():
        problems += store.check_thread(comments)
    result = Result(problems, {}, {"published": 0, "held": 0, "rejected": 0}, used=used)
    if problems or rules is None:
        return result  # the build stops: nothing to moderate or keep
    body, thread = render.BodyRenderer(), render.ThreadTemplate(job.thread)
    for code in folders:
        if kept.get(code) is not None:
            html, count, decided = kept[code]
        else:
            decided = moderation.moderate_article(rules, by_code[code], texts[code])
            roots, count = render.build_threads(by_code[code], decided, body)
            html = thread(roots)
            cache.put(keys[code], html, count, decided)
            result.moderated += 1
        result.threads[code] = (html, count)
        for decision in decided.values():
            result.counts[decision.status] += 1
    result.reused = cache.reused
    cache.write()
    return result


# --- the worker process ------------------------------------------------------------

_PLUGINS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_MAIN = ("import sys; sys.path.insert(0, {!r}); "
         "from comments.sitepass import worker_main; worker_main()")


def worker_main():
    """In the worker: a pickled Job on stdin, the pickled Result on stdout."""
    out, sys.stdout = sys.stdout.buffer, sys.stderr  # a stray print cannot spoil the result
    result = run(pickle.load(sys.stdin.buffer))
    pickle.dump(result, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


class Worker:
    """:func:`run` in a separate Python process, started at once; its result
    is read by :meth:`result`.  Output goes to an unnamed temporary file, so
    the worker never blocks on a reader that has gone away."""

    def __init__(self, job):
        """Raises if ``job`` cannot be pickled or no process can be started."""
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _MAIN.format(_PLUGINS)],
            stdin=subprocess.PIPE, stdout=self.out, stderr=self.err)
        try:
            self.proc.stdin.write(data)
            self.proc.stdin.close()
        except OSError:
            pass  # it died at once: result() says why

    def result(self):
        """``(Result, None)``, or ``(None, why)`` when the worker failed."""
        try:
            code = self.proc.wait()
            if code != 0:
                self.err.seek(0)
                lines = self.err.read().decode("utf-8", "replace").strip().splitlines()
                return None, f"exit status {code}: {lines[-1] if lines else ''}"
            self.out.seek(0)
            return pickle.load(self.out), None
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError) as exc:
            return None, repr(exc)
        finally:
            self.out.close()
            self.err.close()
