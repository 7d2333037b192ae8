"""Normalisation: the comparison form of a text and its words.

The tables here (FOLD and the patterns) are exported to comments.js
(:mod:`chapar.moderation.browser`), which folds the same way.
"""

import functools
import re
import unicodedata
from typing import NamedTuple

from chapar.persian import folding

# Letters people type from Arabic keyboards or to dodge a word list, all digit
# ranges to Latin; ZWNJ and other joiners become a space (a word boundary that
# the lexicon reads across), kashida, harakat and invisible marks disappear:
# the ``moderation`` profile's table (chapar/persian/folding.py).
FOLD = folding.MODERATION.table

# A word: Latin letters and digits or Arabic-script letters (punctuation such
# as ، ؛ ؟ and the digits, already folded, are outside these ranges).
TOKEN_PATTERN = r"[a-z0-9]+|[\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]+"
ARABIC_LETTER_PATTERN = r"[\u0621-\u063a\u0641-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff]"
# Explicit classes, not \\w or escaped quotes: the same pattern runs in JavaScript (comments.js).
LINK_PATTERN = r'(?:https?://|www\.)[^\s<>()"' + r"'«»]+"
URL_PATTERN = LINK_PATTERN + r"|[A-Za-z0-9_.+-]+@[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+"

# The characters FOLD changes, found by one regex: str.translate with a dict
# table looks up every character, which costs ~0.1 ms on an article.
_FOLD_CHANGES = re.compile("[" + re.escape("".join(FOLD)) + "]")


def _fold_chars(text):
    return _FOLD_CHANGES.sub(lambda m: FOLD[m[0]], text)


_TOKEN = re.compile(TOKEN_PATTERN)
_REPEATS = re.compile(r"(.)\1+")
_URL = re.compile(URL_PATTERN, re.IGNORECASE)
_ARABIC_LETTER = re.compile(ARABIC_LETTER_PATTERN)
_LATIN_LETTER = re.compile(r"[a-z]")


def fold(text):
    """The comparison form: NFKC, lower case, letters and digits folded,
    invisible marks dropped, ZWNJ as a space, repeated characters collapsed
    (``كلاهبـــردار`` → ``کلاهبردار``, ``خیلییییی`` → ``خیلی``).
    """
    text = _fold_chars(_nfkc(text).lower())
    return _REPEATS.sub(_first, text)


def _first(match):
    return match[1]


def _nfkc(text):
    # most comments are already NFKC; checking is several times cheaper
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=1 << 17)
def _collapse(word):
    return _REPEATS.sub(_first, word)


class Prepared(NamedTuple):
    """What the checks read of one text, computed once (:func:`prepare`)."""

    text: str
    low: str  # NFKC, lower case
    chars: str  # ``low`` folded, repeated characters kept
    raw: list  # the words of ``chars``
    words: list  # the same words collapsed: :func:`tokens`
    plain: bool  # ``low`` holds no web address or email


def prepare(text):
    """:class:`Prepared` for ``text``.

    A run of one character lies wholly inside a word or wholly outside
    every word (a word is a maximal run of one character class), so
    collapsing each word gives the words of the collapsed text: the words
    are collapsed one by one, memoised, instead of the whole text.
    """
    low = _nfkc(text).lower()
    chars = _fold_chars(low)
    raw = _TOKEN.findall(chars)
    # what URL_PATTERN needs to match at all: «://», «www.» or «@» (the text
    # is lower case already, and no other character folds to them)
    plain = "://" not in low and "www." not in low and "@" not in low
    return Prepared(text, low, chars, raw, list(map(_collapse, raw)), plain)


def tokens(text):
    """The words of ``text`` in comparison form."""
    return prepare(text).words


def normalized_text(text):
    """One line of words: what ``duplicate`` compares."""
    return " ".join(tokens(text))
