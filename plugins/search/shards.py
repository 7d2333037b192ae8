"""Pagefind indexes in shards: one per Jalali year of news, one for other pages.

A site's search index is split so that

* shards are indexed at the same time, one ``pagefind`` process per core
  (the indexer keeps about one core busy), the news as soon as the article
  pages are written, while Python renders the rest of the site;
* a rebuild re-indexes only the shards whose pages changed: each shard's
  index is kept in ``CACHE_PATH/search/<shard>-<digest of its input>/`` and
  linked into the output when the same input comes again.  Entries no
  longer used are removed, so the cache holds one build's shards;
* the search page can show results newest first by asking the news shards
  newest year first (every shard is sorted by date, and the years do not
  overlap), then the other pages.
"""

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

logger = logging.getLogger(__name__)

FORMAT = "1"  # bump when what goes into a shard's input changes


def pagefind_version():
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pagefind")
    except PackageNotFoundError:
        return "unknown"


def run_pagefind(site, target, config):
    """Index the folder ``site`` into ``target`` with the pagefind binary."""
    run = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", site, "--output-path", target,
         "--force-language", config["language"], "--root-selector", config["root_selector"],
         "--exclude-selectors", config["exclude_selectors"], "--silent"],
        capture_output=True, text=True,
    )
    if run.returncode != 0:
        raise RuntimeError((run.stderr or run.stdout).strip()[-2000:])


def link_tree(source, target):
    """``target`` as a copy of ``source``, hard-linked where the file system
    allows (neither side is ever written in place)."""

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


class Shard:
    def __init__(self, name):
        self.name = name
        self.pages = []  # (path in the output, html, meta, sort)

    def digest(self, config):
        h = hashlib.sha256()
        h.update(json.dumps([FORMAT, pagefind_version(), config], sort_keys=True).encode())
        for rel, html, meta, sort in sorted(self.pages, key=lambda page: page[0]):
            h.update(json.dumps([rel, meta, sort], sort_keys=True, ensure_ascii=False).encode())
            h.update(hashlib.sha256(html.encode("utf-8", "surrogatepass")).digest())
        return h.hexdigest()[:20]


class ShardIndexer:
    """Indexes shards into ``output_root`` (one folder each), reusing the cache.

    :meth:`submit` starts shards (more may follow, e.g. the news as soon as
    the article pages are written); :meth:`wait` waits for all of them."""

    def __init__(self, output_root, cache_root, config, load=True, save=True, prepare=None,
                 clean=None):
        self.output_root, self.cache_root, self.config = output_root, cache_root, config
        self.load, self.save = load, save
        self.prepare = prepare  # prepare(html, meta, sort) -> the page Pagefind reads
        self.clean = clean  # clean(folder): tidy a fresh index before it is kept
        self.indexed, self.reused = [], []
        shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        self._scratch = tempfile.TemporaryDirectory(prefix="chapar-search-", dir=shm)
        self._pool = ThreadPoolExecutor(max(1, os.cpu_count() or 1))
        self._jobs = []

    def submit(self, shards):
        for shard in shards:
            key = f"{shard.name}-{shard.digest(self.config)}"
            cached = os.path.join(self.cache_root, key)
            if self.load and os.path.isdir(cached):
                link_tree(cached, os.path.join(self.output_root, shard.name))
                self.reused.append(key)
            else:
                self._jobs.append(self._pool.submit(self._index, shard, key))

    def wait(self):
        """Wait for every shard; raises the first shard's error."""
        try:
            for job in self._jobs:
                self.indexed.append(job.result())
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._scratch.cleanup()
        if self.save:
            self._forget_all_but(set(self.indexed + self.reused))

    def _index(self, shard, key):
        source = os.path.join(self._scratch.name, shard.name)
        for rel, html, meta, sort in shard.pages:
            copy = os.path.join(source, rel)
            os.makedirs(os.path.dirname(copy), exist_ok=True)
            with open(copy, "w", encoding="utf-8") as handle:
                handle.write(self.prepare(html, meta, sort))
        target = os.path.join(self.output_root, shard.name)
        if not self.save:
            run_pagefind(source, target, self.config)
            self.clean(target)
            return key
        os.makedirs(self.cache_root, exist_ok=True)
        fresh = tempfile.mkdtemp(prefix=f".{key}-", dir=self.cache_root)
        try:
            shutil.rmtree(fresh)
            run_pagefind(source, fresh, self.config)
            self.clean(fresh)
            final = os.path.join(self.cache_root, key)
            if not os.path.isdir(final):
                os.rename(fresh, final)
            link_tree(final, target)
        finally:
            shutil.rmtree(fresh, ignore_errors=True)
        return key

    def _forget_all_but(self, keep):
        if not os.path.isdir(self.cache_root):
            return
        for name in os.listdir(self.cache_root):
            if name not in keep:
                shutil.rmtree(os.path.join(self.cache_root, name), ignore_errors=True)
