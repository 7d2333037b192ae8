"""Hostile input without a browser: no field's vector in the HTML (parsed),
the feeds, JSON-LD or open data; comments whose Markdown or threading would
cost without bound, or whose number would swell the page; the intake
service killed mid-stream; and bad files that must stop the build with
``path:line: message`` (README.md: "Any mistake stops it with every problem
listed as path:line: message").

Each test looks only at what the build, the service or a command gives
back (result, output files, problems printed), not at how it is done.
"""

import cProfile
import csv
import html
import http.client
import io
import json
import posixpath
import pstats
import re
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from awards_helpers import AGENCIES, write_awards
from chapar.build.errors import BuildError
from chapar.checks.budgets import budget_problems
from conftest import ROOT, build_site, make_site, news_item, refused_build
from hostile_support import (
    ALL_VECTORS,
    FIELDS,
    FORMULA_START,
    FORMULAS,
    SENTENCE,
    SHAPES,
    build_hostile_site,
    by_field,
    comment_site,
    feed_findings,
    field_of,
    first_label,
    hostile_website,
    make_hostile_site,
    pathological,
    static_findings,
)
from intake_support import OTHER, Service, intake_news, on_topic, post, running

PATH_LINE = re.compile(r"^(?P<path>[^\s:][^:]*):(?P<line>\d+): \S")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    site, _ = make_hostile_site(tmp_path_factory.mktemp("hostile"))
    return build_hostile_site(site)


@pytest.fixture(scope="module")
def findings(hostile):
    return by_field([f for _, f in static_findings(hostile)])


# --- every field, every page: nothing injected ------------------------------------


def test_every_hostile_website_is_refused_at_its_line(tmp_path):
    """A vector in an agency's website is not an address: the build stops and
    names each line (the hostile site carries them percent-encoded instead).
    """
    site = make_site(tmp_path, news={"a.md": news_item(1)})
    rows = [("id", "name", "website")] + [
        (f"ag{i}", f"اداره {i}", hostile_website(i, v)) for i, v in enumerate(ALL_VECTORS)
    ]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    (site / "data/awards/agencies.csv").write_text(buffer.getvalue(), encoding="utf-8")
    with pytest.raises(BuildError) as error:
        build_site(site)
    lines = {
        int(m["line"])
        for p in error.value.problems
        if (m := PATH_LINE.match(p)) and m["path"] == "data/awards/agencies.csv" and "website" in p
    }
    assert lines == set(range(2, len(ALL_VECTORS) + 2))


@pytest.mark.parametrize("field", FIELDS)
def test_no_markup_injected_from(field, findings):
    found = findings.get(field, [])
    assert found == [], f"{FIELDS[field]}: {len(found)} injected, e.g. {found[:3]}"


def test_no_unlabelled_markup_injected(findings):
    assert findings.get("?", []) == []


def test_feeds_and_sitemaps_are_xml_and_carry_no_markup(hostile):
    """A feed reader renders titles and summaries as HTML."""
    found = feed_findings(hostile)
    assert found == [], sorted({f"{field_of(first_label(f) or '?')} in {p}" for p, f in found})


def test_json_ld_parses_on_every_article(hostile):
    """A vector that closes the <script> (or breaks the JSON) leaves a block
    that does not parse, or a block cut short of its headline.
    """
    for i in range(len(ALL_VECTORS)):
        page = (hostile / f"news/{7000 + i}/index.html").read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert blocks, i
        data = [json.loads(b) for b in blocks]
        assert any(isinstance(d, dict) and isinstance(d.get("headline"), str) for d in data), i


def test_every_json_file_parses(hostile):
    for path in hostile.rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"))


def test_open_data_csv_hands_no_formula_to_a_spreadsheet(hostile):
    rows = list(
        csv.reader(
            io.StringIO((hostile / "awards/data/awards.csv").read_text(encoding="utf-8-sig"))
        )
    )
    cells = [cell for row in rows for cell in row]
    assert [c for c in cells if c.startswith(FORMULA_START)] == []
    # the text itself is kept, only made inert (the agency's province, FORMULAS[1],
    # is not a column of the open data)
    for formula in (FORMULAS[0], *FORMULAS[2:7]):
        assert any(c.endswith(formula) for c in cells), formula


# --- headers that can only be refused ------------------------------------------------


def failing_build(site):
    problems = refused_build(site)
    assert problems, problems
    assert all(PATH_LINE.match(p) for p in problems), problems
    return problems


