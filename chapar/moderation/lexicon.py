"""Word lists: persian-text-guard's bundled lists and the project's word files,
matched in comparison form.
"""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from chapar.moderation.words import _REPEATS, _TOKEN, _collapse, _first, _fold_chars, _nfkc

BUNDLED_LISTS = ("persian", "finglish")  # persian-text-guard's lists (chapar/guard_compat.py)

# Endings stacked on a listed word (plural, ezafe, possessive, object,
# copula, verb person): «بیشعوریش», «کثافتا», «دزدهاشون».  A word is read
# as a term when taking off at most MAX_STACK of them leaves a term, and at
# least STEM_MIN letters.
PERSIAN_SUFFIXES = (
    "هایی",
    "های",
    "هات",
    "هاش",
    "هام",
    "ها",
    "تون",
    "شون",
    "مون",
    "تان",
    "شان",
    "مان",
    "یی",
    "ای",
    "ی",
    "ه",
    "ت",
    "ش",
    "م",
    "ان",
    "ام",
    "ات",
    "اش",
    "ا",
    "ند",
    "ین",
    "یت",
    "یش",
    "یه",
    "و",
    "رو",
)
LATIN_SUFFIXES = ("i", "e", "et", "esh", "ha", "aa", "a", "o", "ye", "tun", "etun", "shun")
_ENDINGS = frozenset(s for s in PERSIAN_SUFFIXES if len(s) > 1)  # not a spaced-out letter
MAX_STACK = 2
STEM_MIN = 2
# Verb prefixes: «میگاد», «نمیفهمی» from a listed stem.
VERB_PREFIXES = ("نمی", "می")
MAX_JOIN = 4  # words read together: «کلاه بردار», «ک ی ر», «k.i.r»
# Repeats: a run of three or more letters is one letter («کیییر»); a
# doubled Persian letter is kept («تخمم», «ممه» are words), a doubled Latin
# letter is not («kooni» = «koni»).
_LONG_RUNS = re.compile(r"(.)\1{2,}")
_CACHE_MAX = 1 << 16


@functools.lru_cache(maxsize=1 << 17)
def lexicon_form(word):
    """A word as the lexicon compares it (see ``_LONG_RUNS``)."""
    if word.isascii():
        return _REPEATS.sub(_first, word)
    return _LONG_RUNS.sub(_first, word)


# Endings that may stand under another one (plural, ezafe, indefinite):
# «بیشعوریش» = بیشعور + ی + ش, but not a verb's «نفهمیدی» = نفهم + ید + ی.
INNER_SUFFIXES = ("های", "ها", "ان", "ای", "ی", "ا")
LATIN_INNER_SUFFIXES = ("ha", "a", "i", "e")


def _strip(word, suffixes, inner, depth):
    """``word`` and what is left of it with up to ``depth`` endings taken
    off, all but the last of them from ``inner``.
    """
    out = [word]
    if depth:
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= STEM_MIN:
                out += _strip(word[: -len(suffix)], inner, inner, depth - 1)
    return out


@functools.lru_cache(maxsize=1 << 17)
def word_forms(word):
    """Every reading of one word: itself, its stems, and without a verb prefix."""
    if word.isascii():
        return tuple(dict.fromkeys(_strip(word, LATIN_SUFFIXES, LATIN_INNER_SUFFIXES, MAX_STACK)))
    forms = _strip(word, PERSIAN_SUFFIXES, INNER_SUFFIXES, MAX_STACK)
    for prefix in VERB_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) > STEM_MIN:
            forms += _strip(word[len(prefix) :], PERSIAN_SUFFIXES, INNER_SUFFIXES, MAX_STACK)
            break
    return tuple(dict.fromkeys(forms))


