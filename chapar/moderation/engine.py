"""The moderation engine: rules from ``data/moderation/rules.toml`` and the checks.

Pure functions over text, no Pelican: the build, ``invoke moderation`` and a
later intake service share them.  Everything the browser re-checks (folding,
tokens, language, lexicon, length) is driven by tables exported in
:func:`export_rules`, so ``theme/static/js/comments.js`` cannot drift from it
(``tests/data/moderation_examples.json`` runs through both).
"""

import functools
import operator
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from chapar.problems import Problem
from chapar.persian import folding

CHECKS = ("lexicon", "language", "relevance", "links", "duplicate", "length")
ACTIONS = ("reject", "hold")
BUNDLED_LISTS = ("persian", "finglish")  # persian-text-guard's lists (chapar/guard_compat.py)

# --- normalisation (mirrored by comments.js from the exported tables) -------

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
    (``كلاهبـــردار`` → ``کلاهبردار``, ``خیلییییی`` → ``خیلی``)."""
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
    are collapsed one by one, memoised, instead of the whole text."""
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


# --- language ---------------------------------------------------------------

# Letters only Persian writes, and Arabic letters or marks Persian rarely
# does; counted on the text before folding.
PERSIAN_LETTERS = "پچژگ"
ARABIC_MARKS = "ةأإؤًٌٍ"

# Function words: the most frequent words decide a language even in two-word
# comments.  Compared in folded form.
FA_WORDS = (
    "و در به از که این را با است برای آن یک خود تا بر هم نیز می نمی شد شود ها های ای بود "
    "باید کرد کند کنند شده اند هست نیست است بسیار خیلی اما ولی چرا چه چطور کجا کی چی "
    "ما من شما او آنها ایشان ما مردم دولت خوب بد عالی ممنون مرسی سلام دست درد نکنه "
    "چقدر همه هر هیچ اگر وقتی پس حالا الان دیگر دیگه هنوز باشد باشند داریم دارند دارد "
    "کنیم کنید کردند میشه نمیشه بشه واقعا حتما لطفا امیدوارم ایشالا انشالله آقای خانم "
    "استان استاندار شهر کشور ادارات اداره مسئولان مسئولین کار"
).split()
AR_WORDS = (
    "في من على الی الى إلى عن هذا هذه ذلك تلک تلك الذي التي الذین الذين کان كان کانت "
    "قد لا لم لن هو هي نحن انا أنا انت أنت أن إن مع ثم بین بين لیس ليس "
    "عند حتی حتى او أو اذا إذا لماذا کیف كيف شکرا شكرا جزاک جزاك جدا جیدا جيدا "
    "الله والله اللهم نعم ایضا أيضا هناک هناك لقد الیوم اليوم لکن لكن هل"
).split()
# Persian words that start with «ال» and are not Arabic.
FA_AL_WORDS = (
    "البته الان الکترونیک الکترونیکی الگو الگوی الزام الزاما الهام الهی الیاف الماس "
    "البرز الکل الکی الف الاغ الحاق الویت اولویت"
).split()
EN_WORDS = (
    "the and is are was were of to in that it for on with as this be at by not or "
    "have has had you your we they he she i my our their from but what which who "
    "will would can could should very good great news article thanks thank please "
    "an all do does did so if about there here just"
).split()
FINGLISH_WORDS = (
    "va dar be az ke in ra ba ast hast nist baraye an yek khod ta ham niz mishe nemishe "
    "shod shode bood mikonam mikone mikonan kard kardan khoob khub kheili kheyli khili "
    "kheily salam mamnoon mamnun merci mersi dast dard nakone chera chi chetor koja ki "
    "man shoma ma oon una inja unja alan hala dige hanooz bayad mardom dolat doulat "
    "agha khanom ostan ostandar shahr keshvar edare kar age vaghean vaqean lotfan "
    "omidvaram inshalla ishala mage chon faghat faqat hamin hamash kheyr are areh na "
    "nakhair kojast chie khube bade ali awli aali sakhte behtar bishtar"
).split()
FINGLISH_DIGRAPHS = ("kh", "gh", "zh", "aa", "oo", "ei", "ey")


def detect_language(text):
    """``fa``, ``ar``, ``en``, ``fin`` (Finglish) or ``none`` (no letters).

    A script-and-letter heuristic (no language detector knows Finglish):
    Latin against Arabic script first, then Persian-only letters and
    function words against Arabic marks, function words and «ال» words, or
    Finglish words and digraphs against English words."""
    return _language(prepare(text))


