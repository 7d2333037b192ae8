"""One shard's indexing, in a process of its own: ``python job.py < job.json``.

The build hands each shard to a child process (``shards.ShardIndexer``) so
that reading, folding and hashing its pages and running Pagefind never hold
the build's own Python thread, which goes on rendering the site meanwhile.
The child:

1. reads each page from the output folder and writes the copy Pagefind
   indexes (:meth:`Copier.copy`) into a scratch folder, hashing the copies,
   except the pages the page cache says are unchanged since the last build:
   the digests of their copies are the last build's (:class:`Copies`);
2. if the cache holds an index of the same copies (same hash of the copies,
   Pagefind version and options), links it into the output: nothing to index;
3. else writes the copies it skipped, runs Pagefind on them, drops the
   bundles the site does not use, keeps the result in the cache (when
   caching) and links it into the output.

It prints ``{"key": ..., "reused": true|false}``; on failure it exits non-zero
with the reason on stderr.  This file imports nothing from the project (the
build passes it the folding table), so a child starts in milliseconds.
"""

import fnmatch
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from html import escape

from chapar.html import VOID_ELEMENTS

FORMAT = "3"  # bump when what goes into a shard's copies changes
# The article footer holds its tags, which are searched: Pagefind leaves
# every <footer> out, so the copy calls it a <div>.
_FOOTER = re.compile(r"<(/?)footer\b")
_TAG_NAME = re.compile(r"<([a-zA-Z][\w-]*)")
# A simple selector: a tag, and/or one #id, .class or [attribute] / [attribute="value"].
_SIMPLE = re.compile(r'([a-zA-Z][\w-]*)?(?:#([\w-]+)|\.([\w-]+)|\[([\w-]+)(?:="?([^"\]]*)"?)?\])?')


def _simple(selector):
    """``(tag, attribute pattern)`` of a simple selector (either may be None),
    or None if the selector is not simple (Pagefind alone applies it).
    """
    match = _SIMPLE.fullmatch(selector.strip())
    if not match or not any(match.groups()):
        return None
    tag, id_, cls, attr, value = match.groups()
    if id_:
        return tag, f'id="{re.escape(id_)}"'
    if cls:
        return tag, f'class="(?:[^"]*\\s)?{re.escape(cls)}(?:\\s[^"]*)?"'
    if attr:
        return tag, re.escape(attr) + (
            f'="{re.escape(value)}"' if value is not None else r"(?=[\s=/>])"
        )
    return tag, None


