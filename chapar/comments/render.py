"""Published comments as HTML: bodies, and each article's thread in pages.

Bodies are the light Markdown README.md promises (Comments): paragraphs,
line breaks, ``**strong**``, ``*em*`` and ``[text](http…)`` links, read by
markdown-it-py with only those rules switched on.  Its parser is linear in
the text whatever its characters (CommonMark's pathological cases, such as
thousands of ``[`` or ``*_``, included), and with raw HTML off anything else
stays text.  nh3 comes last, with exactly the README's allow-list: p, br,
strong, em and a with an http(s) ``href`` only (nh3 keeps ``title`` and
``lang`` on every tag unless told otherwise).

Threads are flat beyond one level, as news sites show them: a top-level
comment, then every reply under it in date order, each saying whom it
answers («در پاسخ به …», a link to that comment).  An article's comments are
split into pages of a bounded weight, newest threads first (a reader's new
comment is on the article, where the intake sends them back), each thread's
replies in date order; the first page is shown on the article, the others at ``<article URL>comments/<n>/`` (README.md,
Comments).  Each page is ``partials/comment_thread.html`` rendered once,
here (:class:`ThreadTemplate`): the page templates only place the HTML, and
the page cache digests strings instead of every comment.
"""

import html
import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import jinja2
import nh3
from markdown_it import MarkdownIt

from chapar.i18n import load_translations
from chapar.persian.filters import JINJA_FILTERS

TAGS = {"p", "br", "strong", "em", "a"}
LINK_REL = "nofollow ugc noopener"
WEB_SCHEMES = ("http://", "https://")


def _only_web_links(tag, attribute, value):
    # nh3 keeps relative and protocol-relative URLs; a comment may not link
    # into the site or anywhere but an http(s) address.
    if tag == "a" and attribute == "href":
        return value if value.lower().startswith(WEB_SCHEMES) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=TAGS,
    # "*": the attributes allowed on every tag; left out, nh3 keeps title and lang
    attributes={"a": {"href"}, "*": set()},
    url_schemes={"http", "https"},
    link_rel=LINK_REL,
    attribute_filter=_only_web_links,
    strip_comments=True,
)

# The constructs README.md allows, nothing else: no headings, lists, quotes,
# code, images, raw HTML or reference links (they stay text); <https://…> is a link.
MARKDOWN_RULES = ["newline", "emphasis", "link", "autolink", "escape", "entity"]


def _web_link(url):
    """markdown-it's link check, narrowed: only http(s) addresses with a host
    become links; ``[text](/path)`` or ``(mailto:…)`` stay text.
    """
    if not url.lower().startswith(WEB_SCHEMES):
        return False
    try:
        return bool(urlsplit(url).netloc)
    except ValueError:
        return False


def markdown_parser(rules=MARKDOWN_RULES):
    """A markdown-it parser of the comment subset: only ``rules``, links to http(s) hosts only.

    Raw HTML, typographer and linkify are off; a line break in a paragraph is ``<br>``.
    """
    md = MarkdownIt(
        "zero", {"breaks": True, "html": False, "linkify": False, "typographer": False}
    ).enable(rules)
    md.validateLink = _web_link
    return md


# Without reference definitions an inline link needs "](" in the text; where
# there is none the link rule, which tries every "[" (about 20 µs each), can
# only say no, and a parser without it gives the same HTML (tested).
_NO_LINKS = [rule for rule in MARKDOWN_RULES if rule != "link"]


# Text with none of Markdown's syntax renders as paragraphs and line breaks:
# the fast path below gives the same HTML as the parser (tested) at a fraction
# of the cost, which keeps 50,000 comments cheap.
# ``**bold**`` inside a line (no other asterisk next to it, a letter or digit
# at both ends inside) is the one piece of syntax the fast path renders
# itself: readers use it, and the parser makes exactly <strong> of it (tested).
_PLAIN = re.compile(r"[^_`\[\]<>&\\#!\0]*")
_STRONG = re.compile(r"(?<!\*)\*\*([^\W_](?:[^*\n]*[^\W_])?)\*\*(?!\*)")
_BLOCK_START = re.compile(r"^(?: |\t|[-+>=]|\d+[.)])", re.MULTILINE)
# Tabs, no-break and other spaces: the parser keeps or drops what strip() does not.
_OTHER_SPACE = re.compile(r"[^\S \n]")
_PARAGRAPHS = re.compile(r"\n\n+")


# A comment's Markdown costs time linear in its length, but each mark that
# could open a link or an emphasis costs tens of microseconds more than a
# letter: thousands of ``[a](`` or ``*a_`` take 80 ms where as much text takes
# 0.2 ms.  A reader who formats writes a few dozen marks; past MAX_MARKS the
# comment is shown as typed, all of it text (README, "The text").
MAX_MARKS = 100
_MARK_CHARS = "[*_`<&\\"


def marks(text):
    """How many characters of ``text`` could open Markdown syntax (the parser's costly ones)."""
    return sum(text.count(char) for char in _MARK_CHARS)