def test_hostile_agencies_id_and_reply_to_are_refused_at_their_lines(tmp_path):
    site = make_site(
        tmp_path,
        news={"a.md": news_item(5, extra="Agencies: <img src=x onerror=alert(1)>\n")},
        comments={
            "5/1.md": 'Author: الف\nDate: 1397/06/05 10:00\nId: "><script>alert(1)</script>\n\nمتن\n',
            "5/2.md": "Author: ب\nDate: 1397/06/05 10:01\nReplyTo: <svg onload=alert(1)>\n\nمتن\n",
        },
    )
    problems = failing_build(site)
    assert any(p.startswith("content/news/a.md:4:") for p in problems), problems
    assert any(p.startswith("content/comments/5/1.md:3:") for p in problems), problems
    assert any(p.startswith("content/comments/5/2.md:3:") for p in problems), problems


def test_intake_refuses_hostile_fields_and_writes_nothing(tmp_path):
    site = make_site(tmp_path, news=intake_news())
    hostile = '"><script>alert(1)</script>'
    with running(site) as service:
        for as_json in (True, False):
            for fields in (
                {"name": "علی", "text": on_topic(1), "reply_to": hostile},
                {"name": "علی", "text": on_topic(2), "reply_to": "../../news/x"},
                {"name": "<>\"'&;", "text": on_topic(3)},
                {"name": "علی\u2028Status: approved", "text": on_topic(4)},
            ):
                status, headers, body = post(
                    service.base, OTHER, fields, as_json=as_json, client="10.9.9.9"
                )
                assert 400 <= status < 500, (fields, status)
                assert b"<script>" not in body
                if as_json:
                    assert headers["content-type"].startswith("application/json")
                    json.loads(body)
    assert not list((site / "content/comments").rglob("*.md"))


# --- comments: cost, length, depth, number ----------------------------------------------


def build_calls(site):
    """Function calls (Python and built-in) a build makes: its work, counted, not timed."""
    profile = cProfile.Profile()
    profile.enable()
    try:
        out = build_site(site)
    finally:
        profile.disable()
    return out, sum(row[1] for row in pstats.Stats(profile).stats.values())


def test_pathological_markdown_costs_linear_work(tmp_path):
    """Twice the characters of every pathological shape cost at most about
    twice the work: Markdown that backtracks or rescans grows four-fold.
    """
    calls = {}
    for chars in (0, 1440, 2880):
        (tmp_path / str(chars)).mkdir()
        bodies = [pathological(s, chars) if chars else SENTENCE for s in SHAPES]
        out, calls[chars] = build_calls(comment_site(tmp_path / str(chars), bodies))
        assert SENTENCE in (out / "news/5/index.html").read_text(encoding="utf-8")
    # (past MAX_MARKS a shape is shown as typed and may cost less than the plain sentence)
    half, full = max(calls[1440] - calls[0], 0), calls[2880] - calls[0]
    assert full <= 3 * half + 0.05 * calls[0], calls


def test_a_comment_of_many_marks_is_shown_as_typed_without_the_parser(monkeypatch):
    """Past MAX_MARKS the Markdown parser never runs, however the marks are laid out;
    below it a reader's bold and link still work.
    """
    from chapar.comments import render

    renderer = render.BodyRenderer()
    few = f"{SENTENCE} **مهم** [گزارش](https://example.com/a) <b>"
    formatted = renderer(few)
    assert "<strong>مهم</strong>" in formatted
    assert 'href="https://example.com/a"' in formatted

    def no_parser(text):
        raise AssertionError("the Markdown parser ran")

    monkeypatch.setattr(renderer, "markdown", no_parser)
    for shape in SHAPES:
        text = pathological(shape, 2880) + "\n\nخط بعد"
        assert render.marks(text) > render.MAX_MARKS, shape
        out = renderer(text)
        shown = html.unescape(re.sub(r"<[^>]+>", " ", out))
        assert shown.split() == text.split(), shape  # every character, as text
        assert out.endswith("<p>خط بعد</p>"), shape
        assert "<a" not in out, shape


def test_an_approved_comment_is_capped_and_the_page_keeps_its_budget(tmp_path):
    long = " ".join(f"{SENTENCE} {n}" for n in range(4000))  # ~230,000 characters
    out = build_site(comment_site(tmp_path, [long, "نظر کوتاه درباره دولت الکترونیک"]))
    page = (out / "news/5/index.html").read_text(encoding="utf-8")
    assert 'id="comment-2"' in page
    assert page.count(SENTENCE) < 4000
    assert budget_problems(out) == []


