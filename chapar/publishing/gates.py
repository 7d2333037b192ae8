"""The gates a site passes before it is published.

Each gate is a function of the output folder returning a list of problems;
``run_gates`` runs them all and returns ``{gate name: problems}``.  The
checks themselves live in ``site_checks`` (shared with the test suite).
"""

import concurrent.futures
import contextlib
import functools
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from chapar.checks.budgets import budget_problems, globbed
from chapar.checks.html import vnu_errors
from chapar.checks.links import broken_links
from chapar.comments import withheld

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.IGNORECASE)
TEXT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".txt", ".js", ".pf_meta"}
ALLOWED_EMAILS = set()  # e.g. a published contact address

# One page of each type, as globs in the output (the first match is checked).
PAGE_TYPES = {
    "home": "index.html",
    "article": "news/*/index.html",
    "tag": "tag/*/index.html",
    "category": "category/*/index.html",
    "archive": "archive/index.html",
    "archive year": "archive/*/index.html",
    "archive month": "archive/*/*/index.html",
    "awards": "awards/index.html",
    "agency": "awards/agency/*/index.html",
    "festival": "awards/festival/*/index.html",
    "search": "search/index.html",
    "not found": "404.html",
}


def pages_of_each_type(output_dir, among=None):
    """``{kind: relative path}``: the first page of each type, or the first
    of ``among`` (relative paths) of each type when given.
    """
    root = Path(output_dir)
    found = {}
    for kind, pattern in PAGE_TYPES.items():
        if among is None:
            matches = sorted(root.glob(pattern))
        else:
            matches = [root / rel for rel in sorted(among) if globbed(rel, pattern)]
        if matches:
            found[kind] = matches[0].relative_to(root).as_posix()
    return found


