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


def queue(root="."):
    """The comments waiting for a moderator as text (``invoke moderation --queue``), ``""`` if none."""
    from chapar.intake.config import Config
    from chapar.intake.review.queue import queue_text, read_queue

    root = Path(root)
    rules = moderation.load_rules(root / "data/moderation/rules.toml")
    config = Config.from_options(root=root)
    waiting = read_queue(root, rules, length_limit(root), config.article_url)
    return queue_text(waiting, config.site_url)


def manage_moderator(root, add=None, remove=None, password=None, email="", ask=None):
    """``invoke moderator``: add, remove or re-password one account; returns what was done.

    ``ask(prompt)`` reads a password (default :func:`getpass.getpass`, never
    the command line); a new password is asked twice.  ``ValueError`` on a
    bad name, a short or mismatched password, an unknown or existing account.
    """
    import getpass

    from chapar.intake.review import accounts

    ask = ask or getpass.getpass
    path = Path(root) / "data/moderation/moderators.toml"
    given = [x for x in (add, remove, password) if x]
    if len(given) != 1:
        raise ValueError("give one of --add NAME, --remove NAME, --password NAME")

    def new_password(name):
        first = ask(f"password for {name}: ")
        if first != ask(f"password for {name} again: "):
            raise accounts.AccountError("the two passwords differ; nothing was changed")
        return first

    if add:
        accounts.check_name(add)
        accounts.add(path, add, new_password(add), email)
        return f"moderator {add} added to {path}"
    if remove:
        accounts.remove(path, remove)
        return f"moderator {remove} removed from {path}"
    accounts.set_password(path, password, new_password(password))
    return f"moderator {password}: new password set in {path}"


__all__ = [
    "collect",
    "length_limit",
    "manage_moderator",
    "news_sources",
    "queue",
    "set_status",
    "table",
]
