"""Readers' comments under published moderation rules (SPEC.md sections 4, 5).

Reads ``content/comments/<NewsCode>/*.md``, reports every bad file as
``path:line: message``, moderates with :mod:`.moderation` (decisions kept
between builds by :mod:`.decisions`) and gives each
article its published thread (``article.comments``, ``article.comments_count``)
for ``partials/comments.html``.  The rules' reader texts go to templates as
``COMMENT_RULES``; the browser checks' tables to ``COMMENTS_RULES_SAVE_AS``.
"""

import json
import logging
import os

from pelican import signals
from pelican.generators import Generator

from persian.reader import read_source

from . import decisions, moderation, render, store

logger = logging.getLogger(__name__)

DEFAULTS = {
    "COMMENTS_PATH": "comments",  # under PATH
    "COMMENTS_RULES": "data/moderation/rules.toml",  # relative to the site root
    "COMMENTS_RULES_SAVE_AS": "comments/rules.json",
    "COMMENTS_ENDPOINT": "",
}


def comment_settings(settings):
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}


LAST_BUILD = {}  # articles moderated and reused by the last build, for tools and tests


def moderate_site(rules, by_code, article_texts, cache=None):
    """``{NewsCode: {Id: Decision}}`` for every article's comments, reusing
    the ``cache``'s (a :class:`decisions.DecisionCache`) where it can."""
    if cache is None:
        return {
            code: moderation.moderate_article(rules, comments, article_texts.get(code, ""))
            for code, comments in by_code.items()
        }
    digest = decisions.rules_digest(rules)
    result = {}
    for code, comments in by_code.items():
        text = article_texts.get(code, "")
        result[code] = cache.decide(
            decisions.article_key(digest, text, comments),
            lambda: moderation.moderate_article(rules, comments, text))  # noqa: B023 (called at once)
    return result


class CommentsGenerator(Generator):
    """Attaches threads to articles; writes the rules' JSON for the browser."""

    def generate_context(self):
        conf = comment_settings(self.settings)
        self.rules_save_as = conf["COMMENTS_RULES_SAVE_AS"]
        self.rules = None
        problems = []
        try:
            self.rules = moderation.load_rules(conf["COMMENTS_RULES"])
        except moderation.RulesError as exc:
            problems += exc.problems
        articles = [
            *self.context.get("articles", ()),
            *self.context.get("drafts", ()),
            *self.context.get("hidden_articles", ()),
        ]
        by_news_code = {str(a.metadata.get("newscode")): a for a in articles}
        root = os.path.join(self.settings["PATH"], conf["COMMENTS_PATH"])
        by_code, found = store.read_all(root, by_news_code)
        problems += found
        for problem in problems:
            logger.error("%s", problem)
        texts = self.rules.texts if self.rules else []
        self.context["COMMENT_RULES"] = texts
        self.context["COMMENT_MAX_LENGTH"] = next(
            (r.params["max"] for r in self.rules.of("length")), 0) if self.rules else 0
        self.context["COMMENTS_RULES_URL"] = self.rules_save_as
        for article in articles:
            article.comments, article.comments_count = [], 0
        if problems or self.rules is None:
            return  # safe_build stops the build before anything is written
        texts = {code: read_source(by_news_code[code].source_path) for code in by_code}
        cache = decisions.DecisionCache(self.settings)
        decided = moderate_site(self.rules, by_code, texts, cache)
        cache.write()
        LAST_BUILD.clear()
        LAST_BUILD.update(moderated=len(by_code) - cache.reused, reused=cache.reused)
        body = render.BodyRenderer()
        for code, comments in by_code.items():
            article = by_news_code[code]
            article.comments, article.comments_count = render.build_threads(
                comments, decided[code], body)
        counts = [0, 0, 0]
        for per_article in decided.values():
            for decision in per_article.values():
                counts[("published", "held", "rejected").index(decision.status)] += 1
        logger.info("comments: %d published, %d held, %d rejected", *counts)

    def generate_output(self, writer):
        if self.rules is None or not self.rules_save_as:
            return
        path = os.path.join(self.output_path, self.rules_save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(moderation.export_rules(self.rules), handle, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":"))


def get_generators(pelican):
    return CommentsGenerator


def register():
    signals.get_generators.connect(get_generators)