def as_typed(text):
    """``text`` shown as typed: HTML-escaped, paragraphs and line breaks kept, no Markdown."""
    paragraphs = _PARAGRAPHS.split(html.escape(text.strip(), quote=False))
    return "\n".join(
        "<p>" + "<br>\n".join(line.strip() for line in p.split("\n")) + "</p>"
        for p in paragraphs
        if p.strip()
    )


class BodyRenderer:
    """The restricted Markdown parser (or the fast path), then nh3."""

    def __init__(self):
        self._md = markdown_parser()
        self._md_without_links = markdown_parser(_NO_LINKS)

    def markdown(self, text):
        """``text`` through the restricted Markdown parser, not yet cleaned, no final newline."""
        md = self._md if "](" in text else self._md_without_links
        return md.render(text).rstrip("\n")

    def plain(self, text):
        """The fast path, or ``None`` when ``text`` needs the parser."""
        text = text.strip("\n")
        # spaces only inside lines: the parser drops a line's indent and its
        # trailing spaces, and makes a break of two
        if (
            not _PLAIN.fullmatch(text)
            or _OTHER_SPACE.search(text)
            or " \n" in text
            or text.endswith(" ")
        ):
            return None
        if "*" in text:
            text = _STRONG.sub(r"<strong>\1</strong>", text)
            if "*" in text:
                return None
        if _BLOCK_START.search(text):
            return None
        return "\n".join(
            "<p>" + p.replace("\n", "<br>\n") + "</p>" for p in _PARAGRAPHS.split(text) if p
        )

    def __call__(self, text):
        """The safe HTML of a comment's ``text``: the fast path or the parser, then nh3."""
        rendered = self.plain(text)
        if rendered is None:
            rendered = as_typed(text) if marks(text) > MAX_MARKS else self.markdown(text)
        return _CLEANER.clean(rendered)


@dataclass
class Comment:
    """What templates see: no Email, no Status, nothing unpublished."""

    id: str
    author: str
    date: object
    body_html: str
    reply_to: str = ""
    reply_to_author: str = ""
    reply_href: str = ""  # where the comment it answers is: "#comment-<Id>", or on another page
    replies: list = field(default_factory=list)  # of a top-level comment: every reply below it

    @property
    def author_html(self):
        """The author's name escaped for HTML text and quoted attributes."""
        return html.escape(self.author)


@dataclass
class ThreadPart:
    """A top-level comment's thread, or the part of it on one page: ``root``
    is shown unless ``continued`` (it is on an earlier page, at ``root_href``).
    """

    root: Comment
    replies: list = field(default_factory=list)
    continued: bool = False
    root_href: str = ""


def build_threads(comments, decisions, render):
    """The published comments of one article: ``(roots, count)``, the
    top-level comments in date order, each with ``replies``, every comment
    below it at any depth, in date order (one level: no recursion however
    long a chain of replies is); ``render`` turns a body into safe HTML.
    """
    published = {
        c.id: Comment(c.id, c.author, c.date, render(c.body), c.reply_to)
        for c in sorted(comments, key=lambda c: (c.date, c.id))
        if decisions[c.id].status == "published"
    }
    top = {}  # Id -> its top-level comment
    for comment in published.values():
        chain, seen, current = [], set(), comment
        while current.id not in top:
            parent = published.get(current.reply_to)
            if parent is None or current.id in seen:  # a loop: reported by store.check_thread
                top[current.id] = current
                break
            seen.add(current.id)
            chain.append(current)
            current = parent
        for link in chain:
            top[link.id] = top[current.id]
    roots = []
    for comment in published.values():
        parent = published.get(comment.reply_to)
        if parent is not None:
            comment.reply_to_author = parent.author
        if top[comment.id] is comment:
            roots.append(comment)
        else:
            top[comment.id].replies.append(comment)
    return roots, len(published)


# What the thread template adds to a comment besides its body, names and Ids
# (bytes; about 450 measured with the reply button, with room to spare), and
# to a page's thread continued from an earlier page.
COMMENT_MARKUP = 600
CONTINUED_MARKUP = 300
PAGE_BYTES = 8 * 1024  # COMMENTS["page_bytes"]
PER_PAGE = 20  # COMMENTS["per_page"]
MAX_CHARACTERS = 10_000  # COMMENTS["max_characters"]


def _bytes(text):
    return len(html.escape(text).encode("utf-8"))


def comment_weight(comment):
    """An upper bound of the bytes ``comment`` takes on its page (the author
    is shown and put in the reply button, the Ids in links and attributes).
    """
    return (
        len(comment.body_html.encode("utf-8"))
        + COMMENT_MARKUP
        + 3 * _bytes(comment.author)
        + 2 * _bytes(comment.reply_to_author)
        + 6 * (len(comment.id) + len(comment.reply_to))
    )


def continued_weight(root):
    """The bytes a thread continued from an earlier page adds: the part's
    heading, which names ``root`` and links to it.
    """
    return CONTINUED_MARKUP + 2 * _bytes(root.author) + 6 * len(root.id)


