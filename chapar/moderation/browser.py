"""What comments.js re-checks before a comment is sent, and the tables it
does so from (``comments/rules.json``).
"""

from chapar.moderation.checks import BROWSER_CHECKS, BY_NAME, REGISTRY, check_text
from chapar.moderation.words import ARABIC_LETTER_PATTERN, TOKEN_PATTERN, URL_PATTERN, tokens


def browser_check(rules, text):
    """What comments.js answers before sending: the id of the first rule among
    the browser checks that ``text`` fails, or ``None``.
    """
    words = tokens(text)
    for rule in rules.rules:
        if rule.check in BROWSER_CHECKS and check_text(rule, text, words) is not None:
            return rule.id
    return None


def export_rules(rules):
    """The JSON-able tables comments.js needs: reader texts, the folding
    tables, each check's ``tables``, and for every rule of a browser check
    the comments.js check that runs it with its ``export`` parameters (a
    rule of another check only names it, as ``enforced``).
    """
    out = []
    for rule in rules.rules:
        item = {"id": rule.id, "text": rule.text, "check": rule.check, "action": rule.action}
        spec = BY_NAME.get(rule.check)
        if spec and spec.browser:
            item["check"] = spec.browser
            if spec.export:
                item.update(spec.export(rule))
        elif spec:
            item["check"] = ""  # enforced at build time only
            item["enforced"] = rule.check
        out.append(item)
    return {
        "version": 1,
        "normalize": {
            "token": TOKEN_PATTERN,
            "arabic_letter": ARABIC_LETTER_PATTERN,
            "url": URL_PATTERN,
        },
        **{c.name: c.tables() for c in REGISTRY if c.tables},
        "rules": out,
    }
