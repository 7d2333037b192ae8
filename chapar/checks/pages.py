"""Reading a built site: its HTML files and the URLs and ids in them."""

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

# Attributes that point at another resource, by tag.
URL_ATTRIBUTES = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src",),
    "source": ("src",),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "form": ("action",),
}


class PageParser(HTMLParser):
    """Collects (tag, attrs) of URL-bearing elements and every id/name."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls = []  # (tag, attribute, value, attrs)
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        """Record the tag's ``id`` (and an ``<a>``'s ``name``) and its URL attributes."""
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        for attribute in URL_ATTRIBUTES.get(tag, ()):
            value = attrs.get(attribute)
            if value is not None:
                self.urls.append((tag, attribute, value.strip(), attrs))

    handle_startendtag = handle_starttag


def parse(path):
    """The :class:`PageParser` fed the whole file at ``path`` (UTF-8): its ``urls`` and ``ids``."""
    parser = PageParser()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    parser.close()
    return parser


# Folders of the output that hold generated tool output, not pages (Pagefind's fragments).
GENERATED = ("pagefind/",)


def html_files(output_dir, exclude=GENERATED):
    """Every ``.html`` file under ``output_dir`` (sorted), minus generated tool output."""
    root = Path(output_dir)
    return [
        path
        for path in sorted(root.rglob("*.html"))
        if not any(path.relative_to(root).as_posix().startswith(e) for e in exclude)
    ]


def is_external(url, siteurl=""):
    """True for a URL that leaves the site (another host, or a non-web scheme)."""
    if siteurl and url.startswith(siteurl.rstrip("/") + "/"):
        return False
    parts = urlsplit(url)
    return bool(parts.scheme or parts.netloc)


def local_target(output_dir, page, url, siteurl=""):
    """The file a site-internal ``url`` found in ``page`` resolves to, or None
    for an empty path (a same-page ``#anchor``).
    """
    root = Path(output_dir)
    if siteurl and url.startswith(siteurl.rstrip("/") + "/"):
        url = url[len(siteurl.rstrip("/")) :]
    path = unquote(urlsplit(url).path)
    if not path:
        return None
    target = root / path.lstrip("/") if path.startswith("/") else Path(page).parent / path
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target
