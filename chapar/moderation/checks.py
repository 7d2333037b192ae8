"""The checks a rule of ``data/moderation/rules.toml`` can name, one
:class:`Check` record each in :data:`REGISTRY`.
"""

import csv
import functools
import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from chapar.moderation import language, lexicon
from chapar.moderation.language import LANGUAGE_NAMES, _language
from chapar.moderation.lexicon import BUNDLED_LISTS, Lexicon, bundled_terms, read_terms
from chapar.moderation.words import (
    _TOKEN,
    LINK_PATTERN,
    _collapse,
    _fold_chars,
    _nfkc,
    prepare,
    tokens,
)


@dataclass(frozen=True)
class Check:
    """One check: what a rule's ``check = "name"`` runs.

    A new check is its function and its record in :data:`REGISTRY`, in this
    file only: the rules file then accepts it with its parameters (unknown
    keys refused, an int default asks for a whole number), ``load`` reads
    its files and checks the rest, the build, ``invoke moderation`` and the
    intake run it, and with ``browser`` set ``comments/rules.json`` exports
    its rules with ``export``'s parameters.  ``browser`` names the function
    of ``CHECKS`` in ``theme/static/js/comments.js`` that runs it there: an
    existing one, or one written there too.  A check reading across an
    article's comments, like ``duplicate``, is decided in
    :func:`chapar.moderation.thread.moderate_article`; one loading data
    other than a lexicon or stop words needs a field on
    :class:`~chapar.moderation.rules.Rule` (read by
    :func:`chapar.comments.decisions.rules_digest`).
    """

    name: str
    run: Callable  # (rule, Prepared, article words or None) -> None, or the reason
    params: dict = field(
        default_factory=dict
    )  # its keys and their defaults; int: a whole number >= 0
    load: Callable = None  # (rule, rules folder, problem): reads its files, checks its params
    browser: str = ""  # the comments.js check that runs it; "": at build time only
    export: Callable = None  # rule -> its parameters for comments.js
    tables: Callable = None  # () -> the tables comments.js reads under the check's name


class Hold(str):
    """A reason that holds the comment for an editor even under a rejecting
    rule: what a check returns when it is not sure enough to reject (a
    comment of emoji alone, an accusation aimed at someone).
    """

    __slots__ = ()


class ArticleWords:
    """What ``relevance`` compares a comment with (:func:`article_words`)."""

    def __init__(self, stems, line):
        self.stems = stems  # the stems of its words, stop words left out (read only)
        self.line = line  # the stems in order, " | " for a stop word, a space on either end

    @functools.cached_property
    def _pairs(self):
        return Counter(itertools.pairwise(self.line.split()))

    def has_pair(self, first, second):
        """How often the article has the stems ``first``, ``second`` as
        neighbouring words (a name or phrase of two words); 0: never.
        """
        return self._pairs.get((first, second), 0)


def article_words(text, rules):
    """What ``relevance`` compares a comment with: the stems of an article's
    words, and in order (for its pairs of neighbouring words); the names of the relevance
    rules' ``names`` files that the article mentions are added with all
    their other spellings.
    """
    relevance = rules.of("relevance")
    skip = (
        relevance[0].skip_words
        if len(relevance) == 1
        else frozenset().union(*(r.skip_words for r in relevance))
    )
    # the words of prepare(text), each distinct one collapsed and stemmed once
    raw = _TOKEN.findall(_fold_chars(_nfkc(text).lower()))
    distinct = set(raw)
    memo = {
        word: "|" if collapsed in skip else _stem(collapsed)
        for word, collapsed in zip(distinct, map(_collapse, distinct), strict=True)
    }
    stems = set(memo.values())
    stems.discard("|")
    line = f" {' '.join(map(memo.__getitem__, raw))} "
    if any(r.names for r in relevance):
        line = _add_names(text, line, relevance, stems)
    return ArticleWords(stems, line)