@dataclass
class Lexicon:
    """Terms in comparison form: ``whole`` words (with Persian suffixes and
    verb prefixes) and ``anywhere`` stems matched inside longer words;
    ``allowed`` are ordinary words that only look like a term with an
    ending («تخمه», «کسی»): never a match.
    """

    whole: frozenset
    anywhere: tuple
    maxlen: int
    terms: tuple = ()  # the base whole-word terms, for export
    prefixes: frozenset = frozenset()
    allowed: frozenset = frozenset()
    phrases: frozenset = frozenset()  # terms listed as two words or more: read across a space
    phrase_heads: frozenset = frozenset()

    @classmethod
    def build(cls, whole_terms, anywhere_terms, allowed_terms=()):
        """A lexicon of listed terms (each in comparison form; empty ones dropped), with
        the prefix and phrase-head sets its word search uses.
        """
        base = {_compact(t) for t in whole_terms} - {""}
        phrases = frozenset(_compact(t) for t in whole_terms if len(_words(t)) > 1)
        anywhere = tuple(sorted({_REPEATS.sub(_first, _compact(t)) for t in anywhere_terms} - {""}))
        allowed = frozenset(_compact(t) for t in allowed_terms) - {""}
        maxlen = max(map(len, base), default=0)
        lexicon = cls(
            frozenset(base), anywhere, maxlen, tuple(sorted(base)), allowed=allowed, phrases=phrases
        )
        # proper prefixes: a joined run that starts no term ends the search there
        lexicon.prefixes = frozenset(t[:k] for t in base for k in range(1, len(t)))
        # what a run read across a space can start with: a phrase's beginning
        # (any word), or any term's (a letter spelled out alone)
        lexicon.phrase_heads = frozenset(t[:k] for t in phrases for k in range(1, len(t) + 1))
        lexicon._memo = {}  # word as given -> (term, starts) when it has either
        lexicon._plain = set()  # words as given that are no term and start none
        return lexicon

    def _word(self, word):
        """``(term the word is, forms that start a longer term)``, memoised."""
        found = self._memo.get(word)
        if found is None:
            form = lexicon_form(word)
            forms = () if form in self.allowed else word_forms(form)
            term = next((f for f in forms if f in self.whole), None)
            heads = self.prefixes if len(form) == 1 else self.phrase_heads
            starts = tuple(f for f in forms if f in heads and f in self.prefixes)
            found = (term, starts)
            memo = self._memo if term or starts else None
            if memo is not None:
                if len(memo) > _CACHE_MAX:
                    memo.clear()
                memo[word] = found
            else:
                if len(self._plain) > _CACHE_MAX:
                    self._plain.clear()
                self._plain.add(word)
        return found

    def _joined(self, joined):
        if joined in self.allowed:
            return None
        return next((f for f in word_forms(joined) if f in self.whole), None)

    def find(self, words):
        """The first term found in ``words`` (a token list), or ``None``."""
        return self.locate(words)[0]

    def locate(self, words):
        """``(term, first word, last word)`` of the first term found in
        ``words``, or ``(None, -1, -1)``; the words are in lexicon form.
        """
        # most words are known to be neither a term nor the start of one:
        # only the others are looked at (a set difference, in C)
        memo = self._memo
        for word in set(words).difference(self._plain):  # iterates the words, not the set
            if word not in memo:
                self._word(word)
        if memo.keys().isdisjoint(words):
            return self._anywhere(words)
        raw = words
        n = len(raw)
        prefixes = self.prefixes
        at = []
        for word in memo.keys() & set(raw):
            i = -1
            try:
                while True:
                    i = raw.index(word, i + 1)
                    at.append(i)
            except ValueError:
                pass
        for i in sorted(at):
            term, starts = memo[raw[i]]
            if term:
                return term, i, i
            # across a space only where the list says so (a phrase such as
            # «کلاه بردار», with an ending on any word), or letters spaced
            # out one by one («ک ی ر»)
            for head in starts:
                joined, spaced = head, len(lexicon_form(raw[i])) == 1
                for j in range(i + 1, min(n, i + MAX_JOIN)):
                    nxt = lexicon_form(raw[j])
                    if nxt in _ENDINGS:  # «دهن‌تون سرویس»: an ending after a ZWNJ
                        continue
                    joined += nxt[1:] if joined[-1] == nxt[0] else nxt
                    term = self._joined(joined)
                    if term and (spaced or term in self.phrases):
                        return term, i, j
                    spaced = spaced and len(nxt) == 1
                    if joined not in prefixes:
                        break
        return self._anywhere(raw)

    def _anywhere(self, words):
        if self.anywhere:
            # inside one word, or across letters spaced out one by one
            # («ک س ک ش»), never across a gap between two words
            compact = _spaced_runs(words)
            for term in self.anywhere:
                if term in compact:
                    return term, -1, -1
        return None, -1, -1