class CommentArticles(HTMLParser):
    """``<article id="comment-…">`` ids in a page, and how deep they nest."""

    def __init__(self):
        super().__init__()
        self.ids, self.depth, self.deepest, self._stack = [], 0, 0, []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            ident = dict(attrs).get("id") or ""
            is_comment = ident.startswith("comment-")
            self._stack.append(is_comment)
            if is_comment:
                self.ids.append(ident[len("comment-") :])
                self.depth += 1
                self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "article" and self._stack and self._stack.pop():
            self.depth -= 1


def comment_articles(path):
    parser = CommentArticles()
    parser.feed(Path(path).read_text(encoding="utf-8"))
    return parser


def comment_ids_by_page(out):
    """``{page: {comment ids}}`` over every HTML file of the output."""
    found = {}
    for path in out.rglob("*.html"):
        ids = set(comment_articles(path).ids)
        if ids:
            found[path.relative_to(out).as_posix()] = ids
    return found


def all_comment_ids(out):
    return set().union(*comment_ids_by_page(out).values())


def linked_pages(out, rel):
    """The output files a page links to (absolute or relative links)."""
    text = (out / rel).read_text(encoding="utf-8")
    targets = set()
    for href in re.findall(r'href="([^"#?]+)', html.unescape(text)):
        if "://" in href or href.startswith("mailto:"):
            continue
        path = posixpath.normpath(
            href.lstrip("/")
            if href.startswith("/")
            else posixpath.join(posixpath.dirname(rel), href)
        )
        targets |= {path, posixpath.join(path, "index.html")}
    return targets


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """One comment answering the previous, 1,000 deep."""
    n = 1000
    site = comment_site(
        tmp_path_factory.mktemp("chain"),
        [f"{SENTENCE}، پاسخ {i}" for i in range(1, n + 1)],
        replies={i: str(i - 1) for i in range(2, n + 1)},
    )
    return build_site(site), n


def test_a_reply_chain_1000_deep_builds_with_its_nesting_flattened(chain):
    out, n = chain
    first = comment_articles(out / "news/5/index.html")
    assert first.ids, "no comment on the article's page"
    deepest = max(comment_articles(p).deepest for p in out.rglob("*.html"))
    assert deepest < 50  # the page does not nest 1,000 articles
    assert len(all_comment_ids(out)) == n  # and no comment is lost


@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    """10,000 comments on one article."""
    n = 10_000
    site = comment_site(
        tmp_path_factory.mktemp("crowd"), [f"{SENTENCE}، نظر {i}" for i in range(1, n + 1)]
    )
    return build_site(site), n


def test_10000_comments_keep_the_article_page_in_its_budget(crowd):
    out, n = crowd
    first = comment_articles(out / "news/5/index.html")
    assert 0 < len(first.ids) < n
    assert budget_problems(out) == []


def test_10000_comments_are_all_published_on_linked_pages(crowd):
    out, n = crowd
    pages = comment_ids_by_page(out)
    assert len(set().union(*pages.values())) == n  # not one lost
    first = pages["news/5/index.html"]
    more = [rel for rel in linked_pages(out, "news/5/index.html") if pages.get(rel, first) - first]
    assert more, "the article's page links to no page with its other comments"


def test_comment_html_is_exactly_p_br_strong_em_and_a_href(tmp_path):
    body = (
        '<a href="https://example.com/x" title="t" lang="en" hreflang="en" target="_blank" '
        'id="i" class="c" style="color:red" dir="ltr">پیوند</a> '
        '<p lang="en" title="t" dir="ltr" class="c">بند</p> <em title="t" lang="en">کج</em> '
        '<strong lang="en">پررنگ</strong> <abbr title="x">م</abbr> <code>c</code> '
        '<img src="https://example.com/i.png" alt="x"> <span lang="en">s</span>\n\n'
        '# عنوان\n\n> نقل\n\n- فهرست\n\n`کد`\n\n![تصویر](https://example.com/i.png "t")\n\n'
        f'{SENTENCE} **پررنگ** *کج* [پیوند](https://example.com/y "عنوان")'
    )
    out = build_site(comment_site(tmp_path, [body]))
    page = (out / "news/5/index.html").read_text(encoding="utf-8")
    start = page.index('id="comment-1"')
    body_html = re.search(r'<div class="comment__body">(.*?)</div>', page[start:], re.S).group(1)
    tags = re.findall(r"<([a-zA-Z][\w-]*)([^>]*)>", body_html)
    assert {t.lower() for t, _ in tags} <= {"p", "br", "strong", "em", "a"}, tags
    for tag, attrs in tags:
        names = set(re.findall(r"([\w:-]+)=", attrs))
        assert names <= ({"href", "rel"} if tag == "a" else set()), (tag, attrs)
    assert "https://example.com/x" in body_html
    assert "https://example.com/y" in body_html


