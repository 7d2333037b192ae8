"""Pagefind indexes in shards: one per Jalali year of news, others for other pages.

A site's search index is split so that

* shards are indexed while Python renders the rest of the site: each shard
  is one child process (``job.py``: it reads, folds and hashes the shard's
  pages, then runs ``pagefind``), so the build's own thread only hands out
  lists of pages.  While the site is still being rendered, one core is left
  to the build (``os.cpu_count() - 1`` shards at a time, Pagefind on one
  thread each, a little nicer than the build); once every page is written,
  every core indexes;
* a rebuild re-indexes only the shards whose pages changed: each shard's
  index is kept in ``CACHE_PATH/search/<shard>-<digest of its copies>/`` and
  linked into the output when the same copies come again.  Entries the build
  did not use are removed, so the cache holds one build's shards.  The digest
  of a page's copy is kept too (``CACHE_PATH/search-copies/<shard>.json``):
  a page whose page-cache key is unchanged is not read again (``job.Copies``);
* the search page merges the shards into one Pagefind instance and asks them
  newest year first (every news shard is sorted by date, and the years do not
  overlap), then the other pages.
"""

import atexit
import contextlib
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

from chapar.search import normalize

logger = logging.getLogger(__name__)

JOB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "job.py")
BACKGROUND_NICE = 5  # while the build renders, its own thread comes first
_LIVE = set()  # indexers of builds still running, stopped if a build dies


def pagefind_command():
    """How to run the pagefind binary (from ``pagefind[bin]``)."""
    try:
        from pagefind_bin import get_executable

        return [str(get_executable())]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "pagefind"]


