"""Readers' comments under published moderation rules (README.md, Comments).

Reads ``content/comments/<NewsCode>/*.md``, reports every bad file as
``path:line: message``, moderates with :mod:`.moderation` and gives each
article its published thread, rendered once in pages of bounded weight
(``article.comments_html``, the first, shown on the article;
``article.comments_pages``; ``article.comments_count``) for
``partials/comments.html``.  The other pages are written through Pelican's
writer (so the sitemap and the page cache see them) at
``<article URL>comments/<n>/`` with ``article_comments.html`` (README.md,
Comments).  The pass is
:mod:`.sitepass`: on a large site a worker process runs it while Pelican
reads the news; each article's result is kept between builds
(:mod:`.decisions`).  When the pass is over it reports the texts the site
withholds (``chapar.comments.withheld.reported``) for the privacy gate of
``invoke publish``.  The rules' reader texts go to templates as
``COMMENTS["rules"]``; the browser checks' tables to ``COMMENTS["rules_save_as"]``.
"""

import json
import logging
import os
import time
from dataclasses import dataclass

from pelican import signals
from pelican.generators import Generator

from chapar import moderation
from chapar.comments import decisions, render, sitepass, withheld
from chapar.comments.site import comment_settings, limit_problems
from chapar.news.item import news_code_of
from chapar.pelican_compat import failed_source_paths

logger = logging.getLogger(__name__)

COMMENTS_TEMPLATE = "article_comments"  # the article's comment pages after the first


LAST_BUILD = {}  # articles moderated and reused by the last build, for tools and tests


@dataclass
class CommentsPage:
    """One page of an article's comments, as its templates see it: page
    ``number`` of ``total``, its thread ``html``, ``url`` and ``save_as``.
    """

    number: int
    total: int
    html: str
    article_url: str
    save_as: str = ""

    def url_of(self, number):
        """Page ``number``'s URL: the article's for the first."""
        return self.article_url if number == 1 else f"{self.article_url}comments/{number}/"

    @property
    def url(self):
        """This page's URL: the article's for page 1, else ``<article URL>comments/<n>/``."""
        return self.url_of(self.number)

    @property
    def previous_url(self):
        """The previous page's URL, or ``""`` on the first page."""
        return self.url_of(self.number - 1) if self.number > 1 else ""

    @property
    def next_url(self):
        """The next page's URL, or ``""`` on the last page."""
        return self.url_of(self.number + 1) if self.number < self.total else ""


def comment_pages(article, pages):
    """The :class:`CommentsPage` list of ``article``'s thread ``pages``; the
    others live in the folder of the article's ``index.html``.
    """
    folder = (
        article.save_as[: -len("index.html")]
        if article.save_as.endswith("index.html")
        else article.save_as.rsplit(".", 1)[0] + "/"
    )
    return [
        CommentsPage(
            number,
            len(pages),
            html,
            article.url,
            "" if number == 1 else f"{folder}comments/{number}/index.html",
        )
        for number, html in enumerate(pages, start=1)
    ]


