"""A fixture site whose news headers and award cells carry markup and
attribute break-outs, and an HTML parser to check what the pages made of it.

Every hostile value is text (README.md, "Writing news"): it must reach the
reader as the same characters, never as an element, an attribute or a
script.  Payloads call ``alert()`` or ``__pwn()`` so that a browser test can
see any of them run.
"""

import csv
import io
import json
from html.parser import HTMLParser

import pytest

from awards_helpers import write_awards
from chapar.html import VOID_ELEMENTS
from conftest import build_site, make_site, news_item

TITLE = (
    'عنوان "><script>__pwn("title")</script> '
    "&quot;&gt;&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; ' onmouseover='alert(2)"
)
LEAD = 'لید "><img src=x onerror=__pwn("lead")> & «نقل» "quotes" onmouseover="alert(3)'
KICKER = '<b onmouseover=__pwn("kicker")>روتیتر</b> &lt;i&gt;'
DATELINE = 'بجنورد</span><script>__pwn("dateline")</script>'
CATEGORY = 'بخش "><script>__pwn("category")</script>'
TAGS = ('برچسب "><svg onload=__pwn("tag")>', 'x" onmouseover="alert(4)')
PLAIN_TITLE = "خبر ساده‌ای که پس از خبر دیگر آمد"

AGENCY = {
    "id": "hostile",
    "name": 'اداره <script>__pwn("agency")</script>',
    "aliases": '"><img src=x onerror=__pwn("alias")>|نام دیگر \' onmouseover=\'alert(5)',
    "province": '<b onmouseover=__pwn("province")>استان</b>',
    "website": "https://example.org/a?b=1&c=2",
}
FESTIVAL = {
    "id": "fest-1397",
    "title": 'جشنواره "><script>__pwn("festival")</script>',
    "year": "1397",
    "province": "&lt;script&gt;__pwn(1)&lt;/script&gt;",
    "held_on": "1397/06/04",
    "news_code": "7001",
    "honored_employees": "3",
}
AWARD = {
    "festival": "fest-1397",
    "agency": "hostile",
    "group": '<i onmouseover=__pwn("group")>گروه</i>',
    "category": '&lt;script&gt;__pwn("category")&lt;/script&gt; "',
    "award": 'برتر<script>__pwn("award")</script>',
    "note": '</td><script>__pwn("note")</script>',
}
# a second agency sharing the award, so the partner links carry the name
PARTNER = {
    "id": "partner",
    "name": 'همکار "><svg onload=__pwn("partner")>',
    "aliases": "",
    "province": "",
    "website": "",
}


def table(rows):
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue()


def hostile_news():
    extra = (
        f"Kicker: {KICKER}\nDateline: {DATELINE}\nLead: {LEAD}\n"
        f"Category: {CATEGORY}\nTags: {'، '.join(TAGS)}\nAgencies: hostile, partner\n"
    )
    return {
        "1397/7001.md": news_item(7001, title=TITLE, date="1397/06/05 09:07", extra=extra),
        "1397/7002.md": news_item(
            7002, title=PLAIN_TITLE, date="1397/06/06 10:00", extra=f"Tags: {TAGS[0]}\n"
        ),
    }


def hostile_awards(folder, **cells):
    """The award tables with the hostile cells (``cells`` overrides the award row's)."""
    write_awards(
        folder,
        agencies=table([AGENCY, PARTNER]),
        festivals=table([FESTIVAL]),
        awards=table([{**AWARD, **cells}, {**AWARD, **cells, "agency": "partner"}]),
    )


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory):
    """The hostile site built once; returns the output folder."""
    root = make_site(tmp_path_factory.mktemp("hostile"), news=hostile_news())
    hostile_awards(root / "data" / "awards")
    return build_site(root)


# --- reading pages back ------------------------------------------------------


class Node:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children, self.parts = [], []

    @property
    def text(self):
        return "".join(self.parts)

    def has_class(self, name):
        return name in (self.attrs.get("class") or "").split()

    def inside(self, other):
        node = self.parent
        while node is not None and node is not other:
            node = node.parent
        return node is other


