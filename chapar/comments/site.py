"""The comment settings (``COMMENTS``) and the site-wide moderation a tool needs, without Pelican."""

from pathlib import Path

from chapar import moderation
from chapar.comments import render
from chapar.problems import Problem
from chapar.settings import concern

DEFAULTS = {
    "path": "comments",  # under PATH
    "rules": "data/moderation/rules.toml",  # relative to the site root
    "rules_save_as": "comments/rules.json",
    "endpoint": "",
    # The form's fields (README.md, Comment intake): the theme's maxlength and the intake's limit
    "max_name": 80,
    "max_email": 200,
    # The pass in a worker process, alongside Pelican's reading: True, False,
    # or None for sites with at least ``worker_folders`` comment folders.
    "worker": None,
    "worker_folders": 500,
    # README.md, Comments: the hard limit on a comment's length, and the pages
    "max_characters": render.MAX_CHARACTERS,
    "page_bytes": render.PAGE_BYTES,
    "per_page": render.PER_PAGE,
}


def comment_settings(settings):
    """The site's ``COMMENTS`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "COMMENTS", DEFAULTS)


def moderate_site(rules, by_code, article_texts, limit=None):
    """``{NewsCode: {Id: Decision}}`` for every article's comments (what
    ``invoke moderation`` lists; the build's pass is :mod:`.sitepass`);
    ``limit``: COMMENTS["max_characters"].
    """
    return {
        code: moderation.moderate_article(rules, comments, article_texts.get(code, ""), limit)
        for code, comments in by_code.items()
    }


def limit_problems(rules, limit):
    """A ``length`` rule whose ``max`` is over COMMENTS["max_characters"]: the
    intake would accept comments the build leaves out (README.md, Comments).
    """
    problems = []
    lines = (
        [
            n
            for n, text in enumerate(Path(rules.path).read_text("utf-8-sig").splitlines(), 1)
            if text.strip() == "[[rule]]"
        ]
        if rules.path
        else []
    )
    for index, rule in enumerate(rules.rules):
        if rule.check == "length" and rule.params["max"] > limit:
            problems.append(
                Problem(
                    rules.path,
                    lines[index] if index < len(lines) else 1,
                    f"rule {rule.id!r}: max {rule.params['max']} is over COMMENTS['max_characters'] "
                    f"({limit}), the longest comment the site shows; lower it or raise the setting",
                )
            )
    return problems
