"""Persian alphabetical order.

Code-point order puts پ چ ژ گ after ی (they were added to Unicode's Arabic
block later), so «پست» would follow «تعاون».  Persian dictionaries use
آ ا ب پ ت ث ج چ ح خ د ذ ر ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ه ی.
"""

from functools import lru_cache

from chapar.persian.folding import SORT

ALPHABET = [
    "آ",
    "ا",
    "ب",
    "پ",
    "ت",
    "ث",
    "ج",
    "چ",
    "ح",
    "خ",
    "د",
    "ذ",
    "ر",
    "ز",
    "ژ",
    "س",
    "ش",
    "ص",
    "ض",
    "ط",
    "ظ",
    "ع",
    "غ",
    "ف",
    "ق",
    "ک",
    "گ",
    "ل",
    "م",
    "ن",
    "و",
    "ه",
    "ی",
]

# Variants sort with their base letter (just after it, so the order is total).
_VARIANTS = {
    "ء": ("ا", 0),
    "أ": ("ا", 1),
    "إ": ("ا", 2),
    "ٱ": ("ا", 3),
    "ؤ": ("و", 1),
    "ة": ("ه", 1),
    "ۀ": ("ه", 2),
    "ئ": ("ی", 1),
}

_RANK = {}
for _i, _letter in enumerate(ALPHABET):
    _RANK[_letter] = (2, _i * 4, 0)
for _variant, (_base, _n) in _VARIANTS.items():
    _RANK[_variant] = (2, ALPHABET.index(_base) * 4 + _n, 0)
# Word breaks first, so «اداره کل» sorts before «اداره‌کلی»; digits before letters.
for _space in " \u200c-":
    _RANK[_space] = (0, 0, 0)
for _digit in "0123456789":
    _RANK[_digit] = (1, int(_digit), 0)


def _char_key(char):
    return _RANK.get(char) or (3, ord(char), 0)  # Latin and the rest, after Persian


@lru_cache(maxsize=65536)  # categories and awards repeat across thousands of rows
def sort_key(text):
    """A key for :func:`sorted` that follows the Persian alphabet;
    the text itself breaks ties so equal keys keep a stable order.
    """
    folded = SORT(str(text))  # letters as displayed, Latin digits, case folded
    return (tuple(_char_key(c) for c in folded), str(text))


def persian_sorted(items, key=None):
    """``items`` in Persian alphabetical order (of ``key(item)`` when given)."""
    key = key or (lambda item: item)
    return sorted(items, key=lambda item: sort_key(key(item)))