def text_files(output_dir):
    """Yield the text files (HTML, XML, JSON, CSV, text, scripts, Pagefind metadata)
    under ``output_dir``, in path order.
    """
    for path in sorted(Path(output_dir).rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            yield path


def leaked_emails(output_dir, files=None):
    """Every e-mail address anywhere in the output (readers' addresses are
    private), or in ``files`` (paths of text files in it) when given.
    """
    root = Path(output_dir)
    problems = []
    for path in text_files(root) if files is None else files:
        for match in sorted(emails(path.read_text("utf-8", errors="replace"))):
            if match not in ALLOWED_EMAILS:
                problems.append(f"{path.relative_to(root).as_posix()}: e-mail address {match}")
    return problems


_ADDRESS_CHARACTER = re.compile(r"[\w.+@-]")


def emails(text):
    """The set of :data:`EMAIL` matches in ``text``, found around each ``@`` only.

    An address is made of word characters, ``.+-`` and its ``@``, so every match
    lies in such a run of characters that holds an ``@``, and the pattern finds
    the same in the run as in the whole text.  Over a whole page the pattern is
    tried at every letter of the news (1.6 ms an article page).
    """
    found = set()
    at = text.find("@")
    while at != -1:
        start, end = at, at + 1
        while start > 0 and _ADDRESS_CHARACTER.match(text, start - 1):
            start -= 1
        while end < len(text) and _ADDRESS_CHARACTER.match(text, end):
            end += 1
        found.update(EMAIL.findall(text, start, end))
        at = text.find("@", end)  # the next run: each character is looked at once or twice
    return found


def withheld_texts(rows, news_texts=(), shortest=withheld.SHORTEST):
    """``{label: text}`` for the privacy gate over the whole site: the longest line
    of each held or rejected comment (``chapar.comments.withheld``), unless it is
    also in a published comment or in a news item.

    ``rows`` are ``(key, decision, comment)`` as ``invoke moderation`` reads
    them.  A line that is also in a published comment or in a news item is
    rightly in the output (a reader who posts the same text twice has the
    second copy rejected as a duplicate; a comment may quote the story), so
    it is not a secret: the gate looks for what was withheld, not for equal
    text that was published.
    """
    return withheld.texts(
        [(key, decision.status, comment.body) for key, decision, comment in rows],
        news_texts,
        shortest,
    )


def leaked_texts(output_dir, secrets, files=None, confirm=None):
    """``secrets``: ``{label: text}`` that must appear nowhere (held comments,
    say), or not in ``files`` (paths of text files in the output) when given.
    ``confirm(label)``, when given, is asked of each text found: False means it
    is rightly there after all (the build's texts, checked against
    :func:`withheld_texts` of the whole site; ``chapar.comments.withheld``).
    """
    root = Path(output_dir)
    problems = []
    wanted = {label: text for label, text in secrets.items() if text.strip()}
    if not wanted:
        return problems
    for path in text_files(root) if files is None else files:
        content = path.read_text("utf-8", errors="replace")
        for label, text in wanted.items():
            if text in content and (confirm is None or confirm(label)):
                problems.append(f"{path.relative_to(root).as_posix()}: contains {label}")
    return problems


def confirming(reference):
    """A ``confirm`` for :func:`leaked_texts`: whether a label is in ``reference()``
    (:func:`withheld_texts` over the whole site), computed at the first question only.
    """
    once = functools.cache(reference)
    return lambda label: label in once()


def feed_problems(output_dir, feeds=("feeds/all.atom.xml", "feeds/all.rss.xml")):
    """Feeds parse, and every timestamp is a Gregorian date with a zone."""
    root = Path(output_dir)
    problems = []
    for rel in feeds:
        path = root / rel
        if not path.is_file():
            problems.append(f"{rel}: missing")
            continue
        try:
            tree = ET.parse(path).getroot()
        except ET.ParseError as error:
            problems.append(f"{rel}: does not parse: {error}")
            continue
        for element in tree.iter():
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in ("updated", "published"):
                parse = datetime.fromisoformat
            elif tag in ("pubDate", "lastBuildDate"):
                parse = parsedate_to_datetime
            else:
                continue
            try:
                stamp = parse(element.text or "")
                if stamp.tzinfo is None or not 1900 < stamp.year < 2200:  # noqa: PLR2004
                    raise ValueError("not a Gregorian timestamp with a zone")
            except (ValueError, TypeError) as error:
                problems.append(f"{rel}: <{tag}> {element.text!r}: {error}")
    return problems


def axe_problems(output_dir, siteurl="", among=None):
    """axe-core (WCAG 2.1 A/AA) on one page of each type (of ``among``, relative
    paths, when given): serious or critical.
    """
    from chapar.checks.a11y import axe_results, start_axe
    from chapar.checks.serve import browse

    problems = []
    chosen = pages_of_each_type(output_dir, among)
    if not chosen:
        return problems
    with browse(output_dir, siteurl) as open_page:
        # Each page's run goes on in its own renderer while the next page loads
        # (seven page types of the 5,000-story site: 8.3-8.7 s one after the other,
        # 6.6-7.1 s so).
        running = []
        for kind, rel in chosen.items():
            page = open_page(rel)
            start_axe(page)
            running.append((kind, rel, page))
        for kind, rel, page in running:
            problems += [f"{rel} ({kind}): {v}" for v in axe_results(page)]
            page.close()
    return problems


def run_gates(
    output_dir,
    siteurl="",
    secrets=None,
    browser=True,
    confirm=None,
    links_found=None,
):
    """``{gate: [problems]}`` for every gate; all empty means publishable
    (``confirm``: :func:`leaked_texts`; ``links_found``: a dict the links gate
    gives every page's link targets).
    """
    with (
        beside(vnu_errors, output_dir) as html,
        beside(axe_problems if browser else None, output_dir, siteurl) as axe,
    ):
        results = {
            "html": None,  # first, as the gates are listed
            "links": broken_links(output_dir, siteurl, found=links_found),
            "budgets": budget_problems(output_dir, siteurl),
            "privacy": leaked_emails(output_dir)
            + leaked_texts(output_dir, secrets or {}, confirm=confirm),
            "feeds": feed_problems(output_dir),
        }
        results["html"] = html()
        if browser:
            results["accessibility"] = axe()
    return results


@contextlib.contextmanager
def beside(gate, *args, **kwargs):
    """Run ``gate(*args, **kwargs)`` in a thread while the caller runs the other gates;
    yields a function that waits for its problems (raising what it raised).  The Nu
    checker (Java) and chromium work in processes of their own, so on two cores they
    cost the publish little more than the Python gates beside them.  ``gate`` None: nothing.
    """
    if gate is None:
        yield lambda: None
        return
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="gate") as pool:
        future = pool.submit(gate, *args, **kwargs)
        yield future.result