class Copier:
    """``copy(html, meta, sort)``: the copy of a page that Pagefind indexes.

    Its ``<main>`` only, without what Pagefind would leave out anyway (the
    elements of the simple selectors among ``exclude_selectors``, and
    ``data-pagefind-ignore="all"``; Pagefind still applies every selector),
    folded for search (``fold``: search.normalize.fold_page, rebuilt from its
    table), with the Pagefind metadata tags first inside it (Pagefind reads
    only inside its root selector).  What is left out never reaches the
    shard's digest either: a new comment or a new related article does not
    make a shard indexed again.
    """

    def __init__(self, exclude_selectors, changes, table):
        simple = [_simple(s) for s in exclude_selectors.split(",") if s.strip()]
        simple = [s for s in simple if s] + [_simple("[data-pagefind-ignore]")]
        # Found by a tag name, or by an attribute (then checked: inside a tag,
        # after a space, the tag's name if the selector has one).
        names = sorted({tag.lower() for tag, attribute in simple if not attribute})
        self.by_attribute = [
            (tag and tag.lower(), re.compile(attribute)) for tag, attribute in simple if attribute
        ]
        self.excluded = re.compile(
            "|".join(
                ([rf"<(?:{'|'.join(map(re.escape, names))})(?=[\s/>])"] if names else [])
                + [f"(?:{attribute})" for _, attribute in simple if attribute]
            )
        )
        # Element ids become Pagefind "anchors" (sub-results the search page
        # does not show): left out, a fragment is smaller.  Ids that a selector
        # left to Pagefind names stay.
        kept = re.findall(r"#([\w-]+)", exclude_selectors)
        self.ids = re.compile(
            r'\sid="(?!(?:{})")[^"]*"'.format("|".join(map(re.escape, kept)) or "(?!)")
        )
        self.changes, self.table = re.compile(changes), table

    def fold(self, text):
        """``text`` folded for search: each ``changes`` match replaced by its ``table`` value.

        A match the table does not have is removed.
        """
        return self.changes.sub(lambda m: self.table.get(m[0], ""), text)

    def _element_start(self, html, match):
        """Where the excluded element found by ``match`` starts, or None."""
        if html[match.start()] == "<":
            return match.start()
        start = html.rfind("<", 0, match.start())
        if start < 0 or ">" in html[start : match.start()] or not html[match.start() - 1].isspace():
            return None
        name = _TAG_NAME.match(html, start)
        if name is None:
            return None
        for tag, attribute in self.by_attribute:
            if attribute.match(html, match.start()) and tag in (None, name[1].lower()):
                return start
        return None

    def strip(self, html):
        """``html`` without the excluded elements (left as they are if unbalanced)."""
        kept, pos = [], 0
        while True:
            match = self.excluded.search(html, pos)
            if match is None:
                break
            start = self._element_start(html, match)
            if start is None or start < pos:
                kept.append(html[pos : match.end()])
                pos = match.end()
                continue
            name = _TAG_NAME.match(html, start)[1].lower()
            close = html.find(">", start)
            end = close + 1
            if name not in VOID_ELEMENTS and html[close - 1] != "/":
                tags = re.compile(rf"<(/?){re.escape(name)}(?=[\s/>])[^>]*>")
                depth = 1
                for tag in tags.finditer(html, end):
                    depth += -1 if tag[1] else 1
                    if depth == 0:
                        end = tag.end()
                        break
                else:  # unbalanced: left to Pagefind
                    kept.append(html[pos : match.end()])
                    pos = match.end()
                    continue
            kept.append(html[pos:start])
            pos = end
        kept.append(html[pos:])
        return "".join(kept)

    def copy(self, html, meta, sort):
        """The page Pagefind indexes for ``html``: its ``<main>``, stripped and folded.

        ``meta`` and ``sort`` (``{name: value}``) become ``data-pagefind-meta`` and
        ``data-pagefind-sort`` tags at the top of ``<main>``; element ids are dropped (those the
        exclude selectors name stay) and ``<footer>`` becomes ``<div>``, so its tags are searched.
        """
        tags = "".join(
            f'<meta data-pagefind-meta="{key}[content]" content="{escape(value)}">'
            for key, value in sorted(meta.items())
        ) + "".join(
            f'<meta data-pagefind-sort="{key}[content]" content="{escape(value)}">'
            for key, value in sorted(sort.items())
        )
        start, end = html.find("<main"), html.rfind("</main>")
        if start >= 0 and end > start:
            html = html[html.find(">", start) + 1 : end]
        body = self.ids.sub("", _FOOTER.sub(r"<\1div", self.strip(html)))
        return (
            '<!doctype html><html lang="fa"><head><meta charset="utf-8"></head><body><main>'
            + tags
            + self.fold(body)
            + "</main></body></html>"
        )


def write_copy(site, rel, copy):
    """Write ``copy`` (bytes) as the page ``rel`` of the scratch folder ``site``."""
    path = os.path.join(site, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as handle:
        handle.write(copy)


def make_copy(copier, source, rel, meta, sort):
    """The copy (UTF-8 bytes) of the page ``rel`` of the output folder ``source``."""
    with open(os.path.join(source, rel), encoding="utf-8") as handle:
        return copier.copy(handle.read(), meta, sort).encode("utf-8", "surrogatepass")


class Copies:
    """The digests of the shard's copies in the last build, by page (``job["copies"]``,
    a JSON file): a page whose key is the same as then holds the same bytes (the
    page cache's rule, plugins/chapar_page_cache), so with the same metadata its copy
    is the same, and the shard's digest is found without reading or folding it.

    The file is valid for one way of copying (this module's FORMAT, the Pagefind
    version, its options and the folding table); a page without a key (the page
    cache is off, or cannot key it) is read every time.  Read when the job loads
    the cache, written when it saves it.
    """

    def __init__(self, job):
        self.path = job.get("copies")
        self.setup = hashlib.sha256(
            json.dumps([FORMAT, job["version"], job["args"], job["fold"]], sort_keys=True).encode()
        ).hexdigest()
        self.save_on = bool(self.path) and job.get("save", False)
        self.last, self.now = {}, {}
        if self.path and job["load"]:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    kept = json.load(handle)
            except (OSError, ValueError):
                kept = {}
            if isinstance(kept, dict) and kept.get("setup") == self.setup:
                self.last = kept.get("pages", {})

    def known(self, rel, page_key, meta, sort):
        """The digest of the copy of ``rel`` when its key and metadata are those
        of the last build, else None.
        """
        entry = self.last.get(rel)
        stamp = [page_key, meta, sort]
        if page_key is None or not entry or entry[0] != stamp:
            return None
        self.now[rel] = entry
        return entry[1]

    def learn(self, rel, page_key, meta, sort, copy):
        """Remember the digest of ``copy``, just made (bytes); returns it (hex)."""
        copy_digest = hashlib.sha256(copy).hexdigest()
        if page_key is not None:
            self.now[rel] = [[page_key, meta, sort], copy_digest]
        return copy_digest

    def save(self):
        """Write this build's digests (the pages of the shard now, only) in place of the last's."""
        if not self.save_on:
            return
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        partial = f"{self.path}.{os.getpid()}.partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump({"setup": self.setup, "pages": self.now}, handle, ensure_ascii=False)
        os.replace(partial, self.path)


def link_tree(source, target):
    """``target`` as a copy of ``source``, hard-linked where the file system
    allows (neither side is ever written in place).
    """

    def link(src, dst):
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=link)


