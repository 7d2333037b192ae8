"""Word lists: persian-text-guard's bundled lists and the project's word files,
matched in comparison form.
"""

from dataclasses import dataclass
from pathlib import Path

from chapar.moderation.words import _REPEATS, _first, tokens

BUNDLED_LISTS = ("persian", "finglish")  # persian-text-guard's lists (chapar/guard_compat.py)

PERSIAN_SUFFIXES = ("ها", "های", "ی", "ای", "ه", "ت", "ش", "تون", "شون", "ان", "ام", "ات", "ند")
LATIN_SUFFIXES = ("i", "e", "et", "esh", "ha")
MAX_JOIN = 4  # words read together: «کلاه بردار», «ک ی ر», «k.i.r»


@dataclass
class Lexicon:
    """Terms in comparison form: ``whole`` words (with Persian suffixes) and
    ``anywhere`` stems matched inside longer words.
    """

    whole: frozenset
    anywhere: tuple
    maxlen: int
    terms: tuple = ()  # the base whole-word terms, for export
    prefixes: frozenset = frozenset()
    starts: frozenset = frozenset()  # whole | prefixes: the words a match can start with

    @classmethod
    def build(cls, whole_terms, anywhere_terms):
        base = {_compact(t) for t in whole_terms} - {""}
        anywhere = tuple(sorted({_compact(t) for t in anywhere_terms} - {""}))
        expanded = set(base)
        for term in base:
            suffixes = LATIN_SUFFIXES if term.isascii() else PERSIAN_SUFFIXES
            expanded.update(_REPEATS.sub(r"\1", term + s) for s in suffixes)
        maxlen = max(map(len, expanded), default=0)
        lexicon = cls(frozenset(expanded), anywhere, maxlen, tuple(sorted(base)))
        # proper prefixes: a joined run that starts no term ends the search there
        lexicon.prefixes = frozenset(t[:k] for t in expanded for k in range(1, len(t)))
        lexicon.starts = lexicon.whole | lexicon.prefixes
        return lexicon

    def find(self, words):
        """The first term found in ``words`` (a token list), or ``None``."""
        n = len(words)
        whole, prefixes = self.whole, self.prefixes
        # Only a word that is a term or starts one can begin a match: look
        # there alone, in order (the first match names the term).
        hits = self.starts.intersection(words)
        if hits:
            starts = []
            for word in hits:
                i = -1
                try:
                    while True:
                        i = words.index(word, i + 1)
                        starts.append(i)
                except ValueError:
                    pass
            starts.sort()
            for i in starts:
                joined = words[i]
                if joined in whole:
                    return joined
                for j in range(i + 1, min(n, i + MAX_JOIN)):
                    if joined not in prefixes:
                        break
                    nxt = words[j]
                    # words are collapsed inside; only the seam can repeat a letter
                    joined += nxt[1:] if joined[-1] == nxt[0] else nxt
                    if joined in whole:
                        return joined
        if self.anywhere:
            compact = _REPEATS.sub(_first, "".join(words))
            for term in self.anywhere:
                if term in compact:
                    return term
        return None


def _compact(term):
    return _REPEATS.sub(r"\1", "".join(tokens(term)))


def bundled_terms(name):
    """(whole-word terms, anywhere terms) of persian-text-guard's list ``name``,
    without its ``mild`` entries (everyday words before they are insults).
    """
    from persian_text_guard import WordCategory, WordList, WordMatchMode

    from chapar.guard_compat import bundled_list_text

    entries = [
        w for w in WordList.parse(bundled_list_text(name)) if w.category != WordCategory.MILD
    ]
    whole = [w.text for w in entries if w.mode == WordMatchMode.WHOLE_WORD]
    anywhere = [w.text for w in entries if w.mode != WordMatchMode.WHOLE_WORD]
    return whole, anywhere


def read_terms(path):
    """A project word file: one term a line, ``#`` comments, ``~term`` matches
    inside words (persian-text-guard's format).
    """
    whole, anywhere = [], []
    for raw_line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        (anywhere if line.startswith("~") else whole).append(line.lstrip("~").strip())
    return whole, anywhere


def tables():
    """What comments.js needs to match a lexicon the same way."""
    return {
        "persian_suffixes": list(PERSIAN_SUFFIXES),
        "latin_suffixes": list(LATIN_SUFFIXES),
        "max_join": MAX_JOIN,
    }