def _add_names(text, line, relevance, stems):
    """The names of the rules' ``names`` files that the article mentions
    (in its text, or by id in its ``Agencies:`` line), with all their
    spellings: added to ``stems``, and to ``line``, returned.

    A name is found where its content words' stems stand in a row in the
    article's (stop words between them left out); names are looked up by their
    first two stems (``Rule.name_index``; by id, ``Rule.name_ids``), so an article costs its own words,
    not every name of the award data.
    """
    listed = set()
    for header in _AGENCIES_HEADER.findall(text):
        listed.update(x.strip().lower() for x in header.split(","))
    words = [w for w in line.split() if w != "|"]  # the content words' stems in order
    added = []
    for rule in relevance:
        index = rule.name_index
        found = {i for key in listed for i in rule.name_ids.get(key, ())}
        for at, first in enumerate(words):
            for head in ((first,), (first, words[at + 1] if at + 1 < len(words) else None)):
                for i, name in index.get(head, ()):
                    if tuple(words[at : at + len(name)]) == name:
                        found.add(i)
        for i in sorted(found):  # in the names files' order
            for name in rule.names[i][1]:
                stemmed = [None if w in rule.skip_words else _stem(w) for w in name]
                stems.update(s for s in stemmed if s)
                added.append(" ".join(s or "|" for s in stemmed))
    return line + " | ".join(["", *added, ""]) if added else line


_AGENCIES_HEADER = re.compile(r"^Agencies:(.*)$", re.MULTILINE)


def _name_key(name, skip):
    """How a name is looked for in an article: its first content word's stem,
    and all its content words' stems in order.
    """
    found = [_stem(w) for w in name if w not in skip]
    return (found[0] if found else None), f" {' '.join(found)} "


def _split_in_two(word, article):
    """``word`` is two neighbouring words of ``article`` written as one
    («زیباکلام» for «زیبا کلام»): a word of the article, of three letters or
    more, and the stem of the rest make one of its pairs.
    """
    for cut in range(3, len(word) - 2):
        first = word[:cut]
        if first in article.stems and article.has_pair(first, _stem(word[cut:])):
            return True
    return False


# Persian endings read off before comparing (README.md, "Comments (for
# editors)"): superlative and comparative, plurals, the ezafe and indefinite
# «ی», the «ه» of adjectives and nouns; two at most («دستگاههایی»).  The
# ending «گی»/«گان» of a word in «ه» («بازنشستگی», «کنندگان») loses its «گ»
# too, so it meets «بازنشسته», «کننده».  Verb prefixes «می»/«نمی».
_STEM_SUFFIXES = ("ترین", "هایی", "های", "تر", "ها", "ان", "ات", "یی", "ای", "ی", "ه")
# the suffixes by their last letter, longest first: one look-up finds the few to try
_BY_LAST = {
    last: tuple(x for x in _STEM_SUFFIXES if x[-1] == last)
    for last in {x[-1] for x in _STEM_SUFFIXES}
}


@functools.lru_cache(maxsize=1 << 17)
def _stem(word):
    if len(word) >= 5 and word.startswith("می"):  # noqa: PLR2004
        word = word[2:]
    elif len(word) >= 5 and word.startswith("نمی"):  # noqa: PLR2004
        word = word[3:]
    for _ in range(2):
        for suffix in _BY_LAST.get(word[-1:], ()):
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:  # noqa: PLR2004
                word = word[: -len(suffix)]
                if suffix in ("ی", "ان") and word.endswith("گ") and len(word) >= 4:  # noqa: PLR2004
                    word = word[:-1]
                break
        else:
            break
    return word


# Every word of one letter (relevance leaves them out): the characters of
# TOKEN_PATTERN's classes, all in the Basic Multilingual Plane.
_ONE_LETTER_WORDS = frozenset(
    "".join(
        _TOKEN.findall("".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x10000))))
    )
)

_LINK = re.compile(LINK_PATTERN, re.IGNORECASE)


def count_links(text):
    """Web addresses, written out or inside Markdown links (emails are not links)."""
    return len(_LINK.findall(text))


def check_text(rule, text, words, article=None):
    """``None`` when ``text`` passes ``rule``, else the reason (English, for
    editors).  ``words`` is ``tokens(text)``; ``article`` the article's
    :func:`article_words` (relevance is skipped without it).
    """
    return _check(rule, prepare(text)._replace(words=words), article)


def _check(rule, p, article=None):
    """:func:`check_text` on a :class:`Prepared` text."""
    check = RUN.get(rule.check)
    return check(rule, p, article) if check else None


def _check_length(rule, p, article):
    text, limit = p.text.strip(), rule.params["max"]
    if not p.words and not text:
        return "the comment is empty"
    if len(text) > limit:
        return f"{len(text)} characters, more than {limit}"
    return None