def run(job):
    """Index one shard: the job's dict (from :class:`~chapar.search.shards.ShardIndexer`).

    Finds the digest of the shard's copies (making only those of pages that changed,
    :class:`Copies`), then links a cached index of the same copies into
    ``job["target"]`` or writes every copy and runs Pagefind (caching its index when
    ``job["cache"]`` is set).  Returns ``{"key", "reused", "copy_seconds", "copied"}``
    (``copied``: the pages read and copied) and, when Pagefind ran,
    ``"pagefind_seconds"``; raises ``RuntimeError`` with Pagefind's error output when it fails.
    """
    started = time.perf_counter()
    args = job["args"]
    copier = Copier(args[args.index("--exclude-selectors") + 1], *job["fold"])
    site = os.path.join(job["work"], "site")
    digest = hashlib.sha256(
        json.dumps([FORMAT, job["version"], job["args"]], sort_keys=True).encode()
    )
    copies = Copies(job)
    pages = sorted(job["pages"], key=lambda page: page[0])
    # Pagefind's index depends on the order its files were made in: a clean build makes
    # every copy in path order.  Copies are written as they are made until a page is
    # skipped (so a first build holds none in memory); after that they are kept, and
    # written in path order only if Pagefind runs.
    made = {}  # path -> the copy, or None once written
    in_order = True  # no page skipped yet: the files written are the first, in order
    for rel, meta, sort, page_key in pages:
        copy_digest = copies.known(rel, page_key, meta, sort)
        if copy_digest is not None:
            in_order = False
        else:
            copy = make_copy(copier, job["source"], rel, meta, sort)
            copy_digest = copies.learn(rel, page_key, meta, sort, copy)
            if in_order:
                write_copy(site, rel, copy)
            made[rel] = None if in_order else copy
        digest.update(rel.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(bytes.fromhex(copy_digest))
    key = f"{job['name']}-{digest.hexdigest()[:20]}"
    target = job["target"]
    cache = job["cache"]
    cached = os.path.join(cache, key) if cache else None
    if cached and job["load"] and os.path.isdir(cached):
        copies.save()
        link_tree(cached, target)
        return {
            "key": key,
            "reused": True,
            "copy_seconds": time.perf_counter() - started,
            "copied": len(made),
        }
    for rel, meta, sort, _ in pages:  # Pagefind reads every page of the shard
        if rel in made and made[rel] is None:
            continue  # written above, in order
        copy = made.pop(rel, None) or make_copy(copier, job["source"], rel, meta, sort)
        write_copy(site, rel, copy)
    copies.save()
    copied = time.perf_counter() - started

    fresh = target
    if cached:
        os.makedirs(cache, exist_ok=True)
        fresh = tempfile.mkdtemp(prefix=f".{key}-", dir=cache)
        os.rmdir(fresh)
    try:
        env = dict(os.environ)
        if job.get("threads"):
            env["RAYON_NUM_THREADS"] = str(job["threads"])
        result = subprocess.run(
            [*job["pagefind"], "--site", site, "--output-path", fresh, *job["args"], "--silent"],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(
                (result.stderr or result.stdout).strip()[-2000:]
                or f"pagefind exited with {result.returncode}"
            )
        for name in sorted(os.listdir(fresh)):
            if any(fnmatch.fnmatch(name, pattern) for pattern in job["unused"]):
                os.remove(os.path.join(fresh, name))
        if cached:
            try:
                os.rename(fresh, cached)
            except OSError:  # another build stored the same index meanwhile
                if not os.path.isdir(cached):
                    raise
            link_tree(cached, target)
    finally:
        if cached:
            shutil.rmtree(fresh, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
    return {
        "key": key,
        "reused": False,
        "copy_seconds": copied,
        "copied": len(pages),
        "pagefind_seconds": time.perf_counter() - started - copied,
    }


def main():
    """The child's entry point: the job as JSON on stdin, :func:`run`'s result as JSON on stdout.

    Applies the job's ``nice`` and ``cpus`` first (Pagefind inherits them); on any error
    prints it to stderr and exits with status 1.
    """
    job = json.load(sys.stdin)
    if job.get("nice"):
        os.nice(job["nice"])
    if job.get("cpus") and hasattr(os, "sched_setaffinity"):
        try:  # pagefind inherits it  # noqa: SIM105 (the comment on the pass says why)
            os.sched_setaffinity(0, job["cpus"])
        except OSError:
            pass
    try:
        print(json.dumps(run(job)))
    except Exception as exc:  # noqa: BLE001 - reported to the build, which fails
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
