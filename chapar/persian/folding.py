"""Persian folding: every way Chapar folds text, as named profiles.

A profile is data: a table (character -> replacement, ``""`` drops it) and a
few flags (NFKC first, runs of spaces collapsed, ends stripped, case,
repeated characters collapsed).  :func:`fold` applies one; the functions
the rest of the code calls (``persian.text.normalize``, ``fold``,
``search.normalize.normalize_for_search``, ``fold_page``, the moderation
engine's ``FOLD``, the slug rules) are thin names over these profiles.

The browsers get the same tables from :func:`export` (written by the build
as ``theme/js/folding.json``; ``comments/rules.json`` carries the moderation
table too), so the JavaScript keeps no copy of its own.

Profiles:

``display``
    What editors' text gets: Arabic ي ى ك to Persian ی ک, kashida dropped,
    ZWNJ kept.
``match``
    A comparison key for names and tags (CSV agency names, tags): display
    letters, Latin digits, ZWNJ as a space, runs of spaces collapsed, case
    folded.
``sort``
    What Persian alphabetical order compares (awards collation): display
    letters, Latin digits, ends stripped, case folded (ZWNJ kept: it ranks
    as a word break).
``cell``
    An award CSV cell: display letters, odd spaces unified, direction marks
    and BOM dropped, ends stripped, runs of spaces collapsed.
``search``
    A query, and what pages say, for search: every Arabic look-alike to
    one Persian letter, Latin digits, kashida, harakat and zero-width
    characters dropped (ZWNJ too: «میشود» for «می‌شود»), whitespace
    collapsed, lower case.
``search_page``
    A whole page (markup included) folded for indexing: ``search``'s
    table but ZWNJ, which pages keep (Pagefind removes it from words
    itself and excerpts read better with it); no case or space changes.
``moderation``
    What comment checks compare: NFKC, lower case, the look-alikes and all
    digits folded, joiners as a space (a word boundary that the lexicon
    reads across), kashida, harakat, bidi and invisible marks dropped,
    repeated characters collapsed.
``slug``
    The letters Pelican's slugify replaces first (ZWNJ becomes "-", Arabic
    letters Persian, kashida goes); :data:`SLUG_REGEX_SUBSTITUTIONS` adds
    the rest of the slug rules.
"""

import re
import unicodedata
from dataclasses import dataclass, field

ZWNJ = "\u200c"
KASHIDA = "\u0640"

LATIN_DIGITS = "0123456789"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"

# Letters Persian editors paste from Arabic keyboards and sources.
ARABIC_LETTERS = {"ي": "ی", "ى": "ی", "ك": "ک"}

# Arabic-script look-alikes folded to one Persian letter when text is matched
# (search, moderation); display text only gets the first three.
LOOKALIKES = {
    "ي": "ی",
    "ى": "ی",
    "ئ": "ی",
    "ك": "ک",
    "ۀ": "ه",
    "ة": "ه",
    "ہ": "ه",
    "ھ": "ه",
    "أ": "ا",
    "إ": "ا",
    "ٱ": "ا",
    "ؤ": "و",
}

DIGITS_TO_LATIN = dict(zip(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2, strict=False))
DIGITS_TO_PERSIAN = dict(zip(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2, strict=False))


def _dropped(*ranges):
    """``{char: ""}`` for inclusive code point ranges ``(first, last)``."""
    return {chr(c): "" for first, last in ranges for c in range(first, last + 1)}