def _language(p):
    """:func:`detect_language` of a :class:`Prepared` text: web addresses and
    emails do not count, so a text with any is folded again without them."""
    if p.plain:
        text, folded, raw, words = p.low, p.chars, p.raw, p.words
    else:
        text = _URL.sub(" ", p.low)
        folded = _fold_chars(text)
        raw = _TOKEN.findall(folded)
        words = None
    # Arabic letters: FOLD maps each to one Arabic letter (the words' letters),
    # but drops the superscript alef
    arabic = (sum(map(len, raw)) - sum(map(len, filter(str.isascii, raw)))
              + text.count("\u0670"))
    latin = len(_LATIN_LETTER.findall(text))
    if not arabic and not latin:
        return "none"
    if latin > arabic:
        # Latin words keep their doubled letters: «aa», «oo» mark Finglish.
        latin_words = [w for w in raw if w.isascii() and not w.isdigit()]
        en = 2 * sum(map(_EN.__contains__, latin_words))
        fin = 2 * sum(map(_FIN.__contains__, latin_words))
        fin += sum(1 for w in latin_words for d in FINGLISH_DIGRAPHS if d in w)
        return "fin" if fin > en else "en"
    fa = sum(map(text.count, PERSIAN_LETTERS))
    ar = sum(map(text.count, ARABIC_MARKS))
    if words is None:
        words = list(map(_collapse, raw))
    # _FA and _AR are disjoint: each word counts for one of them at most
    fa += 2 * sum(map(_FA.__contains__, words))
    ar += 2 * sum(map(_AR.__contains__, words))
    if "ال" in folded:
        ar += sum(1 for w in words if w.startswith("ال") and len(w) > 3 and w not in _FA_AL
                  and w not in _FA and w not in _AR)
    return "ar" if ar > fa else "fa"


_FA = frozenset(fold(w) for w in FA_WORDS)
_AR = frozenset(fold(w) for w in AR_WORDS) - _FA
_FA_AL = frozenset(fold(w) for w in FA_AL_WORDS)
_EN = frozenset(EN_WORDS)
_FIN = frozenset(FINGLISH_WORDS)

LANGUAGE_NAMES = {
    "fa": "Persian", "ar": "Arabic", "en": "English",
    "fin": "Finglish (Persian in Latin letters)", "none": "no words",
}


# --- lexicon ----------------------------------------------------------------

PERSIAN_SUFFIXES = ("ها", "های", "ی", "ای", "ه", "ت", "ش", "تون", "شون", "ان", "ام", "ات", "ند")
LATIN_SUFFIXES = ("i", "e", "et", "esh", "ha")
MAX_JOIN = 4  # words read together: «کلاه بردار», «ک ی ر», «k.i.r»


