"""The search normaliser: one form for what readers type and what pages say.

Kept in step with ``theme/static/js/search-normalize.js`` by a shared list
of examples (tests/data/search_normalize_examples.json).
"""

import re

from chapar.persian.text import ARABIC_INDIC_DIGITS, LATIN_DIGITS, LOOKALIKES, PERSIAN_DIGITS

_TABLE = str.maketrans(
    {**dict(zip(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)), **LOOKALIKES}
)
# Kashida, Arabic diacritics and superscript alef, zero-width characters.
# ZWNJ is dropped from queries («میشود» for «می‌شود»); pages keep it, since
# Pagefind removes it from words itself and excerpts read better with it.
_DROP = re.compile("[\u0640\u064b-\u065f\u0670\u200b-\u200f\ufeff]")
_SPACES = re.compile(r"\s+")


# One pass over a whole page: a regex finds the few characters that change
# (str.translate with a dict costs a lookup for every character: ~10 s on
# 100 MB of award pages).
PAGE_FOLDS = {chr(k): v for k, v in _TABLE.items()}
PAGE_CHANGES = re.compile(
    "[" + "".join(PAGE_FOLDS) + "\u0640\u064b-\u065f\u0670\u200b\u200d-\u200f\ufeff]"
)


def fold_page(html):
    """Fold letters and digits in a whole page (markup included) for indexing."""
    return PAGE_CHANGES.sub(lambda m: PAGE_FOLDS.get(m[0], ""), html)


def normalize_for_search(text):
    """Fold letters and digits the way the browser folds the query."""
    text = _DROP.sub("", text.translate(_TABLE))
    return _SPACES.sub(" ", text).strip().lower()
