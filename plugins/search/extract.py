"""Readable text of a page's ``<main>``, without what search must not see."""

from html.parser import HTMLParser

SKIP_TAGS = {"nav", "form", "script", "style", "template", "button", "aside", "noscript"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
             "meta", "source", "track", "wbr"}
BLOCK_TAGS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
              "section", "article", "header", "footer", "figcaption", "dd", "dt", "br"}


class _MainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # depth inside <main>
        self.skip = 0  # depth inside an element left out
        self.parts = []
        self.h1 = []
        self.in_h1 = False

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            if tag == "br" and self.depth and not self.skip:
                self.parts.append(" ")
            return
        attrs = dict(attrs)
        if tag == "main":
            self.depth += 1
            return
        if not self.depth:
            return
        if self.skip or tag in SKIP_TAGS or "data-pagefind-ignore" in attrs or attrs.get("id") == "comments":
            self.skip += 1
        if tag == "h1" and not self.skip:
            self.in_h1 = True
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        if tag == "main":
            self.depth = max(0, self.depth - 1)
            return
        if not self.depth:
            return
        if self.skip:
            self.skip -= 1
        if tag == "h1":
            self.in_h1 = False
        if tag in BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.parts.append(data)
            if self.in_h1:
                self.h1.append(data)


def main_text(html):
    """``(text, h1)`` of the page's ``<main>``; navigation, forms, asides,
    comments and ``data-pagefind-ignore`` elements left out."""
    parser = _MainText()
    parser.feed(html)
    parser.close()
    text = " ".join("".join(parser.parts).split())
    return text, " ".join("".join(parser.h1).split())
