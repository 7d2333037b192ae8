"""A news item's body HTML, cleaned of anything that runs.

Editors write Markdown and may use HTML in the body (README, "Writing news"),
but text pasted from a wire feed or another site can carry a ``<script>``, an
``onerror=`` or a ``javascript:`` link.  After Markdown, nh3 keeps the
formatting a news story uses (headings, lists, tables, quotes, figures,
images, links, footnotes, with their ``id``/``class``) and drops every
script, style, event handler, embedded frame and non-web URL.  It imports no
Pelican.
"""

import nh3

TAGS = nh3.ALLOWED_TAGS | {"picture", "source", "tfoot"}
ATTRIBUTES = {
    **{tag: set(names) for tag, names in nh3.ALLOWED_ATTRIBUTES.items()},
    # footnotes, heading anchors, table alignment and the theme's classes
    "*": {"id", "class", "dir", "lang", "title"},
    "a": {"href", "hreflang", "rel"},
    "img": {"src", "alt", "width", "height", "srcset", "sizes", "loading", "decoding"},
    "source": {"srcset", "sizes", "type", "media", "width", "height"},
    "td": nh3.ALLOWED_ATTRIBUTES["td"] | {"style"},
    "th": nh3.ALLOWED_ATTRIBUTES["th"] | {"style"},
}
# Python-Markdown's tables extension aligns cells with ``style="text-align: …"``.
_CLEANER = nh3.Cleaner(
    tags=TAGS,
    attributes=ATTRIBUTES,
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel=None,  # links stay as the editor wrote them
    filter_style_properties={"text-align"},
    strip_comments=True,
)


def clean_body(html):
    """``html`` without anything that could run in a reader's browser."""
    return _CLEANER.clean(html)