def page_href(here, there):
    """The link from comment page ``here`` to page ``there`` (1: the article,
    n: ``<article URL>comments/<n>/``), relative so that the cached thread
    needs neither SITEURL nor the article's URL.
    """
    if here == there:
        return ""
    if here == 1:
        return f"comments/{there}/"
    return "../../" if there == 1 else f"../{there}/"


def paginate(roots, page_bytes=PAGE_BYTES, per_page=PER_PAGE):
    """The threads (``roots``, in the order given) split into pages,
    each thread's replies in their order: ``[[ThreadPart]]``.  A
    page holds at most ``per_page`` comments and, past its first comment,
    at most ``page_bytes`` by :func:`comment_weight`; a thread longer than
    what is left continues on the next page.  The first page (the article's)
    is left empty rather than over its budget by one huge comment.  Sets
    every comment's ``reply_href``.
    """
    pages, page_of = [[]], {}
    weight = count = 0
    for root in roots:
        for comment in (root, *root.replies):
            cost = comment_weight(comment)
            # a reply on a page its thread did not start on opens a continued part
            opening = 0 if comment is root else continued_weight(root)
            if pages[-1] and pages[-1][-1].root is root:
                opening = 0
            if (count and (count >= per_page or weight + cost + opening > page_bytes)) or (
                len(pages) == 1 and not count and cost + opening > page_bytes
            ):
                pages.append([])
                weight = count = 0
                if comment is not root:
                    opening = continued_weight(root)
            cost += opening
            page = pages[-1]
            weight, count = weight + cost, count + 1
            page_of[comment.id] = len(pages)
            if comment is root:
                page.append(ThreadPart(root))
            elif page and page[-1].root is root:
                page[-1].replies.append(comment)
            else:
                page.append(ThreadPart(root, [comment], continued=True))
    for number, page in enumerate(pages, start=1):
        for part in page:
            if part.continued:
                part.root_href = (
                    page_href(number, page_of[part.root.id]) + f"#comment-{part.root.id}"
                )
            for reply in part.replies:
                reply.reply_href = (
                    page_href(number, page_of[reply.reply_to]) + f"#comment-{reply.reply_to}"
                )
    return pages


THREAD_TEMPLATE = "partials/comment_thread.html"


def thread_settings(settings, comments):
    """What :class:`ThreadTemplate` and the pass need of Pelican's settings
    and of ``comments`` (the site's :func:`chapar.comments.site.comment_settings`):
    plain values, so that a worker process can be given them.
    """
    theme = settings["THEME"]
    return {
        "templates": [
            *settings.get("THEME_TEMPLATES_OVERRIDES", ()),
            os.path.expanduser(os.path.join(theme, "templates")),
        ],
        "jinja": {
            k: v for k, v in settings.get("JINJA_ENVIRONMENT", {}).items() if k != "extensions"
        },
        # The site's own Jinja additions, as Pelican gives them to its templates
        "extensions": list(settings.get("JINJA_ENVIRONMENT", {}).get("extensions", ())),
        "filters": dict(settings.get("JINJA_FILTERS", {})),
        "globals": dict(settings.get("JINJA_GLOBALS", {})),
        "tests": dict(settings.get("JINJA_TESTS", {})),
        "translations": settings.get("THEME_TRANSLATIONS", os.path.join(theme, "translations")),
        "lang": settings["DEFAULT_LANG"],
        "endpoint": comments["endpoint"],
        "page_bytes": int(comments["page_bytes"]),
        "per_page": max(1, int(comments["per_page"])),
        "max_characters": int(comments["max_characters"]),
    }


class ThreadTemplate:
    """``partials/comment_thread.html`` in an environment of its own, the
    same in the build and in a worker process: the theme's templates, the
    site's Jinja options, extensions, filters, globals and tests, the persian
    plugin's filters and the theme's catalogue.
    """

    def __init__(self, conf):
        extensions = ["jinja2.ext.i18n"] + [e for e in conf["extensions"] if e != "jinja2.ext.i18n"]
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(conf["templates"]),
            extensions=extensions,
            **conf["jinja"],
        )
        env.filters.update(conf["filters"])
        env.filters.update(JINJA_FILTERS)  # after the site's, as the persian plugin adds them
        env.globals.update(conf["globals"])
        env.tests.update(conf["tests"])
        env.install_gettext_translations(
            load_translations(conf["translations"], conf["lang"]), newstyle=True
        )
        self.template = env.get_template(THREAD_TEMPLATE)
        self.endpoint = conf["endpoint"]
        self.page_bytes, self.per_page = conf["page_bytes"], conf["per_page"]

    def __call__(self, roots):
        """Each page's HTML of the threads ``roots`` (as :func:`build_threads`
        gives them; ``[]`` for no comment; the first may be ``""``),
        without its last line break: the page template puts it on lines of
        its own.
        """
        if not roots:
            return []
        newest_first = roots[::-1]  # README.md, Comments: threads newest first
        return [
            self.template.render(threads=page, endpoint=self.endpoint).removesuffix("\n")
            if page
            else ""
            for page in paginate(newest_first, self.page_bytes, self.per_page)
        ]
