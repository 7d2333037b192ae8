"""Comment moderation: rules from ``data/moderation/rules.toml`` and the checks.

Pure functions over text, no Pelican: the build, ``invoke moderation`` and
the intake service share them.  Everything the browser re-checks (folding,
tokens, language, lexicon, length) is driven by tables exported in
:func:`export_rules`, so ``theme/static/js/comments.js`` cannot drift from it
(``tests/data/moderation_examples.json`` runs through both).

:mod:`~chapar.moderation.words` makes the comparison form of a text,
:mod:`~chapar.moderation.language` and :mod:`~chapar.moderation.lexicon` the
two detectors the checks share, :mod:`~chapar.moderation.checks` holds every
check (one record each), :mod:`~chapar.moderation.rules` reads the rules file,
:mod:`~chapar.moderation.thread` decides, :mod:`~chapar.moderation.browser`
exports for comments.js.
"""

from chapar.moderation.browser import browser_check, export_rules
from chapar.moderation.checks import CHECKS, article_words, check_text, count_links
from chapar.moderation.language import detect_language
from chapar.moderation.lexicon import bundled_terms
from chapar.moderation.rules import Rule, Rules, RulesError, load_rules
from chapar.moderation.thread import LIMIT, PUBLISHED, Decision, moderate, moderate_article
from chapar.moderation.words import fold, normalized_text, tokens

__all__ = [
    "CHECKS",
    "LIMIT",
    "PUBLISHED",
    "Decision",
    "Rule",
    "Rules",
    "RulesError",
    "article_words",
    "browser_check",
    "bundled_terms",
    "check_text",
    "count_links",
    "detect_language",
    "export_rules",
    "fold",
    "load_rules",
    "moderate",
    "moderate_article",
    "normalized_text",
    "tokens",
]