def _check_lexicon(rule, p, article):
    term = rule.lexicon.find(p.raw)
    if term:
        return f"contains the listed term «{term}»"
    if rule.hold_lexicon is not None:
        term, start, end = rule.hold_lexicon.locate(p.raw)
        if term and lexicon.aimed(p.raw, start, end, term):
            return Hold(f"«{term}» said of someone: an accusation or insult for an editor to judge")
    return None


def _read_lexicon(rule, folder, problem, lists, files, mild):
    whole, anywhere, allowed = [], [], []
    for name in lists:
        if name not in BUNDLED_LISTS:
            problem(f"unknown word list {name!r}; use: " + ", ".join(BUNDLED_LISTS))
            continue
        w, a = bundled_terms(name, mild=mild)
        whole += w
        anywhere += a
    for name in files:
        try:
            w, a = read_terms(folder / name, allowed)
        except (OSError, UnicodeDecodeError) as exc:
            problem(f"cannot read word file {name!r}: {exc}")
            continue
        whole += w
        anywhere += a
    return whole, anywhere, allowed


def _load_lexicon(rule, folder, problem):
    params = rule.params
    whole, anywhere, allowed = _read_lexicon(
        rule, folder, problem, params["lists"], params["words"], mild=False
    )
    rule.lexicon = Lexicon.build(whole, anywhere, allowed)
    if params["hold_words"] or params["hold_mild"]:
        hold_whole, hold_anywhere, hold_allowed = _read_lexicon(
            rule,
            folder,
            problem,
            params["lists"] if params["hold_mild"] else [],
            params["hold_words"],
            mild=True,
        )
        rule.hold_lexicon = Lexicon.build(hold_whole, hold_anywhere, allowed + hold_allowed)


def _export_lexicon(rule):
    # terms already folded: the raw word lists are not republished
    # (the hold tier only holds: the browser sends such comments, so it is not exported)
    lex = rule.lexicon
    return {
        "whole": list(lex.terms),
        "anywhere": list(lex.anywhere),
        "allowed": sorted(lex.allowed),
        "phrases": sorted(lex.phrases),
    }


def _check_language(rule, p, article):
    found = _language(p)
    if found in rule.params["accept"]:
        return None
    if found == "none":  # emoji, digits or punctuation: an editor reads it
        return Hold("no words to tell its language (emoji, digits or punctuation only)")
    return f"written in {LANGUAGE_NAMES[found]}, not Persian"


def _load_language(rule, folder, problem):
    bad = [c for c in rule.params["accept"] if c not in LANGUAGE_NAMES]
    if bad:
        problem("unknown language code(s): " + ", ".join(map(str, bad)))


def _check_links(rule, p, article):
    links = count_links(p.text) if not p.plain else 0  # a link needs «://» or «www.»
    if links > rule.params["max"]:
        return f"{links} links, more than {rule.params['max']}"
    return None


# A shared pair of neighbouring words that the article has once (a name:
# «علیرضا قربانی») counts as one and a half words, not two: a name says who,
# not what.  A pair the article repeats («دولت الکترونیک») is its topic: two.
PAIR_WEIGHT = 0.5


