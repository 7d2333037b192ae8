"""Page-weight budgets: what the theme costs a reader, as a browser receives it.

A budget counts *transfer size* (gzip, as every web server and CDN sends
HTML, CSS and scripts) and only the theme's own *overhead*: an article page
with the news text left out (the body and the lead, as the theme marks them:
:data:`NEWS_MARKS`), its stylesheets and its scripts.  A long story is the
news, not the theme's weight, so it never stops a publish; a heavier header,
more markup per comment or a bigger stylesheet does.  Fonts are counted as
shipped (woff2 is already compressed).  The README ("Publishing") lists the
budgets.
"""

import gzip
import html
import re
from pathlib import Path, PurePosixPath

from chapar.checks.pages import html_files, is_external, local_target, parse

KB = 1024
DEFAULTS = {
    # An article page without its news text, gzipped: the first 14 KB reach a
    # phone in the first round trip of a new connection.
    "html_overhead_limit": 14 * KB,
    "css_limit": 16 * KB,  # every stylesheet an article page links, gzipped
    "script_limit": 12 * KB,  # every script an article page loads, gzipped
    "font_limit": 150 * KB,  # every font file the theme ships
    # The lead photo as a phone gets it: 360 CSS px at 2 device pixels a px, in WebP.
    "lead_photo_limit": 120 * KB,
    "phone_pixels": 720,
    "pages": ("news/*/index.html",),
}


def transfer_size(data):
    """Bytes of ``data`` as a server sends it: gzip at the usual level 6."""
    return len(gzip.compress(data, compresslevel=6, mtime=0))


# The theme writes these comments around the news text of an article page, the
# body and the lead (theme/templates/article.html).  The sanitiser removes every
# comment from editors' and readers' HTML (chapar/news/body.py,
# chapar/comments/render.py), so only the theme writes them.
NEWS_MARKS = ("<!--news-->", "<!--/news-->")
_MARK = re.compile("|".join(map(re.escape, NEWS_MARKS)))


class UnpairedMarks(ValueError):
    """A page whose news marks do not pair: its overhead cannot be told."""


def overhead_html(page):
    """The page's HTML without the news text, as bytes: without what lies between
    each pair of the theme's :data:`NEWS_MARKS` (the marks themselves are
    counted).  A page without marks is all overhead; marks that do not pair
    raise :class:`UnpairedMarks`.
    """
    text = Path(page).read_text(encoding="utf-8")
    opening, closing = NEWS_MARKS
    parts, at, expected = [], 0, opening
    for mark in _MARK.finditer(text):
        if mark.group() != expected:
            raise UnpairedMarks(f"{mark.group()} at character {mark.start()}, {expected} expected")
        if expected == opening:
            parts.append(text[at : mark.end()])
            expected = closing
        else:
            at, expected = mark.start(), opening
    if expected == closing:
        raise UnpairedMarks(f"{opening} without its {closing}")
    parts.append(text[at:])
    return "".join(parts).encode("utf-8")


def _local_resources(root, page, siteurl, parsed, wanted):
    seen = []
    for tag, attribute, url, attrs in parsed.urls:
        if wanted(tag, attribute, attrs) and not is_external(url, siteurl):
            target = local_target(root, page, url, siteurl)
            if target is not None and target.is_file() and target not in seen:
                seen.append(target)
    return seen


def stylesheets(root, page, siteurl, parsed):
    """The local stylesheet files (``<link rel=stylesheet>``) ``parsed`` (``page``'s
    parsed HTML) loads, as paths under ``root``, each once, in page order;
    external and missing ones are left out.
    """
    return _local_resources(
        root,
        page,
        siteurl,
        parsed,
        lambda tag, attribute, attrs: (
            tag == "link" and "stylesheet" in (attrs.get("rel") or "").split()
        ),
    )


def scripts(root, page, siteurl, parsed):
    """The local script files (``<script src>``) ``parsed`` loads, as paths under
    ``root``, each once, in page order; external and missing ones are left out.
    """
    return _local_resources(
        root, page, siteurl, parsed, lambda tag, attribute, attrs: tag == "script"
    )


def page_weight(output_dir, page, siteurl="", *, parsed=None, sizes=None):
    """``{"html": ..., "css": ..., "scripts": ...}``: transfer bytes of the
    theme's overhead on ``page`` (a path inside ``output_dir``).  ``parsed``: the
    page's :func:`~chapar.checks.pages.parse`, when the caller has it; ``sizes``:
    a dict of files' transfer sizes that the pages of one check share (every
    article page links the same stylesheets and scripts).
    """
    root = Path(output_dir)
    path = root / page
    parsed = parse(path) if parsed is None else parsed
    sizes = {} if sizes is None else sizes

    def size(resource):
        if resource not in sizes:
            sizes[resource] = transfer_size(resource.read_bytes())
        return sizes[resource]

    return {
        "html": transfer_size(overhead_html(path)),
        "css": sum(map(size, stylesheets(root, path, siteurl, parsed))),
        "scripts": sum(map(size, scripts(root, path, siteurl, parsed))),
    }


_PICTURE = re.compile(r"<picture>(.*?)</picture>", re.S)
_SRCSET = re.compile(r'srcset="([^"]*)"')