# --- the intake service killed -----------------------------------------------------------


def Intake(site, *args):
    """The intake in a session of its own (its whole process group, the
    service and any git it runs, can be killed), without a rate limit.
    """
    return Service(site, *args, "--rate-limit", "0", group=True)


def git_running_under(pid):
    """Whether a ``git`` child of process ``pid`` runs now (read from /proc)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, _, rest = text.partition(" (")[2].rpartition(") ")
        if name == "git" and rest.split()[1] == str(pid):
            return True
    return False


def git(site, *args):
    return subprocess.run(
        ["git", *args], cwd=site, capture_output=True, text=True, check=True
    ).stdout


def git_site(tmp_path):
    site = make_site(tmp_path, news=intake_news())
    git(site, "init", "-q", "-b", "main")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "site")
    return site


def committed(site):
    return set(git(site, "ls-tree", "-r", "--name-only", "HEAD", "content/comments").split())


def wait_until_clean(service, site, acknowledged, seconds=40):
    """Poll /healthz; whenever it says nothing is pending, every acknowledged
    comment must be committed (it may not say so before).  Returns True once
    all are committed.
    """
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status, health = service.health()
        done = acknowledged <= committed(site)
        if status == 200 and health.get("ok") is True and health.get("pending_commits") == 0:
            assert done, (
                f"/healthz says ok with nothing pending, but "
                f"{len(acknowledged - committed(site))} acknowledged comments "
                f"are not committed"
            )
        if done:
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("group", [False, True], ids=["service", "process-group"])
def test_git_mode_loses_no_acknowledged_comment_when_killed(tmp_path, group):
    site = git_site(tmp_path)
    acknowledged = set()
    for run in range(3):
        service = Intake(site, "--commit")
        lock = threading.Lock()
        stop = threading.Event()

        def poster(worker, stop=stop, service=service, run=run, lock=lock):
            n = 0
            while not stop.is_set():
                n += 1
                try:
                    status, _, body = post(
                        service.base,
                        OTHER,
                        {"name": "خواننده", "text": on_topic(run * 100_000 + worker * 10_000 + n)},
                        as_json=True,
                    )
                except (OSError, http.client.HTTPException):
                    return  # killed mid-answer: not acknowledged
                if status == 202:
                    with lock:
                        acknowledged.add(f"content/comments/{OTHER}/{json.loads(body)['id']}.md")

        threads = [threading.Thread(target=poster, args=(w,)) for w in range(4)]
        for t in threads:
            t.start()
        before, deadline = len(acknowledged), time.monotonic() + 60
        while len(acknowledged) < before + 12 + 6 * run and time.monotonic() < deadline:
            time.sleep(0.01)
        while not git_running_under(service.proc.pid) and time.monotonic() < deadline:
            pass
        if group:  # while git runs, posts and commits still coming
            service.kill_group()
        else:
            service.kill()
        stop.set()
        for t in threads:
            t.join()
    assert len(acknowledged) >= 30
    on_disk = {
        f"content/comments/{OTHER}/{p.name}"
        for p in (site / f"content/comments/{OTHER}").glob("*.md")
    }
    assert acknowledged <= on_disk
    service = Intake(site, "--commit")
    try:
        assert wait_until_clean(service, site, acknowledged), (
            f"{len(acknowledged - committed(site))} of {len(acknowledged)} acknowledged "
            f"comments never committed; log: {service.read_log()[-2000:]}"
        )
    finally:
        service.stop()


def test_healthz_does_not_report_ok_while_a_comment_cannot_be_committed(tmp_path):
    """A git killed mid-commit leaves .git/index.lock: the service must either
    commit past it or say on /healthz that it has not.
    """
    site = git_site(tmp_path)
    service = Intake(site, "--commit")
    try:
        (site / ".git/index.lock").write_text("")
        status, _, body = post(
            service.base, OTHER, {"name": "خواننده", "text": on_topic(7)}, as_json=True
        )
        assert status == 202, body
        path = f"content/comments/{OTHER}/{json.loads(body)['id']}.md"
        wait_until_clean(service, site, {path}, seconds=35)
    finally:
        service.stop()


# --- bad files: path:line: message, never a crash ------------------------------------------


def test_nul_bytes_in_a_news_file(tmp_path):
    text = news_item(5, title="خبر\0آزمایشی", body="متن\0خبر")
    problems = failing_build(make_site(tmp_path, news={"nul.md": text}))
    assert any(p.startswith("content/news/nul.md:1:") for p in problems), problems


def test_nul_byte_in_a_news_body(tmp_path):
    problems = failing_build(make_site(tmp_path, news={"nul.md": news_item(5, body="متن\0خبر")}))
    assert any(p.startswith("content/news/nul.md:5:") for p in problems), problems


@pytest.mark.parametrize("date", ["9999-12-31 23:59", "2100-01-01", "1499/12/29"])
def test_absurd_years_stop_the_build_at_the_date_line(tmp_path, date):
    problems = failing_build(make_site(tmp_path, news={"bad.md": news_item(5, date=date)}))
    assert [p for p in problems if p.startswith("content/news/bad.md:2:")], problems


def test_invoke_check_reports_an_absurd_year_without_a_traceback(tmp_path):
    site = make_site(tmp_path, news={"bad.md": news_item(5, date="9999-12-31 23:59")})
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "check"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "content/news/bad.md:2:" in result.stderr, result.stderr[-2000:]


def awards_site(tmp_path, **files):
    site = make_site(tmp_path, news={"a.md": news_item(4385870)})
    for path in (site / "data/awards").glob("*.csv"):
        path.unlink()
    write_awards(site / "data/awards", **files)
    return site


def test_a_carriage_return_inside_a_quoted_cell_is_reported_at_its_line(tmp_path):
    agencies = AGENCIES + 'cr,"اداره کل\rراه",,,\n' + "post,تکراری,,,\n"  # lines 5 and 6
    problems = failing_build(awards_site(tmp_path, agencies=agencies))
    assert any(p.startswith("data/awards/agencies.csv:5:") for p in problems), problems
    # the rows after it are still read and checked
    assert any("'post'" in p for p in problems), problems


def test_an_unclosed_quote_is_reported_at_the_line_it_opens(tmp_path):
    agencies = AGENCIES + 'open,"اداره کل راه,,,\n' + "road,اداره کل راه و شهرسازی,,,\n" * 3
    problems = failing_build(awards_site(tmp_path, agencies=agencies))
    assert any(p.startswith("data/awards/agencies.csv:5:") for p in problems), problems


def test_news_code_with_leading_zeros_is_one_number_everywhere(tmp_path):
    comment = "Author: مریم\nDate: 1397/06/05 11:20\nStatus: approved\n\nدولت الکترونیک لازم است.\n"
    site = make_site(
        tmp_path,
        news={"a.md": news_item("0077", title="دولت الکترونیک", body="دولت الکترونیک در استان.")},
        comments={"77/1.md": comment},
    )
    out = build_site(site, output=tmp_path / "out")
    assert (out / "news/77/index.html").is_file()
    assert not (out / "news/0077").exists()
    assert 'id="comment-1"' in (out / "news/77/index.html").read_text(encoding="utf-8")
    # the intake service finds the article under 77 and files under 77
    with running(site) as service:
        status, _, body = post(service.base, 77, {"name": "علی", "text": on_topic(1)}, as_json=True)
        assert status == 202, body
    assert not (site / "content/comments/0077").exists()
    assert len(list((site / "content/comments/77").glob("*.md"))) == 2
    # the editors' commands agree
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    listed = subprocess.run(
        [sys.executable, "-m", "invoke", "moderation"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "77/1" in listed.stdout
    created = subprocess.run(
        [sys.executable, "-m", "invoke", "new", "خبر تازه"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert created.returncode == 0, created.stderr[-2000:]
    assert "NewsCode: 78\n" in (site / created.stdout.strip()).read_text(encoding="utf-8")


def test_news_code_0077_and_77_are_the_same_code(tmp_path):
    problems = failing_build(
        make_site(tmp_path, news={"a.md": news_item("0077"), "b.md": news_item(77, title="دیگر")})
    )
    assert any(
        p.startswith(("content/news/a.md:3:", "content/news/b.md:3:")) and "77" in p
        for p in problems
    ), problems


@pytest.mark.parametrize(
    "header", ["Category:\n", "Category:   \n", ""], ids=["empty", "blank", "none"]
)
def test_no_category_never_makes_the_folder_a_section(tmp_path, header):
    site = make_site(tmp_path, news={"folderx/a.md": news_item(5, extra=header)})
    try:
        out = build_site(site)
    except BuildError as err:  # refusing it is fine too, at its line
        assert all(PATH_LINE.match(p) for p in err.problems), err.problems  # noqa: PT017 (a refused build is the other allowed outcome)
        assert any(p.startswith("content/news/folderx/a.md:") for p in err.problems)  # noqa: PT017 (a refused build is the other allowed outcome)
        return
    assert not (out / "category/folderx").exists()
    assert "folderx" not in (out / "news/5/index.html").read_text(encoding="utf-8")
