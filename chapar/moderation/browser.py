"""What comments.js re-checks before a comment is sent, and the tables it
does so from (``comments/rules.json``).
"""

from chapar.moderation.checks import BROWSER_CHECKS, BY_NAME, REGISTRY, Hold, check_text
from chapar.moderation.words import ARABIC_LETTER_PATTERN, TOKEN_PATTERN, URL_PATTERN, tokens


def browser_check(rules, text):
    """What comments.js answers before sending: the id of the first rule
    among the browser checks that ``text`` fails, or ``None`` (a comment
    that would only be held is sent).
    """
    words = tokens(text)
    for rule in rules.rules:
        if rule.check not in BROWSER_CHECKS:
            continue
        reason = check_text(rule, text, words)
        if reason is not None and not isinstance(reason, Hold):
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
