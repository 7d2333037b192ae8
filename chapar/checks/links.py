"""Every internal link and ``#anchor`` in a built site resolves."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from chapar.checks.pages import html_files, is_external, local_target, parse

# Fragments that are not element ids: a text fragment or an empty '#'.
_IGNORED_FRAGMENTS = ("", "top")


def broken_links(output_dir, siteurl=""):
    """``["page: url (reason)", ...]`` for each internal link, stylesheet,
    script, image or form target that does not exist in ``output_dir``, and
    each ``#anchor`` with no matching ``id`` in its target page.
    """
    root = Path(output_dir).resolve()
    pages = html_files(root)
    parsed = {path: parse(path) for path in pages}
    problems = []
    for page, parser in parsed.items():
        where = page.relative_to(root).as_posix()
        for tag, _attribute, url, _attrs in parser.urls:
            if tag == "form" and not url:
                continue  # action="" submits to the page itself
            if url.startswith(("mailto:", "tel:", "data:", "javascript:")) or is_external(
                url, siteurl
            ):
                continue
            target = local_target(root, page, url, siteurl)
            if target is None:
                target = page
            target = target.resolve()
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
            ids = (parsed.get(target) or parse(target)).ids
            if fragment not in ids:
                problems.append(f"{where}: {url} (no element with id {fragment!r})")
    return problems
