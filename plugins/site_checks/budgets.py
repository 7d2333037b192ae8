"""Page-weight budgets: HTML plus CSS per page, fonts, no external resources."""

from pathlib import Path

from .pages import html_files, is_external, local_target, parse

KB = 1024
DEFAULTS = {
    "html_css_limit": 40 * KB,  # one article page, before compression
    "font_limit": 150 * KB,  # every font file the theme ships
    "pages": ("news/*/index.html",),
}


def stylesheets(page, parser):
    return [
        url
        for tag, attribute, url, attrs in parser.urls
        if tag == "link" and "stylesheet" in (attrs.get("rel") or "").split()
    ]


def page_weight(output_dir, page, siteurl=""):
    """Bytes of ``page`` plus every local stylesheet it links."""
    root = Path(output_dir)
    page = root / page
    total = page.stat().st_size
    for url in stylesheets(page, parse(page)):
        if not is_external(url, siteurl):
            target = local_target(root, page, url, siteurl)
            if target is not None and target.is_file():
                total += target.stat().st_size
    return total


def font_weight(output_dir):
    root = Path(output_dir)
    return sum(p.stat().st_size for ext in ("woff2", "woff", "ttf", "otf") for p in root.rglob(f"*.{ext}"))


def external_resources(output_dir, siteurl=""):
    """``["page: url"]`` for each ``src`` or stylesheet link that loads from another host."""
    root = Path(output_dir)
    problems = []
    for page in html_files(root):
        for tag, attribute, url, attrs in parse(page).urls:
            loads = attribute in ("src", "poster") or (
                tag == "link" and set((attrs.get("rel") or "").split())
                & {"stylesheet", "preload", "modulepreload", "icon"}
            )
            if loads and is_external(url, siteurl):
                problems.append(f"{page.relative_to(root).as_posix()}: {url}")
    return problems


def budget_problems(output_dir, siteurl="", **limits):
    """Every budget the site breaks, as readable lines."""
    settings = {**DEFAULTS, **limits}
    root = Path(output_dir)
    problems = []
    for pattern in settings["pages"]:
        for page in sorted(root.glob(pattern)):
            rel = page.relative_to(root).as_posix()
            weight = page_weight(root, rel, siteurl)
            if weight > settings["html_css_limit"]:
                problems.append(
                    f"{rel}: HTML+CSS {weight} bytes > budget {settings['html_css_limit']}"
                )
    fonts = font_weight(root)
    if fonts > settings["font_limit"]:
        problems.append(f"fonts: {fonts} bytes > budget {settings['font_limit']}")
    problems.extend(f"{p} (external resource)" for p in external_resources(root, siteurl))
    return problems
