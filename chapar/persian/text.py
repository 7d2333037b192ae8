"""Persian text normalisation and digit conversion.

One translate table, no NLP dependency: hazm and parsivar mangle URLs and
numbers, while editors only need Arabic look-alike letters
folded, kashida dropped and ZWNJ kept.  The tables are the profiles of
:mod:`chapar.persian.folding`; these are their everyday names.
"""

from chapar.persian import folding
from chapar.persian.folding import (  # noqa: F401  (names other modules import from here)
    ARABIC_INDIC_DIGITS,
    KASHIDA,
    LATIN_DIGITS,
    LOOKALIKES,
    PERSIAN_DIGITS,
    ZWNJ,
)

_LETTERS = folding.DISPLAY.translation
_TO_LATIN = str.maketrans(folding.DIGITS_TO_LATIN)
_TO_PERSIAN = str.maketrans(folding.DIGITS_TO_PERSIAN)

# The characters _LETTERS changes: most text has none, and a search finds
# that far faster than translate looks every character up (5,000 news items:
# 0.8 s less).
_CHANGES = folding.DISPLAY.changes


def normalize(text):
    """Fold Arabic ي ى ك to Persian ی ک and drop kashida; ZWNJ is kept
    (the ``display`` profile).
    """
    return text.translate(_LETTERS) if _CHANGES.search(text) else text


def to_latin_digits(text):
    """Persian and Arabic-Indic digits to 0-9."""
    return str(text).translate(_TO_LATIN)


def to_persian_digits(value):
    """Latin and Arabic-Indic digits to Persian digits (accepts numbers)."""
    return str(value).translate(_TO_PERSIAN)


def fold(text):
    """A comparison key: letters normalised, Latin digits, ZWNJ as a space,
    runs of spaces collapsed, case folded (the ``match`` profile).  Used to
    match names typed in slightly different ways (CSV agency names, tags).
    """
    return folding.MATCH(text)
