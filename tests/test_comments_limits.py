"""What no reader's comment can do to the site: a chain of replies of any
depth, bodies built to be slow, an over-long file, attributes the allow-list
does not name, or ten thousand comments on one article (README.md, Comments).
"""

import html
import logging
import re
import shutil

import pytest

import chapar_comments as comments
import chapar_page_cache as page_cache
from chapar import moderation
from chapar.build.errors import BuildError
from chapar.checks.budgets import budget_problems
from chapar.cli import moderation as cli
from chapar.comments import render, sitepass
from conftest import ROOT, build_site, make_site, news_item
from test_builds import differences
from test_comments_build import ARTICLE, CODE, comment

LIMIT = comments.comment_settings({})["max_characters"]
PER_PAGE = comments.comment_settings({})["per_page"]
CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


def stamp(i):
    """A distinct time for comment ``i`` (seconds after 1397/06/05 10:00)."""
    return f"1397/06/05 {10 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"


def article_pages(out, code=CODE):
    """``{number: html}`` of the article's comment pages, the article as 1,
    found by following the "later comments" links from the article.
    """
    pages, number = {}, 1
    path = out / "news" / str(code) / "index.html"
    while True:
        text = path.read_text("utf-8")
        pages[number] = text
        found = re.search(r'<a class="pagination__step" rel="next" href="/([^"]+)"', text)
        if not found:
            return pages
        number += 1
        assert found[1] == f"news/{code}/comments/{number}/"
        path = out / found[1] / "index.html"


def section(text):
    start = text.index('<section id="comments"')
    return text[start : text.index("</section>", start)]


def ids_in(text):
    return re.findall(r'<article id="comment-([^"]+)"', section(text))


def nesting(text):
    """The deepest nesting of comment lists in the comments section."""
    depth = deepest = 0
    for tag in re.findall(r"</?ol\b", section(text)):
        depth += -1 if tag.startswith("</") else 1
        deepest = max(deepest, depth)
    return deepest


# --- reply chains -------------------------------------------------------------


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    """One comment and a chain of 1,200 replies, each to the one before."""
    files = {
        f"{CODE}/1.md": comment(
            "نویسنده ۱", stamp(1), "آغاز بحث درباره دولت الکترونیک", Status="approved"
        )
    }
    for i in range(2, 1202):
        files[f"{CODE}/{i}.md"] = comment(
            f"نویسنده {i}",
            stamp(i),
            f"پاسخ شماره {i} به نظر قبلی",
            ReplyTo=str(i - 1),
            Status="approved",
        )
    site = make_site(tmp_path_factory.mktemp("chain"), news={"1.md": ARTICLE}, comments=files)
    return site, build_site(site)


def test_a_chain_of_a_thousand_replies_builds_and_is_shown_flat(chain):
    _, out = chain
    pages = article_pages(out)
    shown = [cid for number in sorted(pages) for cid in ids_in(pages[number])]
    assert shown == [str(i) for i in range(1, 1202)]  # each once, in date order
    assert '<span class="comments__count">(۱۲۰۱)</span>' in section(pages[1])
    for text in pages.values():
        assert nesting(text) <= 2  # the thread and one level of replies, however deep the chain
    first = section(pages[1])
    # a reply to a reply sits in the thread's list, not inside the comment it answers
    assert first.index('id="comment-3"') > first.index("</article>", first.index('id="comment-2"'))
    assert (
        '<span class="comment__in-reply">در پاسخ به <a href="#comment-2"><bdi>نویسنده 2</bdi></a>'
        in first
    )


def test_a_reply_on_a_later_page_links_to_the_comment_it_answers(chain):
    _, out = chain
    pages = article_pages(out)
    assert len(pages) > 2
    for number, text in pages.items():
        for cid in ids_in(text):
            if cid == "1":
                continue
            found = re.search(
                rf'<article id="comment-{cid}".*?<span class="comment__in-reply">'
                r'در پاسخ به <a href="([^"]*)#comment-(\d+)"',
                section(text),
                re.S,
            )
            href, target = found[1], found[2]
            assert target == str(int(cid) - 1)
            # relative to the page: "" (here), "../../" (the article), "../<n>/" or "comments/<n>/"
            if href == "":
                where = number
            elif href == "../../":
                where = 1
            else:
                where = int(href.rstrip("/").rsplit("/", 1)[1])
                assert href == (f"comments/{where}/" if number == 1 else f"../{where}/")
            assert f'<article id="comment-{target}"' in pages[where]
    # the thread continued from an earlier page names its first comment
    assert (
        '<p class="comment-continued__note">ادامهٔ پاسخ‌ها به <a href="../../#comment-1">' in pages[2]
    )


