"""The comment settings and the site-wide moderation a tool needs, without Pelican."""

from pathlib import Path

from chapar.comments import render
from chapar import moderation
from chapar.problems import Problem

DEFAULTS = {
    "COMMENTS_PATH": "comments",  # under PATH
    "COMMENTS_RULES": "data/moderation/rules.toml",  # relative to the site root
    "COMMENTS_RULES_SAVE_AS": "comments/rules.json",
    "COMMENTS_ENDPOINT": "",
    # The form's fields (README.md, Comment intake): the theme's maxlength and the intake's limit
    "COMMENTS_MAX_NAME": 80,
    "COMMENTS_MAX_EMAIL": 200,
    # The pass in a worker process, alongside Pelican's reading: True, False,
    # or None for sites with at least COMMENTS_WORKER_FOLDERS comment folders.
    "COMMENTS_WORKER": None,
    "COMMENTS_WORKER_FOLDERS": 500,
    # README.md, Comments: the hard limit on a comment's length, and the pages
    "COMMENTS_MAX_CHARACTERS": render.MAX_CHARACTERS,
    "COMMENTS_PAGE_BYTES": render.PAGE_BYTES,
    "COMMENTS_PER_PAGE": render.PER_PAGE,
}


def comment_settings(settings):
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}



def moderate_site(rules, by_code, article_texts, limit=None):
    """``{NewsCode: {Id: Decision}}`` for every article's comments (what
    ``invoke moderation`` lists; the build's pass is :mod:`.sitepass`);
    ``limit``: COMMENTS_MAX_CHARACTERS."""
    return {
        code: moderation.moderate_article(rules, comments, article_texts.get(code, ""), limit)
        for code, comments in by_code.items()
    }


def limit_problems(rules, limit):
    """A ``length`` rule whose ``max`` is over COMMENTS_MAX_CHARACTERS: the
    intake would accept comments the build leaves out (README.md, Comments)."""
    problems = []
    lines = [n for n, text in enumerate(Path(rules.path).read_text("utf-8-sig").splitlines(), 1)
             if text.strip() == "[[rule]]"] if rules.path else []
    for index, rule in enumerate(rules.rules):
        if rule.check == "length" and rule.params["max"] > limit:
            problems.append(Problem(
                rules.path, lines[index] if index < len(lines) else 1,
                f"rule {rule.id!r}: max {rule.params['max']} is over COMMENTS_MAX_CHARACTERS "
                f"({limit}), the longest comment the site shows; lower it or raise the setting"))
    return problems
