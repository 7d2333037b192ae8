"""Readers' comments under published moderation rules (SPEC.md sections 4, 5).

Reads ``content/comments/<NewsCode>/*.md``, reports every bad file as
``path:line: message``, moderates with :mod:`.moderation` and gives each
article its published thread, rendered once (``article.comments_html``,
``article.comments_count``) for ``partials/comments.html``.  The pass is
:mod:`.sitepass`: on a large site a worker process runs it while Pelican
reads the news; each article's result is kept between builds
(:mod:`.decisions`).  The rules' reader texts go to templates as
``COMMENT_RULES``; the browser checks' tables to ``COMMENTS_RULES_SAVE_AS``.
"""

import json
import logging
import os
import time

from pelican import signals
from pelican.generators import Generator

from . import decisions, moderation, render, sitepass

logger = logging.getLogger(__name__)

DEFAULTS = {
    "COMMENTS_PATH": "comments",  # under PATH
    "COMMENTS_RULES": "data/moderation/rules.toml",  # relative to the site root
    "COMMENTS_RULES_SAVE_AS": "comments/rules.json",
    "COMMENTS_ENDPOINT": "",
    # The pass in a worker process, alongside Pelican's reading: True, False,
    # or None for sites with at least COMMENTS_WORKER_FOLDERS comment folders.
    "COMMENTS_WORKER": None,
    "COMMENTS_WORKER_FOLDERS": 500,
}


def comment_settings(settings):
    return {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}


LAST_BUILD = {}  # articles moderated and reused by the last build, for tools and tests


def moderate_site(rules, by_code, article_texts):
    """``{NewsCode: {Id: Decision}}`` for every article's comments (what
    ``invoke moderation`` lists; the build's pass is :mod:`.sitepass`)."""
    return {
        code: moderation.moderate_article(rules, comments, article_texts.get(code, ""))
        for code, comments in by_code.items()
    }


def _comment_folders(root):
    try:
        with os.scandir(root) as entries:
            return sum(1 for e in entries if e.is_dir())
    except OSError:
        return 0


class CommentsGenerator(Generator):
    """Attaches threads to articles; writes the rules' JSON for the browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conf = comment_settings(self.settings)
        self.job = sitepass.Job(
            comments_root=os.path.join(self.settings["PATH"], conf["COMMENTS_PATH"]),
            rules_path=conf["COMMENTS_RULES"],
            thread=render.thread_settings(self.settings),
            cache=(os.path.join(self.settings["CACHE_PATH"], decisions.FILE),
                   bool(self.settings.get("LOAD_CONTENT_CACHE")),
                   bool(self.settings.get("CACHE_CONTENT"))),
            news_folders=[os.path.join(self.settings["PATH"], p)
                          for p in self.settings["ARTICLE_PATHS"]],
        )
        use = conf["COMMENTS_WORKER"]
        if use is None:
            use = _comment_folders(self.job.comments_root) >= conf["COMMENTS_WORKER_FOLDERS"]
        # started now: Pelican makes every generator before any reads its content
        self.worker, self.worker_used = None, False
        if use:
            try:
                self.worker = sitepass.Worker(self.job)
            except Exception as exc:  # noqa: BLE001 (the build does the pass itself)
                logger.info("comments: no worker process (%r); the comments are read here", exc)

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
        sources = {code: a.source_path for code, a in by_news_code.items()}
        result = self._worker_result(sources)
        if result is None:
            result = sitepass.run(sitepass.Job(**{**vars(self.job), "articles": sources}),
                                  self.rules)
        problems += result.problems
        for problem in problems:
            logger.error("%s", problem)
        self.context["COMMENT_RULES"] = self.rules.texts if self.rules else []
        self.context["COMMENT_MAX_LENGTH"] = next(
            (r.params["max"] for r in self.rules.of("length")), 0) if self.rules else 0
        self.context["COMMENTS_RULES_URL"] = self.rules_save_as
        for article in articles:
            article.comments_html, article.comments_count = "", 0
        if problems or self.rules is None:
            return  # safe_build stops the build before anything is written
        for code, (html, count) in result.threads.items():
            by_news_code[code].comments_html, by_news_code[code].comments_count = html, count
        LAST_BUILD.clear()
        LAST_BUILD.update(moderated=result.moderated, reused=result.reused,
                          worker=self.worker_used)
        if self.worker_used:
            LAST_BUILD["waited"] = self.worker_waited
        logger.info("comments: %d published, %d held, %d rejected",
                    *(result.counts[s] for s in ("published", "held", "rejected")))

    def _worker_result(self, sources):
        """The worker's result when it read what Pelican read, else None."""
        if self.worker is None:
            return None
        worker, self.worker = self.worker, None
        start = time.perf_counter()
        result, why = worker.result()
        self.worker_waited = time.perf_counter() - start
        logger.debug("comments: waited %.2f s for the worker", self.worker_waited)
        if result is None:
            logger.warning("comments: the worker process failed (%s); "
                           "the comments are read here", why)
            return None
        expected = {code: os.path.abspath(sources[code]) if code in sources else None
                    for code in result.used}
        if result.used != expected:
            logger.info("comments: the worker found other news files than Pelican read; "
                        "the comments are read here")
            return None
        self.worker_used = True
        return result

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