def test_loops_and_unpublished_parents_are_found_along_long_chains():
    class C:
        def __init__(self, cid, reply_to="", status="", body="متن"):
            self.id, self.reply_to, self.status, self.body = cid, reply_to, status, body
            self.path, self.news_code, self.date, self.lines = f"{cid}.md", "1", cid, {}

        def line(self, key):
            return 1

    from chapar.comments import store

    n = 5000
    chain = [C(f"{i:05d}", f"{i - 1:05d}" if i else "", "approved") for i in range(n)]
    chain[2000].status = "rejected"
    rules = moderation.load_rules(ROOT / "data/moderation/rules.toml")
    decided = moderation.moderate_article(rules, chain)
    assert [decided[c.id].status for c in chain[:2000]] == ["published"] * 2000
    assert decided[chain[2000].id].status == "rejected"
    assert {(decided[c.id].status, decided[c.id].rule) for c in chain[2001:]} == {
        ("held", "thread")
    }
    assert decided[chain[-1].id].reason == "replies to 02000, which is rejected"
    assert store.check_thread(chain) == []
    chain[0].reply_to = chain[-1].id  # the whole chain becomes one loop
    problems = store.check_thread(chain)
    assert len(problems) == n
    assert all("makes a loop of replies" in str(p) for p in problems)


# --- bodies -------------------------------------------------------------------

LINK = '<a href="https://x.ir" rel="nofollow ugc noopener">a</a>'


def plain(text):
    return "<p>" + html.escape(text.strip(), quote=False) + "</p>"


def typed(text):
    """Past MAX_MARKS a body is shown as typed (README, "The text"), else ``None``."""
    return plain(text) if render.marks(text) > render.MAX_MARKS else None