def relevance_score(rule, words, article):
    """``(score, shared, counted)`` of a comment's ``words`` (:func:`tokens`)
    against ``article`` (:func:`article_words`): ``shared``, the comment's words
    whose stems the article has (or two of its words, neither the article's,
    written as one of the article's, or one of its words that the article
    writes as two), in the
    comment's spelling; ``counted``, how many of its words count (stop words,
    one-letter words, and digits or Latin words the article does not share
    left out); the score, README.md "Comments (for editors)":
    (shared - 0.5 x shared pairs the article has once)
    x (1 + 2 / sqrt(counted x article stems)).
    """
    skip, known = rule.skip_words, article.stems
    shared, stems, pairs = {}, set(), set()
    previous = before = None  # the word before, and its stem
    for word in words:
        if word in skip:
            previous = None
            continue
        stem = _stem(word)
        stems.add(stem)
        mine = stem in known
        if mine or (len(word) >= 6 and _split_in_two(word, article)):  # noqa: PLR2004
            shared.setdefault(stem, word)
        if previous is not None:
            if before in known:
                # a name the article mentions once; said again, it is its topic
                if mine and article.has_pair(before, stem) == 1:
                    pairs.add((previous, word))
            elif not mine:  # neither is the article's: one word there?
                one = _stem(previous + word)
                if one in known:
                    shared.setdefault(one, previous + " " + word)
        previous, before = word, stem
    # a word is Latin letters and digits or Arabic letters (TOKEN_PATTERN): isascii tells
    counted = len({s for s in stems if s not in shared and not s.isascii()}) + len(shared)
    if not shared:
        return 0.0, [], counted
    evidence = len(shared) - PAIR_WEIGHT * min(len(pairs), len(shared) // 2)
    score = evidence * (1 + 2 / math.sqrt(counted * max(1, len(article.stems))))
    return score, list(shared.values()), counted


def _check_relevance(rule, p, article):
    if article is None:
        return None
    params = rule.params
    score, shared, counted = relevance_score(rule, p.words, article)
    if counted < params["min_words"] or score >= params["min_score"]:
        return None
    words = f" ({'، '.join(shared)})" if shared else ""
    return (
        f"shares {len(shared)} of its {counted} words with the article{words}: "
        f"score {score:.1f}, needs {params['min_score']}"
    )


def _load_relevance(rule, folder, problem):
    words = set()
    for name in rule.params["stop_words"]:
        try:
            words.update(read_terms(folder / name)[0])
        except (OSError, UnicodeDecodeError) as exc:
            problem(f"cannot read stop-word file {name!r}: {exc}")
    rule.stop_words = frozenset(t for w in words for t in tokens(w))
    names = []
    for name in rule.params["names"]:
        if not (folder / name).exists():
            continue  # a site without award data (README.md, "Awards") has no names
        try:
            names += read_names(folder / name)
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            problem(f"cannot read names file {name!r}: {exc}")
    rule.names = tuple(
        (key, spellings, tuple(_name_key(n, rule.skip_words) for n in spellings))
        for key, spellings in names
    )
    # an id -> its names; the first stem of a one-word name, or the first two of a
    # longer one -> (the name, all its stems in order)
    ids, index = {}, {}
    for i, (key, _spellings, looked_for) in enumerate(rule.names):
        ids.setdefault(key, []).append(i)
        for first, name_key in looked_for:
            if first is not None:
                name = tuple(name_key.split())
                index.setdefault(name[:2], []).append((i, name))
    rule.name_ids, rule.name_index = ids, index


def read_names(path):
    """``[(id, (name words, ...)), ...]`` of a CSV file of names: its ``name``
    (or ``title``) column and its ``aliases`` (``|`` between them), each
    row one entity (an agency, a festival) under its ``id``.
    """
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = []
    for row in rows:
        spellings = [row.get("name") or row.get("title") or ""]
        spellings += (row.get("aliases") or "").split("|")
        words = tuple(w for w in (tuple(tokens(s)) for s in spellings) if w)
        if words:
            names.append(((row.get("id") or "").strip().lower(), words))
    return names


def _check_duplicate(rule, p, article):
    return None  # across comments: moderate_article


REGISTRY = (
    Check(
        "lexicon",
        _check_lexicon,
        {"lists": ["persian", "finglish"], "words": [], "hold_words": [], "hold_mild": False},
        load=_load_lexicon,
        browser="lexicon",
        export=_export_lexicon,
        tables=lexicon.tables,
    ),
    Check(
        "language",
        _check_language,
        {"accept": ["fa"]},
        load=_load_language,
        browser="language",
        export=lambda rule: {"accept": list(rule.params["accept"])},
        tables=language.tables,
    ),
    Check(
        "relevance",
        _check_relevance,
        {"min_words": 4, "min_score": 2.0, "stop_words": [], "names": []},
        load=_load_relevance,
    ),
    Check("links", _check_links, {"max": 1}),
    Check("duplicate", _check_duplicate),
    Check(
        "length",
        _check_length,
        {"max": 3000},
        browser="length",
        export=lambda rule: {"max": rule.params["max"]},
    ),
)
BY_NAME = {c.name: c for c in REGISTRY}
CHECKS = tuple(BY_NAME)
DEFAULT_PARAMS = {c.name: c.params for c in REGISTRY}
BROWSER_CHECKS = tuple(c.name for c in REGISTRY if c.browser)
RUN = {c.name: c.run for c in REGISTRY}