def pagefind_version():
    """The installed ``pagefind`` package's version, or ``"unknown"``; part of each shard's key."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


class Shard:
    """One Pagefind index of the search: its ``pages`` as ``(output path, meta, sort)``.

    Shards of one ``group`` are searched as one; ``year`` is the Jalali year of all its
    pages (news shards); ``exclude`` adds selectors left out of its pages.
    """

    def __init__(self, name, group=None, year="", exclude=""):
        self.name = name
        self.exclude = exclude  # selectors left out of this shard's pages besides the site's
        self.group = group or name  # shards of one group are searched as one
        self.year = year  # the Jalali year of all its pages, if they have one
        self.pages = []  # (path in the output, meta, sort)
        self.keys = []  # each page's key in the page cache when submitted, or None


class ShardIndexer:
    """Indexes shards into ``output_root/<shard>/``, reusing the cache.

    :meth:`submit` starts shards in the background (more may follow);
    :meth:`finish` gives indexing every core and waits for all of them.
    """

    def __init__(
        self,
        site_root,
        output_root,
        cache_root,
        args,
        load=True,
        save=True,
        unused=(),
        page_key=None,
    ):
        self.site_root, self.output_root = site_root, output_root
        self.cache_root = cache_root if (load or save) else None
        self.load, self.save = load, save
        # This build's page-cache key of an output path, or None (see job.Copies).
        self.page_key = page_key or (lambda rel: None)
        self.common = {
            "source": site_root,
            "args": args,
            "version": pagefind_version(),
            "pagefind": pagefind_command(),
            "unused": list(unused),
            "fold": [normalize.PAGE_CHANGES.pattern, normalize.PAGE_FOLDS],
            "cache": self.cache_root,
            "load": load,
            "save": save,
        }
        self.indexed, self.reused, self.errors = [], [], []
        self.timings = {}  # shard: what its job reported
        cores = os.cpu_count() or 1
        self._final = self._closed = False
        self._slots = threading.Semaphore(max(1, cores - 1))
        # While the site is rendered, a shard (Pagefind's own threads
        # included) keeps to the CPUs the build's thread leaves.
        self._background_cpus = _background_cpus()
        self._extra_slots = cores - max(1, cores - 1)
        self._lock = threading.Lock()
        self._threads, self._processes = [], set()
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        self._scratch = tempfile.mkdtemp(prefix="chapar-search-", dir=shm)
        _LIVE.add(self)

    def submit(self, shards):
        """Start indexing each of ``shards`` in a thread of its own; returns at once.

        Each runs ``job.py`` in a child process as soon as a slot is free (one core is left to
        the build until :meth:`finish`).
        """
        for shard in shards:
            # Every page of a submitted shard is written: its key is known.
            shard.keys = [self.page_key(rel) for rel, _meta, _sort in shard.pages]
            thread = threading.Thread(
                target=self._run, args=(shard,), daemon=True, name=f"search-{shard.name}"
            )
            self._threads.append(thread)
            thread.start()

    def finish(self):
        """Wait for every shard; raises RuntimeError naming the shards that failed."""
        with self._lock:
            self._final = True
        for _ in range(self._extra_slots):
            self._slots.release()
        try:
            for thread in self._threads:
                thread.join()
        finally:
            self.close()
        if self.errors:
            raise RuntimeError("; ".join(sorted(self.errors)))
        if self.save and self.cache_root:
            _forget_all_but(self.cache_root, set(self.indexed + self.reused))
            # and the copies' digests of shards this build did not have
            _forget_all_but(f"{self.cache_root}-copies", {f"{n}.json" for n in self.timings})

    def close(self):
        """Stop whatever still runs (a build that died), Pagefind included,
        and remove the scratch folder: once this returns nothing writes into
        the output any more.
        """
        with self._lock:
            self._final = self._closed = True
            processes = list(self._processes)
            for process in processes:  # the job and its pagefind: one process group
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, signal.SIGKILL)
        for process in processes:
            with contextlib.suppress(OSError, subprocess.SubprocessError):
                process.wait()
        shutil.rmtree(self._scratch, ignore_errors=True)
        _LIVE.discard(self)

    def _run(self, shard):
        with self._slots:
            with self._lock:
                if self._closed:
                    return
                final = self._final
                args = list(self.common["args"])
                if shard.exclude:
                    at = args.index("--exclude-selectors") + 1
                    args[at] = f"{args[at]}, {shard.exclude}"
                job = {
                    **self.common,
                    "name": shard.name,
                    "pages": [
                        (*page, key) for page, key in zip(shard.pages, shard.keys, strict=True)
                    ],
                    "copies": self._copies(shard.name),
                    "args": args,
                    "work": os.path.join(self._scratch, shard.name),
                    "target": os.path.join(self.output_root, shard.name),
                    # While the site is rendered: one Pagefind thread beside the
                    # build's, a little nicer; at the end, as many as it likes.
                    "threads": None if final else 1,
                    "nice": 0 if final else BACKGROUND_NICE,
                    "cpus": None if final else self._background_cpus,
                }
                process = subprocess.Popen(
                    [sys.executable, JOB],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                    start_new_session=True,  # close() stops it and its pagefind together
                )
                self._processes.add(process)
            out, err = process.communicate(json.dumps(job, ensure_ascii=False))
            with self._lock:
                self._processes.discard(process)
                if process.returncode != 0:
                    self.errors.append(f"{shard.name}: {err.strip()[-2000:] or process.returncode}")
                    return
                result = json.loads(out)
                (self.reused if result["reused"] else self.indexed).append(result["key"])
                self.timings[shard.name] = result
            logger.debug("search: shard %s (%d pages): %s", shard.name, len(shard.pages), result)

    def _copies(self, name):
        """Where the digests of shard ``name``'s copies are kept (job.Copies), or None."""
        if self.cache_root is None:
            return None
        return os.path.join(f"{self.cache_root}-copies", f"{name}.json")


def _forget_all_but(folder, keep):
    """Remove every entry of ``folder`` (folders and files) whose name is not in ``keep``."""
    if not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name in keep:
            continue
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.remove(path)


def _background_cpus():
    """All CPUs this process may use but one, or None (one CPU; no affinity API)."""
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    return allowed[1:] if len(allowed) > 1 else None


def stop_all():
    """Stop the indexers of builds that died before waiting for them."""
    for indexer in list(_LIVE):
        indexer.close()


atexit.register(stop_all)