@pytest.mark.parametrize("n", [10, 2880])
@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda n: "نظر " + "[" * n, plain),
        (lambda n: "[" * n + "]" * n, plain),
        (lambda n: "[a](" * n, plain),
        (lambda n: "**a " * n, plain),
        (lambda n: "*" * n + "x", plain),
        (lambda n: "_" * n, plain),
        (lambda n: "<" * n + "b>", plain),
        (lambda n: "\\" * n, lambda t: typed(t) or plain("\\" * (len(t) // 2 + len(t) % 2))),
        (
            lambda n: (
                "[" * n + "a" + "](https://x.ir)" * n
            ),  # the innermost is the link: links never nest
            lambda t: (
                typed(t)
                or (
                    "<p>"
                    + "[" * (t.count("[") - 1)
                    + LINK
                    + "](https://x.ir)" * (t.count("[") - 1)
                    + "</p>"
                )
            ),
        ),
    ],
    ids=[
        "brackets",
        "balanced",
        "open-links",
        "strong-runs",
        "stars",
        "underscores",
        "angles",
        "backslashes",
        "nested-links",
    ],
)
def test_pathological_bodies_render_as_what_they_are(make, expected, n):
    text = make(n)
    assert render.BodyRenderer()(text) == expected(text)


def test_text_without_a_link_is_parsed_the_same_without_the_link_rule():
    full, body = render.markdown_parser(), render.BodyRenderer()
    for text in (
        "[" * 300,
        "[a] [b]",
        "[a]\n(b)",
        "[a] (https://x.ir)",
        "\\[a\\]",
        "[a] (",
        "**[a]** *[b]*",
        "<https://x.ir> [x]",
        "[a]: https://x.ir\n\n[a]",
    ):
        assert "](" not in text
        assert body.markdown(text) == full.render(text).rstrip("\n"), text


@pytest.mark.parametrize("n", [9, 2880])
def test_star_underscore_runs_keep_every_character(n):
    text = "*_" * n
    out = render.BodyRenderer()(text)
    assert re.fullmatch(r"<p>(?:<em>[*_]</em>|[*_])*</p>", out)
    # each <em> took its two delimiters; every other character is still there
    shown = re.sub(r"</?(?:p|em)>", "", out)
    assert len(shown) + 2 * out.count("<em>") == len(text)


def test_only_the_readme_constructs_are_parsed():
    rules = render.markdown_parser().get_active_rules()
    assert rules["block"] == ["paragraph"]
    assert set(rules["inline"]) == {
        "text",
        "newline",
        "escape",
        "emphasis",
        "link",
        "autolink",
        "entity",
    }
    body = render.BodyRenderer()
    for text in ("# عنوان", "> نقل", "    کد", "`کد`", "- یک", "1. یک", "***", "[a]: https://x.ir"):
        assert body(text) == plain(text), text
    assert (
        body("![عکس](https://x.ir/a.png)")
        == '<p>!<a href="https://x.ir/a.png" rel="nofollow ugc noopener">عکس</a></p>'
    )
    assert (
        body("<https://x.ir>")
        == '<p><a href="https://x.ir" rel="nofollow ugc noopener">https://x.ir</a></p>'
    )
    assert body("<mailto:a@x.ir> [b](//x.ir) [c](ftp://x.ir)") == plain(
        "<mailto:a@x.ir> [b](//x.ir) [c](ftp://x.ir)"
    )


def test_nh3_keeps_no_title_or_lang():
    phishing = (
        '<p title="پیام رسمی بانک: رمز خود را وارد کنید" lang="en" dir="ltr">سلام '
        '<a href="https://x.ir" title="بانک" lang="fa">b</a><em title="t">c</em>'
        '<strong lang="en">d</strong><br title="x"></p>'
    )
    assert render._CLEANER.clean(phishing) == (
        '<p>سلام <a href="https://x.ir" rel="nofollow ugc noopener">b</a><em>c</em>'
        "<strong>d</strong><br></p>"
    )
    body = render.BodyRenderer()
    assert body(phishing) == plain(phishing)  # a reader's HTML is text, attributes and all
    assert body('[a](https://x.ir "رمز خود را وارد کنید")') == f"<p>{LINK}</p>"


# --- the hard limit -----------------------------------------------------------


def test_an_over_long_comment_is_left_out_even_when_approved(tmp_path, caplog, every_warning):
    long_body = "د" * (LIMIT + 1)
    site = make_site(
        tmp_path,
        news={"1.md": ARTICLE},
        comments={
            f"{CODE}/long.md": comment("پرحرف", stamp(1), long_body, Status="approved"),
            f"{CODE}/reply.md": comment(
                "پاسخ", stamp(2), "دولت الکترونیک لازم است", ReplyTo="long", Status="approved"
            ),
            f"{CODE}/limit.md": comment("درست", stamp(3), "ب" * LIMIT, Status="approved"),
        },
    )
    with caplog.at_level(logging.WARNING):
        out = build_site(site)
    pages = article_pages(out)
    shown = [cid for text in pages.values() for cid in ids_in(text)]
    assert shown == ["limit"]  # at the limit is fine; over it, and the reply to it, are not
    assert all(long_body not in text for text in pages.values())
    assert (
        f"content/comments/{CODE}/long.md:5: comment left out: {LIMIT + 1} characters"
        in caplog.text
    )
    rows, problems = cli.collect(site)
    decided = {key.split("/")[1]: (d.status, d.rule) for key, d, _ in rows}
    assert problems == []
    assert decided == {
        "long": ("rejected", moderation.LIMIT),
        "reply": ("held", "thread"),
        "limit": ("published", "editor"),
    }


@pytest.fixture
def every_warning(monkeypatch):
    """Pelican logs a warning once per process (pelican.log.LimitFilter): here,
    once per build, as ``invoke build`` does.
    """
    from pelican.log import LimitFilter

    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    return LimitFilter._raised_messages


@pytest.mark.parametrize("how", ["worker", "cache"])
def test_the_warning_comes_from_the_build_however_the_thread_was_made(
    tmp_path, caplog, monkeypatch, every_warning, how
):
    if how == "worker":  # the build waits for the worker, which then does the folder
        finish = sitepass.Worker.finish
        monkeypatch.setattr(
            sitepass.Worker,
            "finish",
            lambda self, work: (self.proc.wait() and None) or finish(self, work),
        )
    site = make_site(
        tmp_path,
        news={"1.md": ARTICLE},
        comments={
            f"{CODE}/long.md": comment("پرحرف", stamp(1), "د" * (LIMIT + 1), Status="approved")
        },
    )
    settings = {"COMMENTS": {"worker": True}} if how == "worker" else CACHED
    if how == "cache":
        build_site(site, **settings)
        assert comments.LAST_BUILD["moderated"] == 1
    caplog.clear()
    every_warning.clear()
    with caplog.at_level(logging.WARNING):
        build_site(site, **settings)
    if how == "worker":
        assert comments.LAST_BUILD["worker"] is True
    else:
        assert comments.LAST_BUILD["reused"] == 1
    assert f"content/comments/{CODE}/long.md:5: comment left out:" in caplog.text


def test_the_limit_is_a_setting(tmp_path):
    site = make_site(
        tmp_path,
        news={"1.md": ARTICLE},
        comments={
            f"{CODE}/1.md": comment(
                "علی", stamp(1), "دولت الکترونیک در استان لازم است", Status="approved"
            )
        },
    )
    rules = site / "data/moderation/rules.toml"  # the length rule may not allow more than the limit
    rules.write_text(rules.read_text("utf-8").replace("max = 3000", "max = 5"), "utf-8")
    out = build_site(site, COMMENTS={"max_characters": 10})
    assert ids_in(article_pages(out)[1]) == []
    out = build_site(site, COMMENTS={"max_characters": 100})
    assert ids_in(article_pages(out)[1]) == ["1"]


def test_a_length_rule_over_the_limit_fails_the_build_at_its_line(tmp_path):
    site = make_site(tmp_path, news={"1.md": ARTICLE})
    rules = site / "data/moderation/rules.toml"
    text = rules.read_text("utf-8")
    assert "max = 3000" in text
    rules.write_text(text.replace("max = 3000", f"max = {LIMIT + 1}"), "utf-8")
    line = next(
        n
        for n, row in enumerate(rules.read_text("utf-8").splitlines(), 1)
        if row.strip() == "[[rule]]"
    )  # the length rule is the first
    with pytest.raises(BuildError) as err:
        build_site(site)
    assert err.value.problems == [
        (
            f"data/moderation/rules.toml:{line}: rule 'length': max {LIMIT + 1} is over "
            f"COMMENTS['max_characters'] ({LIMIT}), the longest comment the site shows; "
            "lower it or raise the setting"
        )
    ]
    assert not (site / "output").exists()


# --- ten thousand comments -------------------------------------------------------


@pytest.fixture(scope="module")
def crowd(tmp_path_factory):
    """10,000 comments on one article: threads of a comment and four replies."""
    files = {}
    for i in range(10_000):
        keys = {"Status": "approved"}
        if i % 5:
            keys["ReplyTo"] = str(i - i % 5)
        files[f"{CODE}/{i}.md"] = comment(
            f"خواننده {i}",
            stamp(i),
            f"نظر شماره {i} درباره دولت الکترونیک و **ادارات** استان.",
            **keys,
        )
    site = make_site(
        tmp_path_factory.mktemp("crowd"),
        news={"1.md": ARTICLE, "2.md": news_item(2)},
        comments=files,
    )
    return site, build_site(site, COMMENTS={"endpoint": "https://comments.example.org"})


def test_ten_thousand_comments_are_paginated_within_the_budget(crowd):
    _, out = crowd
    assert budget_problems(out) == []  # the publish gate's page-weight budgets (README.md)
    pages = article_pages(out)
    assert len(pages) > 10_000 // PER_PAGE
    for text in pages.values():
        assert '<span class="comments__count">(۱۰۰۰۰)</span>' in section(text)
        assert 0 < len(ids_in(text)) <= PER_PAGE
    shown = [cid for number in sorted(pages) for cid in ids_in(pages[number])]
    assert sorted(shown, key=int) == [str(i) for i in range(10_000)]
    # the newest thread first, its replies in date order; the oldest thread last
    assert shown[:5] == ["9995", "9996", "9997", "9998", "9999"]
    assert shown[-5:] == ["0", "1", "2", "3", "4"]
    assert "صفحهٔ ۱ از " in pages[1]
    assert (
        f"صفحهٔ {len(pages)} از ".translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
        in pages[len(pages)]
    )


def test_comment_pages_are_folders_in_the_sitemap_with_their_own_links(crowd):
    _, out = crowd
    sitemap = (out / "sitemap.xml").read_text("utf-8")
    assert f"/news/{CODE}/comments/2/</loc>" in sitemap
    page = (out / f"news/{CODE}/comments/2/index.html").read_text("utf-8")
    assert '<html lang="fa" dir="rtl">' in page
    assert f'<h1 class="comments-page__title"><a href="/news/{CODE}/">' in page
    assert f'rel="prev" href="/news/{CODE}/#comments"' in page
    assert f'rel="next" href="/news/{CODE}/comments/3/"' in page
    assert 'action="https://comments.example.org/comments/' in page  # replying works there too
    assert not (out / f"news/{CODE}/comments/1").exists()
    assert not (out / "news/2/comments").exists()


def test_a_rebuild_with_comment_pages_equals_a_clean_build(tmp_path):
    files = {
        f"{CODE}/{i}.md": comment(
            f"خواننده {i}", stamp(i), f"نظر شماره {i} درباره دولت", Status="approved"
        )
        for i in range(60)
    }
    site = make_site(tmp_path, news={"1.md": ARTICLE}, comments=files)
    first = build_site(site, **CACHED)
    count = len(article_pages(first))
    assert count > 2
    for i in range(60, 60 + PER_PAGE):  # a page more
        (site / f"content/comments/{CODE}/{i}.md").write_text(
            comment(f"خواننده {i}", stamp(i), f"نظر تازه {i} درباره دولت", Status="approved"),
            "utf-8",
        )
    again = build_site(site, **CACHED)
    assert len(article_pages(again)) > count
    rendered = page_cache.LAST_BUILD["rendered_pages"]
    assert f"news/{CODE}/comments/{count + 1}/index.html" in rendered
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(again, clean) == []
    shutil.rmtree(clean)
    (site / f"content/comments/{CODE}").rename(tmp_path / "gone")  # every comment removed
    (site / f"content/comments/{CODE}").mkdir()
    again = build_site(site, **CACHED)
    assert not (again / f"news/{CODE}/comments").exists()
    assert differences(again, build_site(site, output=tmp_path / "clean")) == []


# --- pages, as a unit ---------------------------------------------------------------


def test_pages_keep_their_weight_and_an_enormous_first_comment_leaves_the_article_light():
    def c(cid, body, reply_to=""):
        return render.Comment(cid, "الف", None, body, reply_to)

    big = c("big", "<p>" + "ب" * 3000 + "</p>")
    roots = [big, c("2", "<p>کوتاه</p>")]
    roots[1].replies = [c(f"r{i}", "<p>پاسخ</p>", "2") for i in range(3)]
    pages = render.paginate(roots, page_bytes=4096, per_page=3)
    assert pages[0] == []  # the article shows the count and the links, not a 6 KB comment
    assert [part.root.id for part in pages[1]] == ["big"]
    assert [(p.root.id, p.continued, [r.id for r in p.replies]) for p in pages[2]] == [
        ("2", False, ["r0", "r1"])
    ]
    assert [(p.root.id, p.continued, p.root_href, [r.id for r in p.replies]) for p in pages[3]] == [
        ("2", True, "../3/#comment-2", ["r2"])
    ]
    assert roots[1].replies[0].reply_href == "#comment-2"
    assert roots[1].replies[2].reply_href == "../3/#comment-2"
    for page in pages[1:]:
        weight = sum(
            render.comment_weight(x)
            for part in page
            for x in ([] if part.continued else [part.root]) + part.replies
        )
        assert weight <= 4096 or sum(len(p.replies) + 1 for p in page) == 1
