"""Facts of HTML that the build's readers of its own pages share."""

# Elements that never have content or an end tag (the HTML standard's void elements).
VOID_ELEMENTS = frozenset(
    (
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    )
)
