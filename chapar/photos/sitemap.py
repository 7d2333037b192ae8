"""Image entries in the sitemap (Google's image extension): each article's
``<url>`` names its lead photo, so image search finds the photo with its page.
"""

import html
import re

IMAGE_NS = 'xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'
_LOC = re.compile(r"<loc>([^<]*)</loc>")


def add_images(xml, images, base=""):
    """``xml`` (pelican-sitemap's output) with an ``<image:image>`` after the
    ``<loc>`` of every page in ``images`` (page URL → image URL, both from the
    site root); ``base`` is the site's address the locs start with.
    """
    if not images:
        return xml

    def entry(match):
        loc = html.unescape(match.group(1))
        path = loc[len(base) :].lstrip("/") if loc.startswith(base) else None
        image = images.get(path)
        if image is None:
            return match.group(0)
        return f"{match.group(0)}\n<image:image><image:loc>{html.escape(f'{base}/{image}')}</image:loc></image:image>"

    xml = _LOC.sub(entry, xml)
    if IMAGE_NS not in xml:
        xml = xml.replace("<urlset ", f"<urlset {IMAGE_NS} ", 1)
    return xml
