"""Decisions: the rules on one comment, and on an article's thread with the
editor's Status and the replies below comments that are not published.
"""

import operator
from typing import NamedTuple

from chapar.moderation.checks import RUN, Hold, article_words
from chapar.moderation.words import prepare


class Decision(NamedTuple):
    """What the moderation made of a comment: its status, the rule that decided it
    and why, in words for the editor.
    """

    status: str  # published | held | rejected
    rule: str  # the rule id, "editor" or "thread"; "" when published by the rules
    reason: str


PUBLISHED = Decision("published", "", "passes every rule")


def moderate(rules, text, article=None, earlier=(), words=None):
    """The rules' decision on one comment: rejecting rules win over holding
    ones, the first in file order names the reason.  ``earlier`` holds the
    :func:`normalized_text` of comments before it on the same article;
    ``words`` may pass ``tokens(text)`` already computed.
    """
    p = prepare(text)
    if words is not None:
        p = p._replace(words=words)
    return _moderate(rules, p, article, earlier)


def _moderate(rules, p, article, earlier, line=None):
    """:func:`moderate` on a :class:`Prepared` text; ``line`` is its
    :func:`normalized_text` when already joined.
    """
    held = None
    for rule in rules.enforced:
        if rule.check == "duplicate":
            if not p.words:
                continue
            if line is None:
                line = " ".join(p.words)
            if line not in earlier:
                continue
            reason = "the same text was already posted on this article"
        else:
            reason = RUN[rule.check](rule, p, article)
            if reason is None:
                continue
        if rule.action == "reject" and not isinstance(reason, Hold):
            return Decision("rejected", rule.id, reason)
        held = held or Decision("held", rule.id, reason)
    return held or PUBLISHED


EDITOR = {"approved": "published", "rejected": "rejected"}
_DATE_ID = operator.attrgetter("date", "id")


LIMIT = "too-long"  # the rule a comment over the hard limit is rejected by


def moderate_article(rules, comments, article_text="", limit=None):
    """Decisions for one article's comments: ``comments`` are objects with
    ``id``, ``date``, ``body``, ``status`` and ``reply_to``.  The editor's
    Status overrides the rules; a reply to a comment that is not published is
    not published either.  A body longer than ``limit`` characters is
    rejected whatever its Status (a limit, not a rule: README.md, Comments)
    and read no further.  Returns ``{id: Decision}``.
    """
    article = article_words(article_text, rules) if rules.of("relevance") else None
    decisions, earlier = {}, set()
    for comment in sorted(comments, key=_DATE_ID):
        if limit is not None and len(comment.body) > limit:
            decisions[comment.id] = Decision(
                "rejected",
                LIMIT,
                f"{len(comment.body)} characters, over the limit of "
                f"{limit} (COMMENTS['max_characters']) that no Status overrides",
            )
            continue
        # the body as typed: the language check reads Arabic ي ى ك that the
        # display normalisation of ``body`` turns Persian
        p = prepare(getattr(comment, "typed_body", "") or comment.body)
        line = " ".join(p.words)
        if comment.status in EDITOR:
            decision = Decision(EDITOR[comment.status], "editor", f"Status: {comment.status}")
        else:
            decision = _moderate(rules, p, article, earlier, line)
        earlier.add(line)
        decisions[comment.id] = decision
    if any(c.reply_to for c in comments):
        _unpublished_parents(comments, decisions)
    return decisions


def _unpublished_parents(comments, decisions):
    """A reply below a comment that is not published is held ("thread"),
    naming the nearest such comment above it: each comment's chain is walked
    once (a chain of thousands of replies costs its length, not its square).
    """
    by_id = {c.id: c for c in comments}
    blocked = {}  # Id -> the nearest unpublished comment at or above it, or ""
    for comment in comments:
        chain, on_chain, current = [], set(), comment.id
        while current in by_id and current not in blocked:
            if decisions[current].status != "published":
                blocked[current] = current
                break
            if current in on_chain:  # a loop: reported by store.check_thread
                blocked[current] = ""
                break
            chain.append(current)
            on_chain.add(current)
            current = by_id[current].reply_to
        end = blocked.get(current, "")
        for link in chain:  # all published: the same comment is the nearest above each
            blocked[link] = end
    for comment in comments:
        parent = comment.reply_to
        if parent in by_id and decisions[comment.id].status == "published":
            above = blocked.get(parent, "")
            if above:
                decisions[comment.id] = Decision(
                    "held", "thread", f"replies to {above}, which is {decisions[above].status}"
                )
