"""The rules file ``data/moderation/rules.toml``: read, checked against the
checks' registry (:mod:`chapar.moderation.checks`), loaded.
"""

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from chapar.moderation.checks import _ONE_LETTER_WORDS, BY_NAME, CHECKS, DEFAULT_PARAMS
from chapar.moderation.lexicon import Lexicon
from chapar.problems import Problem

ACTIONS = ("reject", "hold")


@dataclass
class Rule:
    """One rule of the rules file: the text readers see, the check it runs (empty:
    shown only), ``reject`` or ``hold``, the check's parameters, and its lexicons.
    """

    id: str
    text: str = ""
    check: str = ""
    action: str = "reject"
    params: dict = field(default_factory=dict)
    lexicon: Lexicon = None
    hold_lexicon: Lexicon = None  # the lexicon's hold tier: held when aimed at someone
    stop_words: frozenset = frozenset()
    names: tuple = ()  # relevance: (id, spellings, how each is looked for) of the names files
    name_ids: dict = field(default_factory=dict)  # relevance: the names of each id
    name_index: dict = field(default_factory=dict)  # relevance: names by their first stems

    @functools.cached_property
    def skip_words(self):
        """What ``relevance`` leaves out: stop words and one-letter words."""
        return self.stop_words | _ONE_LETTER_WORDS


@dataclass
class Rules:
    """The rules of one file (``path``), in file order."""

    rules: list
    path: str = ""

    @property
    def texts(self):
        """What readers see under the form, in order."""
        return [r.text for r in self.rules if r.text]

    def of(self, check):
        """The rules that run the check named ``check``, in file order (possibly none)."""
        return [r for r in self.rules if r.check == check]

    @functools.cached_property
    def enforced(self):
        """The rules with a check, in file order."""
        return [r for r in self.rules if r.check]


class RulesError(ValueError):
    """A rules file that cannot be used; ``problems`` lists every ``path:line`` problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


_RULE_KEYS = {"id", "text", "check", "action"}


def load_rules(path):
    """Read and validate the rules file; every problem raises at once as
    :class:`RulesError` with ``path:line: message`` problems.
    """
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise RulesError(
            [Problem(str(path), 1, f"cannot read the rules file: {exc.strerror}")]
        ) from exc
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
        defaults = DEFAULT_PARAMS.get(check, {})
        params = dict(defaults)
        for key, value in entry.items():
            if key in _RULE_KEYS:
                continue
            if key not in params:
                problem(f"rule {rule_id!r}: unknown key {key!r} for check {check or 'none'!r}")
            else:
                params[key] = value
        rule = Rule(rule_id, str(entry.get("text", "")).strip(), check, action, params)
        if check and BY_NAME[check].load:
            BY_NAME[check].load(rule, path.parent, problem)
        for key, default in defaults.items():
            if type(default) is int and not (isinstance(params[key], int) and params[key] >= 0):
                problem(f"rule {rule_id!r}: {key} must be a whole number")
        rules.append(rule)
    if problems:
        raise RulesError(problems)
    return Rules(rules, str(path))
