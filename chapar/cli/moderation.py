"""``invoke moderation``: every comment with its decision, and the editor's
``--approve`` / ``--reject`` written into the comment's file.

Works from the source files alone (no build), with the same reading,
validation and moderation as the plugin.
"""

import unicodedata
from pathlib import Path

from chapar import moderation, site_settings
from chapar.comments import store
from chapar.comments.site import moderate_site
from chapar.comments.status import set_status
from chapar.news.index import NewsIndex


def length_limit(root):
    """COMMENTS["max_characters"] of the site at ``root``: its pelicanconf.py's,
    else the plugin's default (README.md, Comments).
    """
    return site_settings.read(root)["COMMENTS"]["max_characters"]


def news_sources(news_root):
    """``{NewsCode: source text}`` of every news file, from chapar.news.index
    (files without a readable NewsCode left out: the build reports them).
    """
    return NewsIndex.of(news_root).texts()


def collect(root=".", news=None):
    """(rows, problems): rows are (key, decision, comment) in file order;
    ``news``: :func:`news_sources` of the site, when the caller has read it.
    """
    root = Path(root)
    problems = []
    try:
        rules = moderation.load_rules(root / "data/moderation/rules.toml")
    except moderation.RulesError as exc:
        return [], exc.problems
    if news is None:
        news = news_sources(root / "content/news")
    by_code, problems = store.read_all(root / "content/comments", news)
    if problems:
        return [], problems
    decisions = moderate_site(rules, by_code, news, length_limit(root))
    rows = [
        (c.key, decisions[code][c.id], c)
        for code in sorted(by_code, key=int)
        for c in sorted(by_code[code], key=lambda c: (c.date, c.id))
    ]
    return rows, []


def _width(text):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows):
    """A plain-text table: comment, decision, rule, reason, author."""
    head = ("comment", "decision", "rule", "reason", "author")
    lines = [head] + [(key, d.status, d.rule or "-", d.reason, c.author) for key, d, c in rows]
    widths = [max(_width(line[i]) for line in lines) for i in range(4)]
    out = []
    for line in lines:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(line[:4])]
        out.append("  ".join([*cells, line[4]]).rstrip())
    counts = {
        s: sum(1 for _, d, _ in rows if d.status == s) for s in ("published", "held", "rejected")
    }
    out.append("")
    out.append(", ".join(f"{n} {s}" for s, n in counts.items()))
    return "\n".join(out)


__all__ = ["collect", "length_limit", "news_sources", "set_status", "table"]
