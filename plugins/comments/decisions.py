"""Moderation decisions kept between builds, one entry per article.

An article's decisions depend on its text (the relevance rule), every one
of its comments (duplicates, replies to unpublished comments) and the rules
as loaded (the word lists included), and on this engine's code.  The key
digests all of them, so a decision is reused only when moderating again
would give the same one.  Follows Pelican's content-cache settings:
read when ``LOAD_CONTENT_CACHE`` is on, written when ``CACHE_CONTENT`` is on,
in ``CACHE_PATH/comments.json``, holding only the current build's articles.
"""

import hashlib
import json
import os
from pathlib import Path

from persian import text as persian_text

from . import moderation

FILE = "comments.json"


def rules_digest(rules):
    """The rules as loaded, word lists included, and the engine's code."""
    h = hashlib.sha256()
    for module in (moderation.__file__, persian_text.__file__):
        h.update(Path(module).read_bytes())
    for r in rules.rules:
        lexicon = (sorted(r.lexicon.whole), r.lexicon.anywhere) if r.lexicon else None
        h.update(repr((r.id, r.check, r.action, sorted(r.params.items()), lexicon,
                       sorted(r.stop_words))).encode())
    return h.hexdigest()


def article_key(digest, article_text, comments):
    h = hashlib.sha256(digest.encode())
    h.update(article_text.encode("utf-8", "surrogatepass"))
    for c in sorted(comments, key=lambda c: c.id):
        h.update(json.dumps([c.id, c.date.isoformat() if c.date else "", c.body, c.status,
                             c.reply_to], ensure_ascii=False).encode())
    return h.hexdigest()


class DecisionCache:
    def __init__(self, settings):
        self.path = os.path.join(settings["CACHE_PATH"], FILE)
        self.load = settings.get("LOAD_CONTENT_CACHE", False)
        self.save = settings.get("CACHE_CONTENT", False)
        self.previous, self.current = {}, {}
        self.reused = 0
        if self.load:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    self.previous = json.load(handle)
            except (OSError, ValueError):
                self.previous = {}

    def decide(self, key, moderate):
        """The article's ``{id: Decision}``: kept from the last build, or ``moderate()``."""
        kept = self.previous.get(key)
        if kept is not None:
            self.reused += 1
            decisions = {cid: moderation.Decision(*d) for cid, d in kept.items()}
        else:
            decisions = moderate()
        self.current[key] = {cid: list(d) for cid, d in decisions.items()}
        return decisions

    def write(self):
        if not self.save:
            return
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        partial = self.path + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump(self.current, handle, ensure_ascii=False, sort_keys=True)
        os.replace(partial, self.path)
