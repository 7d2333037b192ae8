"""Every internal link and ``#anchor`` in a built site resolves."""

import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

from chapar.checks.pages import html_files, is_external, local_target, parse

# Fragments that are not element ids: a text fragment or an empty '#'.
_IGNORED_FRAGMENTS = ("", "top")


class _Targets:
    """Where internal URLs lead, each URL and file asked of the file system once a check.

    Every page repeats most of its links (the navigation, the tags, related news);
    a site-absolute URL (``/…`` or under ``siteurl``) leads to the same file from
    any page, a relative one from any page of the same folder.  The output does not
    change while it is checked.
    """

    def __init__(self, root, siteurl):
        self.root, self.siteurl = root, siteurl
        self._targets = {}  # (folder or None, url) -> resolved target, or False: not internal
        self._files = {}  # resolved target -> is a file
        self._names = {}  # resolved target -> its path in the site, or None: outside it
        self._fragments = {}  # url -> its #fragment, unquoted

    def links(self, page, parser):
        """``(url, resolved target file)`` for each internal URL of ``page``."""
        for tag, _attribute, url, _attrs in parser.urls:
            if tag == "form" and not url:
                continue  # action="" submits to the page itself
            target = self.target(page, url)
            if target is not False:
                yield url, target

    def target(self, page, url):
        """The resolved file ``url`` leads to from ``page`` (the page itself for a
        same-page ``#anchor``), or False for a URL that leaves the site.
        """
        absolute = url.startswith("/") or bool(self.siteurl and url.startswith(self.siteurl))
        key = (None if absolute else page.parent, url)
        found = self._targets.get(key)
        if found is None:
            if url.startswith(("mailto:", "tel:", "data:", "javascript:")) or is_external(
                url, self.siteurl
            ):
                found = False
            else:
                target = local_target(self.root, page, url, self.siteurl)
                found = page if target is None else target.resolve()
            if found is not page:  # a same-page anchor is each page's own
                self._targets[key] = found
        return found

    def is_file(self, target):
        """Whether ``target`` (a resolved path) is a file."""
        found = self._files.get(target)
        if found is None:
            found = self._files[target] = target.is_file()
        return found

    def name(self, target):
        """``target``'s path inside the site (one string however many pages name
        it), or None when it is not inside (the root itself included).
        """
        try:
            return self._names[target]
        except KeyError:
            inside = self.root in target.parents  # a walk of Path objects: once a target
            name = sys.intern(target.relative_to(self.root).as_posix()) if inside else None
            self._names[target] = name
            return name

    def fragment(self, url):
        """``url``'s ``#fragment``, unquoted."""
        found = self._fragments.get(url)
        if found is None:
            found = self._fragments[url] = unquote(urlsplit(url).fragment)
        return found


def _record(entry, targets, url, target):
    """Note in ``entry`` (a page's ``(plain, anchored)`` of :func:`link_targets`) that
    the page links to ``target`` by ``url``, when the target is inside the site.
    """
    name = targets.name(target)
    if name is None:
        return
    plain, anchored = entry
    fragment = targets.fragment(url)
    if fragment in _IGNORED_FRAGMENTS or fragment.startswith(":~:"):
        plain.add(name)
    else:
        anchored.add(name)


def link_targets(output_dir, siteurl="", pages=None):
    """``{page: (files it links to, files it links to an #anchor of)}``, as
    paths relative to ``output_dir``, for ``pages`` (default: every page).
    """
    root = Path(output_dir).resolve()
    targets = _Targets(root, siteurl)
    found = {}
    for page in html_files(root) if pages is None else [Path(p).resolve() for p in pages]:
        entry = found[page.relative_to(root).as_posix()] = (set(), set())
        for url, target in targets.links(page, parse(page)):
            _record(entry, targets, url, target)
    return found


def broken_links(output_dir, siteurl="", pages=None, found=None):
    """``["page: url (reason)", ...]`` for each internal link, stylesheet,
    script, image or form target that does not exist in ``output_dir``, and
    each ``#anchor`` with no matching ``id`` in its target page; the links of
    ``pages`` only (paths of HTML files) when given.  ``found``: a dict given
    each checked page's :func:`link_targets` entry, from the same reading.

    Pages are read one at a time; of each only its ids are kept, for the
    anchors into it (all of a 5,000-article site's parsed pages took 410 MB).
    An anchor into a page not read yet is checked once every page is read, in
    its place among the problems.
    """
    root = Path(output_dir).resolve()
    pages = html_files(root) if pages is None else [Path(p).resolve() for p in pages]
    targets = _Targets(root, siteurl)
    ids = {}  # page -> the ids in it
    problems = []  # lines, and (where, url, target, fragment) for an anchor checked at the end
    for page in pages:
        parser = parse(page)
        ids[page] = parser.ids
        where = page.relative_to(root).as_posix()
        entry = None if found is None else found.setdefault(where, (set(), set()))
        for url, target in targets.links(page, parser):
            if entry is not None:
                _record(entry, targets, url, target)
            if targets.name(target) is None and target != root:
                problems.append(f"{where}: {url} (outside the site)")
                continue
            if not targets.is_file(target):
                problems.append(f"{where}: {url} (no such file)")
                continue
            fragment = targets.fragment(url)
            if fragment in _IGNORED_FRAGMENTS or fragment.startswith(":~:"):
                continue
            if target.suffix != ".html":
                continue
            problems.append((where, url, target, fragment))
    lines = []
    for problem in problems:
        if isinstance(problem, str):
            lines.append(problem)
            continue
        where, url, target, fragment = problem
        if target not in ids:  # a page outside ``pages``: read once
            ids[target] = parse(target).ids
        if fragment not in ids[target]:
            lines.append(f"{where}: {url} (no element with id {fragment!r})")
    return lines