@dataclass
class Lexicon:
    """Terms in comparison form: ``whole`` words (with Persian suffixes) and
    ``anywhere`` stems matched inside longer words."""

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
    without its ``mild`` entries (everyday words before they are insults)."""
    from persian_text_guard import WordCategory, WordList, WordMatchMode

    from chapar.guard_compat import bundled_list_text

    entries = [
        w for w in WordList.parse(bundled_list_text(name))
        if w.category != WordCategory.MILD
    ]
    whole = [w.text for w in entries if w.mode == WordMatchMode.WHOLE_WORD]
    anywhere = [w.text for w in entries if w.mode != WordMatchMode.WHOLE_WORD]
    return whole, anywhere


def read_terms(path):
    """A project word file: one term a line, ``#`` comments, ``~term`` matches
    inside words (persian-text-guard's format)."""
    whole, anywhere = [], []
    for line in Path(path).read_text(encoding="utf-8-sig").splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        (anywhere if line.startswith("~") else whole).append(line.lstrip("~").strip())
    return whole, anywhere


# --- rules ------------------------------------------------------------------


class Decision(NamedTuple):
    status: str  # published | held | rejected
    rule: str  # the rule id, "editor" or "thread"; "" when published by the rules
    reason: str


PUBLISHED = Decision("published", "", "passes every rule")


@dataclass
class Rule:
    id: str
    text: str = ""
    check: str = ""
    action: str = "reject"
    params: dict = field(default_factory=dict)
    lexicon: Lexicon = None
    stop_words: frozenset = frozenset()

    @functools.cached_property
    def skip_words(self):
        """What ``relevance`` leaves out: stop words and one-letter words."""
        return self.stop_words | _ONE_LETTER_WORDS


@dataclass
class Rules:
    rules: list
    path: str = ""

    @property
    def texts(self):
        """What readers see under the form, in order."""
        return [r.text for r in self.rules if r.text]

    def of(self, check):
        return [r for r in self.rules if r.check == check]

    @functools.cached_property
    def enforced(self):
        """The rules with a check, in file order."""
        return [r for r in self.rules if r.check]


class RulesError(ValueError):
    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


DEFAULT_PARAMS = {
    "language": {"accept": ["fa"]},
    "relevance": {"min_words": 4, "min_share": 0.1, "stop_words": []},
    "links": {"max": 1},
    "length": {"max": 3000},
    "lexicon": {"lists": ["persian", "finglish"], "words": []},
    "duplicate": {},
}
_RULE_KEYS = {"id", "text", "check", "action"}


def load_rules(path):
    """Read and validate the rules file; every problem raises at once as
    :class:`RulesError` with ``path:line: message`` problems."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RulesError([Problem(str(path), 1, f"cannot read the rules file: {exc.strerror}")])
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        line = int(m[1]) if (m := re.search(r"line (\d+)", str(exc))) else 1
        raise RulesError([Problem(str(path), line, f"not valid TOML: {exc}")]) from None
    rule_lines = [n for n, text in enumerate(raw.splitlines(), 1) if text.strip() == "[[rule]]"]
    problems, rules, seen = [], [], set()
    entries = data.get("rule", [])
    if not isinstance(entries, list) or not entries:
        problems.append(Problem(str(path), 1, "no [[rule]] tables"))
        entries = []
    for index, entry in enumerate(entries):
        line = rule_lines[index] if index < len(rule_lines) else 1

        def problem(message, line=line):
            problems.append(Problem(str(path), line, message))

        rule_id = str(entry.get("id", "")).strip()
        if not rule_id:
            problem("rule without an id")
        elif rule_id in seen:
            problem(f"rule id {rule_id!r} is used twice")
        seen.add(rule_id)
        check = entry.get("check", "")
        if check and check not in CHECKS:
            problem(f"unknown check {check!r}; use one of: " + ", ".join(CHECKS))
            continue
        if not check and not entry.get("text"):
            problem(f"rule {rule_id!r} has neither text nor check")
        action = entry.get("action", "reject")
        if action not in ACTIONS:
            problem(f"unknown action {action!r}; use one of: " + ", ".join(ACTIONS))
        params = dict(DEFAULT_PARAMS.get(check, {}))
        for key, value in entry.items():
            if key in _RULE_KEYS:
                continue
            if key not in params:
                problem(f"rule {rule_id!r}: unknown key {key!r} for check {check or 'none'!r}")
            else:
                params[key] = value
        rule = Rule(rule_id, str(entry.get("text", "")).strip(), check, action, params)
        folder = path.parent
        if check == "lexicon":
            whole, anywhere = [], []
            for name in params["lists"]:
                if name not in BUNDLED_LISTS:
                    problem(f"unknown word list {name!r}; use: " + ", ".join(BUNDLED_LISTS))
                    continue
                w, a = bundled_terms(name)
                whole += w
                anywhere += a
            for name in params["words"]:
                try:
                    w, a = read_terms(folder / name)
                except (OSError, UnicodeDecodeError) as exc:
                    problem(f"cannot read word file {name!r}: {exc}")
                    continue
                whole += w
                anywhere += a
            rule.lexicon = Lexicon.build(whole, anywhere)
        elif check == "relevance":
            words = set()
            for name in params["stop_words"]:
                try:
                    words.update(read_terms(folder / name)[0])
                except (OSError, UnicodeDecodeError) as exc:
                    problem(f"cannot read stop-word file {name!r}: {exc}")
            rule.stop_words = frozenset(t for w in words for t in tokens(w))
        elif check == "language":
            bad = [c for c in params["accept"] if c not in LANGUAGE_NAMES]
            if bad:
                problem("unknown language code(s): " + ", ".join(map(str, bad)))
        for key in ("max", "min_words"):
            if key in params and not (isinstance(params[key], int) and params[key] >= 0):
                problem(f"rule {rule_id!r}: {key} must be a whole number")
        rules.append(rule)
    if problems:
        raise RulesError(problems)
    return Rules(rules, str(path))


# --- checks -----------------------------------------------------------------


def article_words(text, rules):
    """The stems of an article's words, for ``relevance``."""
    stop = frozenset().union(*(r.stop_words for r in rules.of("relevance")))
    # the words of prepare(text), each distinct one collapsed once
    raw = set(_TOKEN.findall(_fold_chars(_nfkc(text).lower())))
    return frozenset(map(_stem, set(map(_collapse, raw)).difference(stop)))


_STEM_SUFFIXES = ("ترین", "های", "تر", "ها", "ان", "ات", "ی")


@functools.lru_cache(maxsize=1 << 17)
def _stem(word):
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


# Every word of one letter (relevance leaves them out): the characters of
# TOKEN_PATTERN's classes, all in the Basic Multilingual Plane.
_ONE_LETTER_WORDS = frozenset("".join(_TOKEN.findall(
    "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))))

_LINK = re.compile(LINK_PATTERN, re.IGNORECASE)


def count_links(text):
    """Web addresses, written out or inside Markdown links (emails are not links)."""
    return len(_LINK.findall(text))


def check_text(rule, text, words, article=None):
    """``None`` when ``text`` passes ``rule``, else the reason (English, for
    editors).  ``words`` is ``tokens(text)``; ``article`` the article's
    :func:`article_words` (relevance is skipped without it)."""
    return _check(rule, prepare(text)._replace(words=words), article)


def _check(rule, p, article=None):
    """:func:`check_text` on a :class:`Prepared` text."""
    check = _CHECKS.get(rule.check)
    return check(rule, p, article) if check else None


def _check_length(rule, p, article):
    text, limit = p.text.strip(), rule.params["max"]
    if not p.words and not text:
        return "the comment is empty"
    if len(text) > limit:
        return f"{len(text)} characters, more than {limit}"
    return None


def _check_lexicon(rule, p, article):
    term = rule.lexicon.find(p.words)
    return f"contains the listed term «{term}»" if term else None


def _check_language(rule, p, article):
    language = _language(p)
    if language not in rule.params["accept"]:
        return f"written in {LANGUAGE_NAMES[language]}, not Persian"
    return None


def _check_links(rule, p, article):
    links = count_links(p.text) if not p.plain else 0  # a link needs «://» or «www.»
    if links > rule.params["max"]:
        return f"{links} links, more than {rule.params['max']}"
    return None


def _check_relevance(rule, p, article):
    if article is None:
        return None
    # its words of two letters or more, stop words left out, stemmed
    content = set(map(_stem, set(p.words).difference(rule.skip_words)))
    params = rule.params
    if len(content) >= params["min_words"]:
        shared = len(content & article)
        if shared < params["min_share"] * len(content):
            return (f"shares {shared} of its {len(content)} words with the article "
                    f"(needs {params['min_share']:.0%})")
    return None


_CHECKS = {
    "length": _check_length, "lexicon": _check_lexicon, "language": _check_language,
    "links": _check_links, "relevance": _check_relevance,
    "duplicate": lambda rule, p, article: None,  # across comments: moderate_article
}


def moderate(rules, text, article=None, earlier=(), words=None):
    """The rules' decision on one comment: rejecting rules win over holding
    ones, the first in file order names the reason.  ``earlier`` holds the
    :func:`normalized_text` of comments before it on the same article;
    ``words`` may pass ``tokens(text)`` already computed."""
    p = prepare(text)
    if words is not None:
        p = p._replace(words=words)
    return _moderate(rules, p, article, earlier)


def _moderate(rules, p, article, earlier, line=None):
    """:func:`moderate` on a :class:`Prepared` text; ``line`` is its
    :func:`normalized_text` when already joined."""
    held = None
    for rule in rules.enforced:
        if rule.check == "duplicate":
            if not p.words:
                continue
            if line is None:
                line = " ".join(p.words)
            if line not in earlier:
                continue
            reason = "the same text was already posted on this article"
        else:
            reason = _CHECKS[rule.check](rule, p, article)
            if reason is None:
                continue
        if rule.action == "reject":
            return Decision("rejected", rule.id, reason)
        held = held or Decision("held", rule.id, reason)
    return held or PUBLISHED


EDITOR = {"approved": "published", "rejected": "rejected"}
_DATE_ID = operator.attrgetter("date", "id")


LIMIT = "too-long"  # the rule a comment over the hard limit is rejected by


def moderate_article(rules, comments, article_text="", limit=None):
    """Decisions for one article's comments: ``comments`` are objects with
    ``id``, ``date``, ``body``, ``status`` and ``reply_to``.  The editor's
    Status overrides the rules; a reply to a comment that is not published is
    not published either.  A body longer than ``limit`` characters is
    rejected whatever its Status (a limit, not a rule: README.md, Comments)
    and read no further.  Returns ``{id: Decision}``."""
    article = article_words(article_text, rules) if rules.of("relevance") else None
    decisions, earlier = {}, set()
    for comment in sorted(comments, key=_DATE_ID):
        if limit is not None and len(comment.body) > limit:
            decisions[comment.id] = Decision(
                "rejected", LIMIT, f"{len(comment.body)} characters, over the limit of "
                f"{limit} (COMMENTS_MAX_CHARACTERS) that no Status overrides")
            continue
        p = prepare(comment.body)
        line = " ".join(p.words)
        if comment.status in EDITOR:
            decision = Decision(EDITOR[comment.status], "editor", f"Status: {comment.status}")
        else:
            decision = _moderate(rules, p, article, earlier, line)
        earlier.add(line)
        decisions[comment.id] = decision
    if any(c.reply_to for c in comments):
        _unpublished_parents(comments, decisions)
    return decisions


def _unpublished_parents(comments, decisions):
    """A reply below a comment that is not published is held ("thread"),
    naming the nearest such comment above it: each comment's chain is walked
    once (a chain of thousands of replies costs its length, not its square)."""
    by_id = {c.id: c for c in comments}
    blocked = {}  # Id -> the nearest unpublished comment at or above it, or ""
    for comment in comments:
        chain, on_chain, current = [], set(), comment.id
        while current in by_id and current not in blocked:
            if decisions[current].status != "published":
                blocked[current] = current
                break
            if current in on_chain:  # a loop: reported by store.check_thread
                blocked[current] = ""
                break
            chain.append(current)
            on_chain.add(current)
            current = by_id[current].reply_to
        end = blocked.get(current, "")
        for link in chain:  # all published: the same comment is the nearest above each
            blocked[link] = end
    for comment in comments:
        parent = comment.reply_to
        if parent in by_id and decisions[comment.id].status == "published":
            above = blocked.get(parent, "")
            if above:
                decisions[comment.id] = Decision(
                    "held", "thread", f"replies to {above}, which is {decisions[above].status}")


# --- export for the browser ---------------------------------------------------

BROWSER_CHECKS = ("language", "length", "lexicon")


def browser_check(rules, text):
    """What comments.js answers before sending: the id of the first rule among
    the browser checks that ``text`` fails, or ``None``."""
    words = tokens(text)
    for rule in rules.rules:
        if rule.check in BROWSER_CHECKS and check_text(rule, text, words) is not None:
            return rule.id
    return None


def export_rules(rules):
    """The JSON-able tables comments.js needs: reader texts, and for the
    browser checks their parameters with lexicon terms already folded (the
    raw word lists are not republished)."""
    out = []
    for rule in rules.rules:
        item = {"id": rule.id, "text": rule.text, "check": rule.check, "action": rule.action}
        if rule.check == "length":
            item["max"] = rule.params["max"]
        elif rule.check == "language":
            item["accept"] = list(rule.params["accept"])
        elif rule.check == "lexicon":
            item["whole"] = list(rule.lexicon.terms)
            item["anywhere"] = list(rule.lexicon.anywhere)
        elif rule.check:
            item["check"] = ""  # enforced at build time only
            item["enforced"] = rule.check
        out.append(item)
    return {
        "version": 1,
        "normalize": {
            "fold": FOLD,
            "token": TOKEN_PATTERN,
            "arabic_letter": ARABIC_LETTER_PATTERN,
            "url": URL_PATTERN,
        },
        "language": {
            "persian_letters": PERSIAN_LETTERS,
            "arabic_marks": ARABIC_MARKS,
            "fa_words": sorted(_FA),
            "ar_words": sorted(_AR),
            "fa_al_words": sorted(_FA_AL),
            "en_words": sorted(_EN),
            "finglish_words": sorted(_FIN),
            "finglish_digraphs": list(FINGLISH_DIGRAPHS),
        },
        "lexicon": {
            "persian_suffixes": list(PERSIAN_SUFFIXES),
            "latin_suffixes": list(LATIN_SUFFIXES),
            "max_join": MAX_JOIN,
        },
        "rules": out,
    }