# «نسبت ناروا»: a hold term (an accusation, a mild insult) is held only
# when aimed at someone: a pointer before it («این دزد», «تو دروغگو»), a
# copula after it («دزد است»), a predicate ending on it («دزده», «دزدین»),
# or the comment speaking to someone («شما ... دزدید»); not when it is
# reported or a warning («گفت»، «متهم»، «مراقب ... باشید»).
POINTERS = frozenset(
    [
        "این",
        "اون",
        "آن",
        "ان",
        "ای",
        "تو",
        "شما",
        "آقای",
        "اقای",
        "آقا",
        "اقا",
        "خانم",
        "خانوم",
        "جناب",
        "یارو",
        "مرتیکه",
        "زنیکه",
        "مردک",
        "عجب",
        "چه",
        "چقدر",
        "خیلی",
        "انقدر",
        "اینقدر",
        "همون",
        "همین",
    ]
)
COPULAS = frozenset(
    [
        "است",
        "هست",
        "هستی",
        "هستید",
        "هستین",
        "هستند",
        "هستن",
        "هس",
        "ای",
        "اید",
        "بود",
        "بودی",
        "بودید",
        "بودین",
        "بودند",
        "شدی",
        "شدید",
        "شدین",
        "شده",
        "بودن",
    ]
)
PREDICATE_ENDINGS = frozenset(["ه", "ید", "ند", "ن", "یه", "یی", "ای", "ست"])
SECOND_PERSON = frozenset(
    [
        "تو",
        "شما",
        "خودت",
        "خودتی",
        "خودتون",
        "خودتو",
        "تویی",
        "شمایی",
        "شماها",
        "برو",
        "گمشو",
        "کردی",
        "کردید",
        "کردین",
        "خوردی",
        "خوردید",
        "خوردین",
    ]
)
REPORTED = frozenset(
    [
        "گفت",
        "گفته",
        "گفتند",
        "گفتن",
        "میگه",
        "میگن",
        "میگوید",
        "میگویند",
        "خواند",
        "نامید",
        "خطاب",
        "متهم",
        "اتهام",
        "ادعا",
        "مدعی",
        "مراقب",
        "مواظب",
        "هشدار",
        "مراقبت",
        "فریب",
        "گول",
        "شکایت",
        "پرونده",
        "دستگیر",
        "بازداشت",
        "محکوم",
        "کلمه",
        "واژه",
        "لغت",
    ]
)


def aimed(words, start, end, term):
    """Whether the hold ``term``, found in ``words[start:end + 1]``, is said
    of someone rather than reported or meant in general.
    """
    if start < 0:
        return False
    forms = [lexicon_form(w) for w in words]
    before = set(forms[max(0, start - 1) : start])
    if before & POINTERS:
        return True
    if set(forms) & REPORTED:
        return False
    joined = "".join(forms[start : end + 1])
    ending = joined[len(term) :] if joined.startswith(term) else ""
    if ending in PREDICATE_ENDINGS or set(forms[end + 1 : end + 3]) & COPULAS:
        return True
    # «دزدی», «بدبختی»: the act or the state, not the person
    if ending.startswith("ی") and not term.endswith(("ا", "و", "ی", "ه")):
        return False
    return bool(set(forms) & SECOND_PERSON)


def _spaced_runs(words):
    if min(map(len, words), default=2) > 1:
        return " ".join(map(_collapse, words))
    out, run = [], []
    for w in words:
        if len(w) == 1:
            run.append(w)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(w)
    if run:
        out.append("".join(run))
    return " ".join(map(_collapse, out))


def _words(term):
    return _TOKEN.findall(_fold_chars(_nfkc(term).lower()))


def _compact(term):
    """A listed term as the lexicon compares it: its words joined."""
    return lexicon_form("".join(_words(term)))


def bundled_terms(name, mild=False):
    """(whole-word terms, anywhere terms) of persian-text-guard's list ``name``,
    without its ``mild`` entries (everyday words before they are insults),
    or with ``mild`` those alone.
    """
    from persian_text_guard import WordCategory, WordList, WordMatchMode

    from chapar.guard_compat import bundled_list_text

    entries = [
        w
        for w in WordList.parse(bundled_list_text(name))
        if (w.category == WordCategory.MILD) == mild
    ]
    whole = [w.text for w in entries if w.mode == WordMatchMode.WHOLE_WORD]
    anywhere = [w.text for w in entries if w.mode != WordMatchMode.WHOLE_WORD]
    return whole, anywhere


def read_terms(path, allowed=None):
    """A project word file: one term a line, ``#`` comments, ``~term`` matches
    inside words (persian-text-guard's format); ``!word`` is an ordinary
    word that only looks like a term with an ending, appended to ``allowed``.
    """
    whole, anywhere = [], []
    for raw_line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = raw_line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        if line.startswith("!"):
            if allowed is not None:
                allowed.append(line[1:].strip())
            continue
        (anywhere if line.startswith("~") else whole).append(line.lstrip("~").strip())
    return whole, anywhere


def tables():
    """What comments.js needs to match a lexicon the same way."""
    return {
        "persian_suffixes": list(PERSIAN_SUFFIXES),
        "latin_suffixes": list(LATIN_SUFFIXES),
        "inner_suffixes": list(INNER_SUFFIXES),
        "latin_inner_suffixes": list(LATIN_INNER_SUFFIXES),
        "verb_prefixes": list(VERB_PREFIXES),
        "max_stack": MAX_STACK,
        "stem_min": STEM_MIN,
        "max_join": MAX_JOIN,
    }