def lead_photo(output_dir, page, siteurl="", pixels=DEFAULTS["phone_pixels"]):
    """``(file, bytes)`` of the lead photo (the ``<picture>`` whose ``img`` has
    ``fetchpriority="high"``) a phone ``pixels`` wide downloads: the first
    source's (WebP) narrowest candidate at least that wide; None without one.
    """
    root = Path(output_dir)
    path = root / page
    for picture in _PICTURE.findall(path.read_text(encoding="utf-8")):
        if 'fetchpriority="high"' not in picture:
            continue
        found = _SRCSET.search(picture)
        if not found:
            return None
        candidates = []
        for part in html.unescape(found.group(1)).split(","):
            url, _, width = part.strip().rpartition(" ")
            candidates.append((int(width.rstrip("w")), url))
        candidates.sort()
        width, url = next(((w, u) for w, u in candidates if w >= pixels), candidates[-1])
        target = local_target(root, path, url, siteurl)
        if target is None or not target.is_file():
            return (url, None)
        return (url, target.stat().st_size)
    return None


def font_weight(output_dir):
    """Bytes on disk of every font file (woff2, woff, ttf, otf) under ``output_dir``,
    not compressed: fonts are counted as shipped.
    """
    root = Path(output_dir)
    return sum(
        p.stat().st_size for ext in ("woff2", "woff", "ttf", "otf") for p in root.rglob(f"*.{ext}")
    )


def external_resources(root, page, siteurl, parsed):
    """``["page: url"]`` for each ``src`` or stylesheet link of ``page`` (a path
    under ``root``; ``parsed``, its :func:`~chapar.checks.pages.parse`) that
    loads from another host.
    """
    problems = []
    for tag, attribute, url, attrs in parsed.urls:
        loads = attribute in ("src", "poster") or (
            tag == "link"
            and set((attrs.get("rel") or "").split())
            & {"stylesheet", "preload", "modulepreload", "icon"}
        )
        if loads and is_external(url, siteurl):
            problems.append(f"{page.relative_to(root).as_posix()}: {url}")
    return problems


def globbed(rel, pattern):
    """Whether ``Path.glob(pattern)`` from the output folder finds ``rel``."""
    path, glob = PurePosixPath(rel), PurePosixPath(pattern)
    return len(path.parts) == len(glob.parts) and path.match(pattern)


def check_limits(limits):
    """The budgets with ``limits`` over the defaults; an unknown key is a ValueError."""
    unknown = sorted(set(limits) - set(DEFAULTS))
    if unknown:
        raise ValueError(f"unknown budget setting(s): {', '.join(unknown)}")
    return {**DEFAULTS, **limits}


def budget_problems(output_dir, siteurl="", only=None, **limits):
    """Every budget the site breaks, as readable lines.

    ``only`` (relative paths of pages whose bytes changed, the stylesheets,
    scripts and fonts being unchanged): the budgets of those pages only.
    """
    settings = check_limits(limits)
    root = Path(output_dir)
    problems = []
    names = {"html": "html_overhead_limit", "css": "css_limit", "scripts": "script_limit"}
    labels = {"html": "HTML without the news text", "css": "CSS", "scripts": "scripts"}
    if only is not None:
        budgeted = [
            root / rel
            for pattern in settings["pages"]
            for rel in sorted(only, key=PurePosixPath)
            if globbed(rel, pattern)
        ]
    else:
        budgeted = [page for pattern in settings["pages"] for page in sorted(root.glob(pattern))]
    sizes, external = {}, {}  # each page is parsed once, each stylesheet compressed once
    for page in budgeted:
        rel = page.relative_to(root).as_posix()
        parsed = parse(page)
        external[page] = external_resources(root, page, siteurl, parsed)
        try:
            weights = page_weight(root, rel, siteurl, parsed=parsed, sizes=sizes)
        except UnpairedMarks as reason:  # the page's lead photo is still checked
            problems.append(f"{rel}: the news text's marks do not pair: {reason}")
            weights = {}
        for part, weight in weights.items():
            limit = settings[names[part]]
            if weight > limit:
                problems.append(f"{rel}: {labels[part]} {weight} bytes gzipped > budget {limit}")
        photo = lead_photo(root, rel, siteurl, settings["phone_pixels"])
        if photo is not None and photo[1] is None:
            problems.append(f"{rel}: lead photo {photo[0]} is not in the site")
        elif photo is not None and photo[1] > settings["lead_photo_limit"]:
            problems.append(
                f"{rel}: lead photo {photo[0]} {photo[1]} bytes at {settings['phone_pixels']} px"
                f" > budget {settings['lead_photo_limit']}"
            )
    if only is None:
        fonts = font_weight(root)
        if fonts > settings["font_limit"]:
            problems.append(f"fonts: {fonts} bytes > budget {settings['font_limit']}")
        pages = html_files(root)
    else:
        pages = [root / rel for rel in sorted(only) if rel.endswith(".html")]
    for page in pages:
        found = external.get(page)
        if found is None:
            found = external_resources(root, page, siteurl, parse(page))
        problems.extend(f"{p} (external resource)" for p in found)
    return problems