class Tree(HTMLParser):
    """Every element of a page with its attributes and its text (entities decoded,
    as a browser does), in document order.
    """

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]
        self.elements = []
        self.raw_attributes = []  # (tag, [(name, value)]) exactly as written
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.raw_attributes.append((tag, attrs))
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        self.elements.append(node)
        if tag not in VOID_ELEMENTS:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.raw_attributes.append((tag, attrs))
        node = Node(tag, dict(attrs), self.stack[-1])
        self.stack[-1].children.append(node)
        self.elements.append(node)

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, 0, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        for node in self.stack:
            node.parts.append(data)

    def find_all(self, tag=None, cls=None, within=None, **attrs):
        return [
            n
            for n in self.elements
            if (tag is None or n.tag == tag)
            and (cls is None or n.has_class(cls))
            and (within is None or n.inside(within))
            and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, within=None, **attrs):
        found = self.find_all(tag, cls, within, **attrs)
        assert found, f"no <{tag} class={cls!r} {attrs}>"
        return found[0]

    def meta(self, key, value):
        return [n.attrs.get("content") for n in self.find_all("meta", **{key: value})]

    def json_ld(self):
        return [json.loads(n.text) for n in self.find_all("script", type="application/ld+json")]


# The attributes the theme writes; an attribute outside these on an HTML
# element is the remains of a value that broke out of its quotes.
THEME_ATTRIBUTES = {
    "action",
    "aria-current",
    "aria-describedby",
    "aria-hidden",
    "aria-label",
    "aria-labelledby",
    "aria-live",
    "as",
    "autocomplete",
    "charset",
    "class",
    "colspan",
    "content",
    "crossorigin",
    "data-all",
    "data-base",
    "data-count",
    "data-filter",
    "data-manifest",
    "data-no-results",
    "data-pagefind",
    "data-pagefind-ignore",
    "data-print",
    "datetime",
    "defer",
    "dir",
    "download",
    "enterkeyhint",
    "for",
    "hidden",
    "href",
    "id",
    "lang",
    "media",
    "method",
    "name",
    "placeholder",
    "property",
    "rel",
    "required",
    "role",
    "scope",
    "src",
    "tabindex",
    "title",
    "type",
    # the comment form
    "data-msg-empty",
    "data-msg-language",
    "data-msg-lexicon",
    "data-msg-long",
    "data-reply-cancel",
    "data-reply-name",
    "data-rules",
    "disabled",
    "maxlength",
    "rows",
    "value",
    "data-pagefind-meta",
    "data-pagefind-sort",
    "data-pagefind-body",
    # photos (partials/photo.html) and the share buttons (js/share.js)
    "alt",
    "decoding",
    "fetchpriority",
    "height",
    "loading",
    "sizes",
    "srcset",
    "width",
    "data-copy-link",
    "data-done",
    "data-failed",
    "data-native-share",
    "data-status",
    "data-title",
}
PHOTO_CLASSES = ("photo__img", "news-list__img", "lead-story__img")
SVG = {"svg", "g", "rect", "text", "line", "title", "desc", "path", "circle"}


def markup_problems(html):
    """What a hostile value could have made of a page: scripts the theme did
    not write, event handlers, attributes outside the theme's.
    """
    tree = Tree(html)
    problems = []
    for node in tree.find_all("script"):
        if node.attrs.get("type") == "application/ld+json":
            try:
                json.loads(node.text)
            except ValueError as exc:
                problems.append(f"JSON-LD does not parse: {exc}")
        elif not (node.attrs.get("src") or "").startswith("/theme/js/") or node.text.strip():
            problems.append(f"script not from the theme: {node.attrs} {node.text[:60]!r}")
    for tag, attrs in tree.raw_attributes:
        for name, _value in attrs:
            if name.startswith("on"):
                problems.append(f"event handler <{tag} {name}>")
            elif tag not in SVG and name not in THEME_ATTRIBUTES:
                problems.append(f"attribute the theme does not write: <{tag} {name}>")
        if len({name for name, _ in attrs}) != len(attrs):
            problems.append(f"repeated attribute on <{tag}>: {attrs}")
    for tag in ("img", "iframe", "object", "embed", "b", "i", "svg"):
        for node in tree.find_all(tag):
            theirs = ("awards-chart__svg", "search__icon", *PHOTO_CLASSES)
            if not any(node.has_class(name) for name in theirs):
                problems.append(f"element the theme does not write: <{tag} {node.attrs}>")
    return problems