class CommentsGenerator(Generator):
    """Attaches threads to articles; writes the rules' JSON for the browser."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        conf = comment_settings(self.settings)
        root = os.path.join(self.settings["PATH"], conf["path"])
        self.job = sitepass.Job(
            comments_root=root,
            rules_path=conf["rules"],
            thread=render.thread_settings(self.settings, conf),
            cache=(
                os.path.join(self.settings["CACHE_PATH"], decisions.FILE),
                bool(self.settings.get("LOAD_CONTENT_CACHE")),
                bool(self.settings.get("CACHE_CONTENT")),
            ),
            news_folders=[
                os.path.join(self.settings["PATH"], p) for p in self.settings["ARTICLE_PATHS"]
            ],
        )
        use = conf["worker"]
        if use is None:
            use = len(self.job.folders) >= conf["worker_folders"]
        # started now: Pelican makes every generator before any reads its content
        self.worker = None
        if use:
            try:
                self.worker = sitepass.Worker(self.job)
            except Exception as exc:  # noqa: BLE001 (the build does the pass itself)
                logger.info("comments: no worker process (%r); the comments are read here", exc)

    def generate_context(self):
        """Moderate every article's comments and attach the threads (Pelican's context step).

        Loads the rules and logs each problem (a bad rules or comment file) as an error, so
        safe_build stops the build.  Sets ``comments_html``, ``comments_count`` and
        ``comments_pages`` on every article, draft and hidden article; adds
        ``COMMENT_RULES``, ``COMMENT_MAX_LENGTH``, ``COMMENTS`` (the settings with their
        defaults) and ``COMMENTS_RULES_URL`` to the context.
        """
        conf = comment_settings(self.settings)
        self.rules_save_as = conf["rules_save_as"]
        self.rules = None
        problems = []
        try:
            self.rules = moderation.load_rules(conf["rules"])
        except moderation.RulesError as exc:
            problems += exc.problems
        else:
            problems += limit_problems(self.rules, conf["max_characters"])
        articles = [
            *self.context.get("articles", ()),
            *self.context.get("drafts", ()),
            *self.context.get("hidden_articles", ()),
        ]
        by_news_code = {str(a.metadata.get("newscode")): a for a in articles}
        sources = {code: a.source_path for code, a in by_news_code.items()}
        result, stats = self._pass(sources)
        problems += result.problems
        for problem in problems:
            logger.error("%s", problem)
        self.context["COMMENT_RULES"] = self.rules.texts if self.rules else []
        self.context["COMMENT_MAX_LENGTH"] = (
            next((r.params["max"] for r in self.rules.of("length")), 0) if self.rules else 0
        )
        self.context["COMMENTS"] = conf  # with its defaults, for the form
        self.context["COMMENTS_RULES_URL"] = self.rules_save_as
        for article in articles:
            article.comments_html, article.comments_count, article.comments_pages = "", 0, []
        if problems or self.rules is None:
            return  # safe_build stops the build before anything is written
        for code, (pages, count) in result.threads.items():
            article = by_news_code[code]
            article.comments_pages = comment_pages(article, pages)
            article.comments_html = pages[0] if pages else ""
            article.comments_count = count
        self.comment_articles = [
            a
            for a in (*self.context.get("articles", ()), *self.context.get("hidden_articles", ()))
            if len(a.comments_pages) > 1
        ]
        withheld.reported.send(self, withheld=result.withheld)  # invoke publish's privacy gate
        LAST_BUILD.clear()
        LAST_BUILD.update(moderated=result.moderated, reused=result.reused, **stats)
        logger.info(
            "comments: %d published, %d held, %d rejected",
            *(result.counts[s] for s in ("published", "held", "rejected")),
        )

    def _pass(self, sources):
        """The pass, shared with the worker if there is one: ``(Result, stats)``."""
        job, unreadable = self.job, self._unreadable_news()
        if self.worker is None:
            return sitepass.run(job, self.rules, sources, unreadable), {"worker": False}
        work = sitepass.Pass(job, self.rules, sources, unreadable)
        worker, self.worker = self.worker, None
        start = time.perf_counter()
        results, built, previous, why = worker.finish(work)
        stats = {"worker": False, "built": built, "waited": 0.0}
        if why is not None:
            logger.warning(
                "comments: the worker process failed (%s); the comments are read here", why
            )
        # a folder's result holds if it was read against the file Pelican read
        expected = {code: os.path.abspath(path) for code, path in sources.items()}
        for code, folder in list(results.items()):
            if folder.source != expected.get(code):
                logger.info(
                    "comments: the worker read other news than Pelican for %s; "
                    "its comments are read here",
                    code,
                )
                del results[code]
        stats["worker"] = len(results) > built
        stats["waited"] = time.perf_counter() - start  # its folders, then the worker
        for code, files in job.folders:
            if code not in results:
                results[code] = work.folder(code, files)
        if work.cache.loaded:  # this process read the cache file too: its count holds
            previous = len(work.cache.previous)
        return sitepass.assemble(job, results, work.cache, previous), stats

    def _unreadable_news(self):
        """NewsCodes in the headers of the news files Pelican failed to read
        (it reports why; a comment under one is not "without a news item").
        """
        codes = set()
        for path in failed_source_paths(self.context):
            if not path.endswith(sitepass.ARTICLE_EXTENSIONS):
                continue
            try:
                codes.add(str(news_code_of(os.path.join(self.settings["PATH"], path))))
            except (ValueError, OSError):
                continue  # no NewsCode to be read: its comments are reported as before
        return codes

    def output_names(self):
        """The comment pages this generator writes (plugins/output_folders)."""
        for article in getattr(self, "comment_articles", ()):
            for page in article.comments_pages[1:]:
                yield page.save_as

    def generate_output(self, writer):
        """Write the comment pages after each thread's first and the rules' JSON (output step).

        The pages go through Pelican's writer with ``article_comments.html``; the rules'
        tables for the browser checks go to ``COMMENTS["rules_save_as"]``, unless empty.
        Nothing is written if the rules failed to load.
        """
        if self.rules is None:
            return
        articles = getattr(self, "comment_articles", ())
        if articles:
            template = self.get_template(COMMENTS_TEMPLATE)
            for article in articles:
                for page in article.comments_pages[1:]:
                    # not as "article": the sitemap would list the article's URL again
                    writer.write_file(
                        page.save_as,
                        template,
                        self.context,
                        comments_article=article,
                        comments_page=page,
                        url=page.url,
                        relative_urls=self.settings["RELATIVE_URLS"],
                    )
        if not self.rules_save_as:
            return
        path = os.path.join(self.output_path, self.rules_save_as)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(
                moderation.export_rules(self.rules),
                handle,
                ensure_ascii=False,
                sort_keys=True,
                separators=(",", ":"),
            )


def get_generators(pelican):
    """The ``get_generators`` receiver: :class:`CommentsGenerator`.

    Pelican runs it after its article and page generators, whose content is then
    in the context.
    """
    return CommentsGenerator


def register():
    """Plugin entry point: adds the comments generator at Pelican's ``get_generators`` signal."""
    signals.get_generators.connect(get_generators)