@dataclass(frozen=True, eq=False)
class Profile:
    """One way of folding text: ``table`` then the flags, in this order:
    ``nfkc`` (before the table), ``spaces`` (a pattern whose runs become one
    space), ``strip``, ``case`` (``"lower"`` or ``"casefold"``), ``repeats``
    (a run of one character becomes one).

    ``scan`` is how the table is applied; both give the same text:
    ``"translate"`` searches for a character to change and translates only
    text that has one (most text has none, and a search finds that far
    faster than translate looks every character up: 5,000 news items,
    0.8 s less); ``"sub"`` replaces each change a regex finds (for long text
    that has a few: str.translate with a dict costs a lookup for every
    character, ~10 s on 100 MB of award pages, ~0.1 ms on an article).
    """

    name: str
    table: dict
    nfkc: bool = False
    spaces: str = None
    strip: bool = False
    case: str = None
    repeats: bool = False
    scan: str = "translate"
    changes: re.Pattern = field(init=False, repr=False, compare=False)
    translation: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        assert self.case in (None, "lower", "casefold")
        assert self.scan in ("translate", "sub")
        set_ = object.__setattr__
        set_(self, "changes", re.compile("[" + re.escape("".join(self.table)) + "]"))
        set_(self, "translation", str.maketrans(self.table))
        set_(self, "_spaces", re.compile(self.spaces) if self.spaces else None)

    def chars(self, text):
        """``text`` with the table applied (the flags are not)."""
        if self.scan == "sub":
            table = self.table
            return self.changes.sub(lambda m: table[m[0]], text)
        return text.translate(self.translation) if self.changes.search(text) else text

    def __call__(self, text):
        """``text`` folded by this profile: NFKC (if set), the table, then the other flags."""
        if self.nfkc and not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
        text = self.chars(text)
        if self._spaces is not None:
            text = self._spaces.sub(" ", text)
        if self.strip:
            text = text.strip()
        if self.case == "lower":
            text = text.lower()
        elif self.case == "casefold":
            text = text.casefold()
        if self.repeats:
            text = _REPEATS.sub(_first, text)
        return text

    def export(self):
        """The JSON-able profile a browser script applies."""
        return {
            "table": dict(self.table),
            "nfkc": self.nfkc,
            "spaces": self.spaces,
            "strip": self.strip,
            "case": self.case,
            "repeats": self.repeats,
        }


_REPEATS = re.compile(r"(.)\1+")


def _first(match):
    return match[1]


DISPLAY = Profile("display", {**ARABIC_LETTERS, KASHIDA: ""})

MATCH = Profile(
    "match",
    {**DISPLAY.table, **DIGITS_TO_LATIN, ZWNJ: " "},
    spaces=r"[ \t\u00a0]+",
    strip=True,
    case="casefold",
)

SORT = Profile("sort", {**DISPLAY.table, **DIGITS_TO_LATIN}, strip=True, case="casefold")

CELL = Profile(
    "cell",
    {**DISPLAY.table, "\u00a0": " ", "\t": " ", "\u200f": "", "\u200e": "", "\ufeff": ""},
    spaces=" {2,}",
    strip=True,
)

# Kashida, Arabic diacritics and superscript alef, zero-width characters.
_SEARCH_DROPS = {
    KASHIDA: "",
    **_dropped((0x064B, 0x065F)),
    "\u0670": "",
    **_dropped((0x200B, 0x200F)),
    "\ufeff": "",
}
SEARCH = Profile(
    "search",
    {**DIGITS_TO_LATIN, **LOOKALIKES, **_SEARCH_DROPS},
    spaces=r"\s+",
    strip=True,
    case="lower",
)
SEARCH_PAGE = Profile(
    "search_page",
    {c: r for c, r in SEARCH.table.items() if c != ZWNJ},
    scan="sub",
)

MODERATION = Profile(
    "moderation",
    {
        **LOOKALIKES,
        ZWNJ: " ",
        "\u200d": "",
        "\u200b": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
        "\u200e": "",
        "\u200f": "",
        KASHIDA: "",
        **{d: str(i) for i, d in enumerate(PERSIAN_DIGITS)},
        **{d: str(i) for i, d in enumerate(ARABIC_INDIC_DIGITS)},
        **_dropped((0x064B, 0x065F)),  # harakat, tanween, shadda
        **_dropped((0x202A, 0x202E)),  # bidi embeddings
        **_dropped((0x2066, 0x2069)),  # bidi isolates
        "\u0670": "",  # superscript alef
    },
    nfkc=True,
    case="lower",
    repeats=True,
    scan="sub",
)

SLUG = Profile("slug", {ZWNJ: "-", **ARABIC_LETTERS, KASHIDA: ""})

# Pelican's slug rules (SLUG_REGEX_SUBSTITUTIONS in pelicanconf.py): the slug
# profile's letters, then anything but letters, digits, "-" and spaces goes,
# the ends are trimmed, and runs of "-" and spaces become one "-".
SLUG_REGEX_SUBSTITUTIONS = [
    *((re.escape(char), replacement) for char, replacement in SLUG.table.items()),
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s]+", "-"),
]

PROFILES = {p.name: p for p in (DISPLAY, MATCH, SORT, CELL, SEARCH, SEARCH_PAGE, MODERATION, SLUG)}


def fold(text, profile):
    """``text`` folded by ``profile`` (a :class:`Profile` or its name)."""
    return (PROFILES[profile] if isinstance(profile, str) else profile)(text)


def export(names=None):
    """``{"version": 1, "profiles": {name: profile}}``, JSON-able, for the
    browser scripts (every profile unless ``names`` are given).
    """
    return {
        "version": 1,
        "profiles": {name: PROFILES[name].export() for name in (names or PROFILES)},
    }
