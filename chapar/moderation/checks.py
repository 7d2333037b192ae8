"""The checks a rule of ``data/moderation/rules.toml`` can name, one
:class:`Check` record each in :data:`REGISTRY`.
"""

import functools
import re
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
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:  # noqa: PLR2004
            return word[: -len(suffix)]
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


def _check_relevance(rule, p, article):
    if article is None:
        return None
    # its words of two letters or more, stop words left out, stemmed
    content = set(map(_stem, set(p.words).difference(rule.skip_words)))
    params = rule.params
    if len(content) >= params["min_words"]:
        shared = len(content & article)
        if shared < params["min_share"] * len(content):
            return (
                f"shares {shared} of its {len(content)} words with the article "
                f"(needs {params['min_share']:.0%})"
            )
    return None


def _load_relevance(rule, folder, problem):
    words = set()
    for name in rule.params["stop_words"]:
        try:
            words.update(read_terms(folder / name)[0])
        except (OSError, UnicodeDecodeError) as exc:
            problem(f"cannot read stop-word file {name!r}: {exc}")
    rule.stop_words = frozenset(t for w in words for t in tokens(w))


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
        {"min_words": 4, "min_share": 0.1, "stop_words": []},
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
