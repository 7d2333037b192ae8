"""Reading a built site: its HTML files and the URLs and ids in them.

The checks read every page of the site (the links gate, the budgets); pages
are parsed with lxml's HTML parser (libxml2, in C): a quarter of the time of
the standard library's ``html.parser`` (4.0 s against 18.2 s for the 8,350
pages of the benchmark's 5,000 stories), which the gates of a full check at
20,000 stories spent minutes in.  The HTML checker judges the markup itself.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

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


class Page:
    """What :func:`parse` found in a page: its ``urls`` and ``ids``."""

    __slots__ = ("__weakref__", "ids", "urls")

    def __init__(self, urls, ids):
        self.urls, self.ids = urls, ids


_URL_TAGS = tuple(URL_ATTRIBUTES)


def parse(path):
    """The URLs and ids of the page at ``path`` (UTF-8), as a :class:`Page`:
    ``urls``, ``(tag, attribute, value, attrs)`` of each URL attribute
    (:data:`URL_ATTRIBUTES`) in document order, and ``ids``, every non-empty
    ``id`` and ``<a name>``.  A value-less attribute (``defer``) has libxml2's
    value, ``""`` or its own name.
    """
    data = Path(path).read_bytes()
    try:
        tree = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError:  # nothing to parse: an empty file
        tree = None
    if tree is None:
        return Page([], set())
    urls = []
    for element in tree.iter(_URL_TAGS):
        attributes = URL_ATTRIBUTES[element.tag]
        attrs = dict(element.attrib)
        for attribute in attributes:
            value = attrs.get(attribute)
            if value is not None:
                urls.append((element.tag, attribute, value.strip(), attrs))
    return Page(urls, {str(value) for value in tree.xpath("//@id | //a/@name") if value})


def _parser():
    # one per page: an lxml parser must not be used by two threads at once, and
    # the gates read pages beside each other
    return etree.HTMLParser(encoding="utf-8", remove_comments=True, no_network=True)


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
