"""Photos in a news body: Markdown's ``![what it shows](path "caption")``
becomes a ``<figure>`` with a ``<picture>`` of the processed widths.

The body is Markdown's HTML after nh3 (chapar/news/body.py), so an image is
``<img alt="…" src="…" title="…">``, attributes quoted with ``"``.
"""

import html
import re

_IMG = re.compile(r"<img\s([^>]*?)\s*/?>")
_PARAGRAPH_IMG = re.compile(r"<p>\s*(<img\s[^>]*?/?>)\s*</p>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')

# The body column's width on a phone, a tablet and a desktop (theme/css/article.css).
BODY_SIZES = "(min-width: 1100px) 720px, (min-width: 760px) calc(100vw - 4rem), calc(100vw - 2rem)"


_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)")


def markdown_images(source):
    """The paths of the images written in Markdown's syntax in ``source`` (a news file's
    text): the body photos.  An ``<img>`` written as HTML is not one of them.
    """
    return set(_MARKDOWN_IMAGE.findall(source))


def attributes(tag):
    """``{name: value}`` of a tag's double-quoted attributes: names lower-cased,
    values with HTML entities decoded.
    """
    return {name.lower(): html.unescape(value) for name, value in _ATTRIBUTE.findall(tag)}


def body_sources(body):
    """``(src, alt)`` of every image in ``body``, in order."""
    if "<img" not in body:  # most stories: one plain substring search, no regex, no list
        return ()
    return [(a.get("src", ""), a.get("alt", "")) for a in map(attributes, _IMG.findall(body))]


def picture(photo, alt, base="", sizes=BODY_SIZES, lead=False, css_class="photo__img"):
    """The ``<picture>`` of ``photo`` (escaped here: the body is HTML)."""
    e = html.escape
    small = photo.at_least(720)
    loading = 'fetchpriority="high" decoding="async"' if lead else 'loading="lazy" decoding="async"'
    parts = ["<picture>"]
    if photo.fallback:
        parts.append(
            f'<source type="image/webp" srcset="{e(photo.webp_srcset(base))}" sizes="{e(sizes)}">'
        )
    parts.append(
        f'<img class="{e(css_class)}" src="{e(base)}/{e(small.url)}" srcset="{e(photo.srcset(base))}" '
        f'sizes="{e(sizes)}" width="{small.width}" height="{small.height}" alt="{e(alt)}" {loading}>'
    )
    parts.append("</picture>")
    return "".join(parts)


def rewrite_body(body, photos, base=""):
    """``body`` with each image whose ``src`` is in ``photos`` (src → Photo)
    as a picture; one alone in its paragraph becomes a figure with its
    title as the caption.
    """

    def figure(match):
        a = attributes(match.group(1))
        photo = photos.get(a.get("src"))
        if photo is None:
            return match.group(0)
        caption = a.get("title", "").strip()
        inner = picture(photo, a.get("alt", ""), base)
        if caption:
            inner += f'<figcaption class="photo__caption">{html.escape(caption)}</figcaption>'
        return f'<figure class="photo photo--body">{inner}</figure>'

    def inline(match):
        a = attributes(match.group(0))
        photo = photos.get(a.get("src"))
        if photo is None:
            return match.group(0)
        return picture(photo, a.get("alt", ""), base)

    body = _PARAGRAPH_IMG.sub(figure, body)
    return _IMG.sub(inline, body)
