"""Every internal link and ``#anchor`` in a built site resolves."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from chapar.checks.pages import html_files, is_external, local_target, parse

# Fragments that are not element ids: a text fragment or an empty '#'.
_IGNORED_FRAGMENTS = ("", "top")


def _internal_links(root, page, parser, siteurl):
    """``(url, resolved target file)`` for each internal URL of ``page``."""
    for tag, _attribute, url, _attrs in parser.urls:
        if tag == "form" and not url:
            continue  # action="" submits to the page itself
        if url.startswith(("mailto:", "tel:", "data:", "javascript:")) or is_external(url, siteurl):
            continue
        target = local_target(root, page, url, siteurl)
        if target is None:
            target = page
        yield url, target.resolve()


def link_targets(output_dir, siteurl="", pages=None):
    """``{page: (files it links to, files it links to an #anchor of)}``, as
    paths relative to ``output_dir``, for ``pages`` (default: every page).
    """
    root = Path(output_dir).resolve()
    found = {}
    for page in html_files(root) if pages is None else [Path(p).resolve() for p in pages]:
        plain, anchored = set(), set()
        for url, target in _internal_links(root, page, parse(page), siteurl):
            if root not in target.parents:
                continue
            rel = target.relative_to(root).as_posix()
            fragment = unquote(urlsplit(url).fragment)
            if fragment in _IGNORED_FRAGMENTS or fragment.startswith(":~:"):
                plain.add(rel)
            else:
                anchored.add(rel)
        found[page.relative_to(root).as_posix()] = (plain, anchored)
    return found


def broken_links(output_dir, siteurl="", pages=None):
    """``["page: url (reason)", ...]`` for each internal link, stylesheet,
    script, image or form target that does not exist in ``output_dir``, and
    each ``#anchor`` with no matching ``id`` in its target page; the links of
    ``pages`` only (paths of HTML files) when given.
    """
    root = Path(output_dir).resolve()
    pages = html_files(root) if pages is None else [Path(p).resolve() for p in pages]
    parsed = {path: parse(path) for path in pages}
    others = {}
    problems = []
    for page, parser in parsed.items():
        where = page.relative_to(root).as_posix()
        for url, target in _internal_links(root, page, parser, siteurl):
            if root not in target.parents and target != root:
                problems.append(f"{where}: {url} (outside the site)")
                continue
            if not target.is_file():
                problems.append(f"{where}: {url} (no such file)")
                continue
            fragment = unquote(urlsplit(url).fragment)
            if fragment in _IGNORED_FRAGMENTS or fragment.startswith(":~:"):
                continue
            if target.suffix != ".html":
                continue
            if target not in parsed and target not in others:
                others[target] = parse(target)  # a page outside ``pages``: parsed once
            ids = (parsed.get(target) or others[target]).ids
            if fragment not in ids:
                problems.append(f"{where}: {url} (no element with id {fragment!r})")
    return problems
