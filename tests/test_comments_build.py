"""Comments in a built site: threads, rendering, bad input, nothing leaked,
and ``invoke moderation``.
"""

import contextlib
import json
import re
import subprocess
import sys

import pytest

from chapar.build.errors import BuildError
from chapar.cli import moderation as cli
from chapar.comments import render
from conftest import ROOT, build_site, make_site, news_item

CODE = 4385870
ARTICLE = news_item(
    CODE,
    title="دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت",
    body="استاندار خراسان شمالی گفت: اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی "
    "سبب رضایتمندی مردم خواهد شد و شفافیت ادارات را بیشتر می‌کند.",
)

HELD_TEXT = "قیمت گوجه و پیاز در میدان تره‌بار تهران این هفته دو برابر شده و فروشندگان ناراضی هستند."
FINGLISH_TEXT = "dolat electronic kheili khoobe, merci az khabar"
ARABIC_TEXT = "شكرا جزيلا على هذا الخبر المهم عن الحكومة الإلكترونية"
INSULT_TEXT = "این استاندار یک احمـــق بیشعور است و دولت الکترونیک را بهانه کرده"
EMAIL = "secret.reader@example.org"


def comment(author, date, body, **keys):
    header = "".join(f"{k}: {v}\n" for k, v in keys.items())
    return f"Author: {author}\nDate: {date}\n{header}\n{body}\n"


COMMENTS = {
    f"{CODE}/1.md": comment(
        "مریم <b>احمدی</b>",
        "1397/06/05 11:20",
        "اجرای کامل **دولت الکترونیک** در ادارات استان لازم است.",
        Email=EMAIL,
    ),
    f"{CODE}/2.md": comment(
        "رضا",
        "1397/06/05 13:45",
        "موافقم، دولت الکترونیک رضایتمندی مردم را بیشتر می‌کند.",
        ReplyTo="1",
    ),
    f"{CODE}/3.md": comment(
        "سارا", "1397/06/05 12:00", "شفافیت ادارات با دولت الکترونیک بیشتر می‌شود.", ReplyTo="1"
    ),
    f"{CODE}/4.md": comment(
        "علی", "1397/06/05 10:00", "دستگاه‌های اجرایی استان باید دولت الکترونیک را کامل کنند."
    ),
    f"{CODE}/held.md": comment("خواننده", "1397/06/05 14:00", HELD_TEXT, Email="held@example.org"),
    f"{CODE}/fin.md": comment("Reader", "1397/06/05 14:10", FINGLISH_TEXT),
    f"{CODE}/ar.md": comment("قارئ", "1397/06/05 14:20", ARABIC_TEXT),
    f"{CODE}/insult.md": comment("ناشناس", "1397/06/05 14:30", INSULT_TEXT),
    f"{CODE}/reply-to-held.md": comment(
        "پاسخ‌دهنده",
        "1397/06/05 15:00",
        "دولت الکترونیک در میدان تره‌بار هم لازم است.",
        ReplyTo="held",
    ),
    f"{CODE}/approved.md": comment(
        "Editor's pick", "1397/06/05 16:00", "Thanks for the news", Status="approved"
    ),
    f"{CODE}/vetoed.md": comment(
        "وتو",
        "1397/06/05 16:10",
        "دولت الکترونیک در استان خوب پیش رفته است و ادارات همراهی کرده‌اند.",
        Status="rejected",
    ),
}
UNPUBLISHED = ["held", "fin", "ar", "insult", "reply-to-held", "vetoed"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("comments")
    site = make_site(
        tmp, news={"1397/4385870.md": ARTICLE, "1397/2.md": news_item(2)}, comments=COMMENTS
    )
    out = build_site(site)
    return site, out, (out / "news" / str(CODE) / "index.html").read_text(encoding="utf-8")


def section(page):
    return page[
        page.index('<section id="comments"') : page.index(
            "</section>", page.index('<section id="comments"')
        )
    ]


def test_published_comments_and_count(built):
    _, _, page = built
    comments = section(page)
    ids = re.findall(r'<article id="comment-([^"]+)"', comments)
    assert sorted(ids) == ["1", "2", "3", "4", "approved"]
    assert '<span class="comments__count">(۵)</span>' in comments


def test_replies_nest_under_their_parent_in_date_order(built):
    _, _, page = built
    comments = section(page)
    top = comments.index('id="comment-1"')
    replies = comments.index("comment-list--replies", top)
    # 3 (12:00) before 2 (13:45), both inside 1's article; the threads newest
    # first (README.md, Comments): approved (16:00), 1 (11:20), 4 (10:00)
    assert top < replies < comments.index('id="comment-3"') < comments.index('id="comment-2"')
    assert comments.index('id="comment-approved"') < top
    parent_end = comments.index("</article>", comments.index('id="comment-2"'))
    assert comments.index("</article>", parent_end + 1) < comments.index('id="comment-4"')


def test_jalali_dates_escaped_authors_and_sanitised_bodies(built):
    _, _, page = built
    comments = section(page)
    assert '<time datetime="2018-08-27T11:20:00+04:30">۵ شهریور ۱۳۹۷، ۱۱:۲۰</time>' in comments
    assert "مریم &lt;b&gt;احمدی&lt;/b&gt;" in comments
    assert "<b>" not in comments
    assert "<strong>دولت الکترونیک</strong>" in comments
    assert "Editor&#x27;s pick" in comments or "Editor&#39;s pick" in comments


def test_rules_under_the_form_and_closed_without_endpoint(built):
    _, _, page = built
    comments = section(page)
    form = comments.index("<form")
    first = comments.index("نظرات حاوی توهین و هرگونه نسبت ناروا", form)
    second = comments.index("نظراتی که غیر از زبان فارسی یا غیر مرتبط با خبر باشد", form)
    assert form < first < second
    assert "ارسال نظر فعلاً بسته است" in comments
    assert "<fieldset" in comments
    assert " disabled" in comments
    assert "action=" not in comments[form : comments.index(">", form)]
    for name in ("name", "email", "text", "reply_to", "website"):
        assert f'name="{name}"' in comments
    assert "comments.js" not in page


def test_an_article_without_comments_still_shows_the_form(built):
    _, out, _ = built
    page = (out / "news" / "2" / "index.html").read_text(encoding="utf-8")
    assert '<section id="comments"' in page
    assert "(۰)" in page
    assert "هنوز نظری منتشر نشده است." in page


def test_endpoint_opens_the_form(tmp_path):
    site = make_site(
        tmp_path, news={"1.md": ARTICLE}, comments={f"{CODE}/1.md": COMMENTS[f"{CODE}/1.md"]}
    )
    out = build_site(site, COMMENTS={"endpoint": "https://comments.example.org"})
    page = (out / "news" / str(CODE) / "index.html").read_text(encoding="utf-8")
    assert f'action="https://comments.example.org/comments/{CODE}"' in page
    assert "disabled" not in section(page)
    assert 'data-reply-to="1"' in page
    assert "comments.js" in page
    assert "شما در حال پاسخ به نظر «<span data-reply-name></span>» هستید." in page


def test_rules_json_for_the_browser(built):
    _, out, _ = built
    data = json.loads((out / "comments" / "rules.json").read_text(encoding="utf-8"))
    assert [r["id"] for r in data["rules"]][:3] == ["length", "no-insults", "persian-only"]
    assert "normalize" in data
    assert "language" in data


def test_nothing_unpublished_and_no_email_anywhere_in_the_output(built):
    _site, out, _ = built
    secrets = [
        EMAIL,
        "held@example.org",
        HELD_TEXT,
        FINGLISH_TEXT,
        ARABIC_TEXT,
        INSULT_TEXT,
        "دولت الکترونیک در میدان تره‌بار هم لازم است.",
        "دولت الکترونیک در استان خوب پیش رفته است",
    ]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.suffix == ".xml" for p in files)  # feeds and sitemap are searched too
    assert any("pagefind" in p.parts for p in files)  # and the search index
    for path in files:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode("utf-8") not in data, (path, secret)
        text = data.decode("utf-8", "ignore")
        for key in UNPUBLISHED:
            assert f'comment-{key}"' not in text, (path, key)


def test_the_search_index_does_not_hold_unpublished_words(built):
    # pagefind compresses its index: ask it, not the bytes
    _, out, _ = built
    assert (out / "pagefind").is_dir()
    fragments = list((out / "pagefind").rglob("*.pf_fragment"))
    assert fragments
    import gzip

    for fragment in fragments:
        raw = fragment.read_bytes()
        with contextlib.suppress(OSError):
            raw = gzip.decompress(raw[raw.index(b"\x1f\x8b") :]) if b"\x1f\x8b" in raw else raw
        for secret in (EMAIL, "تره‌بار", "jazilan", "احمـــق", "شكرا"):
            assert secret.encode("utf-8") not in raw, fragment


# --- bad input ---------------------------------------------------------------


def failing(tmp_path, comments, news=None):
    site = make_site(tmp_path, news=news or {"1.md": ARTICLE}, comments=comments)
    with pytest.raises(BuildError) as err:
        build_site(site)
    assert not (site / "output").exists()
    return err.value.problems


def test_every_bad_comment_file_is_reported_with_its_line(tmp_path):
    ok = COMMENTS[f"{CODE}/1.md"]
    problems = failing(
        tmp_path,
        {
            f"{CODE}/1.md": ok,
            f"{CODE}/no-author.md": "Date: 1397/06/05 10:00\n\nمتن\n",
            f"{CODE}/no-date.md": "Author: علی\n\nمتن\n",
            f"{CODE}/bad-date.md": "Author: علی\nDate: 1402/12/30\n\nمتن\n",
            f"{CODE}/orphan.md": "Author: علی\nDate: 1397/06/05\nReplyTo: 99\n\nمتن\n",
            f"{CODE}/twin.md": "Author: علی\nDate: 1397/06/05\nId: 1\n\nمتن\n",
            f"{CODE}/broken.md": "Author: علی\nاین خط کلید ندارد\nDate: 1397/06/05\n\nمتن\n",
            f"{CODE}/status.md": "Author: علی\nDate: 1397/06/05\nStatus: published\n\nمتن\n",
            f"{CODE}/typo.md": "Author: علی\nDate: 1397/06/05\nAuther: x\n\nمتن\n",
            "999/1.md": ok,
        },
    )
    base = f"content/comments/{CODE}"
    expected = [
        f"{base}/no-author.md:1: missing required key 'Author'",
        f"{base}/no-date.md:1: missing required key 'Date'",
        f"{base}/bad-date.md:2: Date: impossible date",
        f"{base}/orphan.md:3: ReplyTo '99': no comment with that Id",
        f"{base}/twin.md:3: Id '1' is already used by",
        f"{base}/broken.md:2: broken header line",
        f"{base}/status.md:3: Status 'published' is not allowed",
        f"{base}/typo.md:3: unknown key 'Auther'",
        "content/comments/999/1.md:1: no news item has NewsCode '999'",
    ]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)
    assert len(problems) == len(expected)


def test_comments_under_a_news_item_that_fails_to_read_report_only_their_own_problems(tmp_path):
    # the editor sees the news file's mistake, not every comment said to have no news item
    broken = ARTICLE.replace("Date: 1397/06/05 09:07", "Date: ۱۴۰۲/۱۲/۳۰ ۰۹:۰۷")
    problems = failing(
        tmp_path,
        {
            f"{CODE}/1.md": "Author: علی\nDate: 1397/06/05\n\nمتن\n",
            f"{CODE}/2.md": "Author: علی\nDate: 1397/06/05\nAuther: x\n\nمتن\n",
            "999/1.md": "Author: علی\nDate: 1397/06/05\n\nمتن\n",
        },
        news={"1.md": broken},
    )
    assert problems[0].startswith("content/news/1.md:2: Date: impossible date")
    assert any(
        p.startswith(f"content/comments/{CODE}/2.md:3: unknown key 'Auther'") for p in problems
    )
    assert any(
        p.startswith("content/comments/999/1.md:1: no news item has NewsCode '999'")
        for p in problems
    )
    assert not any(f"no news item has NewsCode '{CODE}'" in p for p in problems)
    assert len(problems) == 3


def test_a_reply_loop_is_reported(tmp_path):
    problems = failing(
        tmp_path,
        {
            f"{CODE}/a.md": "Author: الف\nDate: 1397/06/05\nReplyTo: b\n\nمتن\n",
            f"{CODE}/b.md": "Author: ب\nDate: 1397/06/05\nReplyTo: a\n\nمتن\n",
        },
    )
    assert any("makes a loop" in p for p in problems)


def test_a_bad_rules_file_fails_the_build(tmp_path):
    site = make_site(tmp_path, news={"1.md": ARTICLE})
    (site / "data/moderation/rules.toml").write_text(
        '[[rule]]\nid = "x"\ncheck = "magic"\n', encoding="utf-8"
    )
    with pytest.raises(BuildError) as err:
        build_site(site)
    assert err.value.problems == [
        (
            "data/moderation/rules.toml:1: unknown check 'magic'; use one of: "
            "lexicon, language, relevance, links, duplicate, length"
        )
    ]


# --- rendering ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fast"),
    [
        ("یک بند ساده.", True),
        ("خط اول\nخط دوم\n\nبند دوم، با «گیومه» و (پرانتز) و ۱۲۳؟", True),
        ("نشانی https://example.com/a?b=c در متن", True),
        ("\n\nبند با خط خالی اول\n\n\n\nو چند خط خالی\n", True),
        ("یک: دو - سه. چهار؛ پنج", True),
        ("سطر با فاصله در پایان   \nو سطر بعد", False),
        ("۱. فهرست\n۲. شماره‌دار", False),
        ("الف = ب", True),
        ("عنوان\n===", False),
        ("1. numbered", False),
        ("- یک\n- دو", False),
        ("a & b", False),
    ],
)
def test_the_plain_text_fast_path_matches_markdown(text, fast):
    renderer = render.BodyRenderer()
    rendered = renderer.plain(text)
    assert (rendered is not None) is fast
    if fast:
        assert render._CLEANER.clean(rendered) == render._CLEANER.clean(renderer.markdown(text))


def test_markdown_is_used_when_the_text_has_syntax():
    body = render.BodyRenderer()
    assert body("**پررنگ** و *کج* و [پیوند](https://example.com)") == (
        "<p><strong>پررنگ</strong> و <em>کج</em> و "
        '<a href="https://example.com" rel="nofollow ugc noopener">پیوند</a></p>'
    )
    listed = body("- یک\n- دو")
    assert "یک" in listed
    assert "<li>" not in listed
    assert "<ul>" not in listed
    # a link anywhere but an http(s) address stays text
    assert body("[خودی](/news/1/)") == "<p>[خودی](/news/1/)</p>"
    assert body("[x](javascript:alert(1))") == "<p>[x](javascript:alert(1))</p>"


# --- invoke moderation ----------------------------------------------------------


def test_moderation_table_lists_every_decision(built):
    site, _, _ = built
    rows, problems = cli.collect(site)
    assert problems == []
    decisions = {key.split("/")[1]: (d.status, d.rule) for key, d, _ in rows}
    assert decisions["fin"] == ("rejected", "persian-only")
    assert decisions["ar"] == ("rejected", "persian-only")
    assert decisions["insult"] == ("rejected", "no-insults")
    assert decisions["held"] == ("held", "on-topic")
    assert decisions["reply-to-held"] == ("held", "thread")
    assert decisions["approved"] == ("published", "editor")
    assert decisions["vetoed"] == ("rejected", "editor")
    table = cli.table(rows)
    assert f"{CODE}/insult" in table
    assert "no-insults" in table
    assert "5 published" in table


def test_approve_and_reject_edit_only_the_status_line(tmp_path):
    site = make_site(
        tmp_path,
        news={"1.md": ARTICLE},
        comments={
            f"{CODE}/held.md": comment("خواننده", "1397/06/05 14:00", HELD_TEXT),
        },
    )
    path = site / f"content/comments/{CODE}/held.md"
    original = "\ufeffAuthor: خواننده\r\nDate: 1397/06/05 14:00\r\n\r\n" + HELD_TEXT + "  \r\n\r\n"
    path.write_bytes(original.encode("utf-8"))
    cli.set_status(site, f"{CODE}/held", "approved")
    approved = path.read_bytes()
    assert (
        approved == original.replace("14:00\r\n\r\n", "14:00\r\nStatus: approved\r\n\r\n").encode()
    )
    cli.set_status(site, f"{CODE}/held", "rejected")
    assert path.read_bytes() == approved.replace(b"Status: approved", b"Status: rejected")
    rows, _ = cli.collect(site)
    assert [(d.status, d.rule) for _, d, _ in rows] == [("rejected", "editor")]
    with pytest.raises(LookupError):
        cli.set_status(site, f"{CODE}/nope", "approved")


def test_invoke_moderation_command(built):
    site, _, _ = built
    (site / "tasks.py").symlink_to(ROOT / "tasks.py")
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "moderation"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # tasks.py works on its own folder: the symlink resolves to the project, so
    # this lists the project's sample comments
    assert result.returncode == 0, result.stderr
    assert "4385870/3" in result.stdout
    assert "held" in result.stdout
    assert "on-topic" in result.stdout


def test_the_projects_sample_comments(real_site):
    page = (real_site / "news" / str(CODE) / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<article id="comment-([^"]+)"', page) == ["1", "2"]  # 2 replies to 1
    held = (
        (ROOT / f"content/comments/{CODE}/3.md")
        .read_text(encoding="utf-8")
        .split("\n\n", 1)[1]
        .strip()
    )
    secrets = [held.encode(), b"maryam@example.com"]
    for path in real_site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(s in data for s in secrets), path


# --- decisions kept between builds ---------------------------------------------


def test_a_rebuild_moderates_again_only_what_changed(tmp_path):
    import chapar_comments as comments

    second = news_item(77, "خبر دوم", "1397/06/06 10:00", body="بودجه استان تصویب شد.")
    site = make_site(
        tmp_path,
        news={"a.md": ARTICLE, "b.md": second},
        comments={
            **COMMENTS,
            "77/1.md": comment("مینا", "1397/06/06 11:00", "بودجه استان باید شفاف باشد."),
        },
    )
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    build_site(site, **cached)
    assert comments.LAST_BUILD == {"moderated": 2, "reused": 0, "worker": False}
    build_site(site, **cached)
    assert comments.LAST_BUILD == {"moderated": 0, "reused": 2, "worker": False}

    # A new comment that repeats one already there is a duplicate: the whole
    # thread is moderated again, the other article's decisions are kept.
    (site / "content/comments/77/2.md").write_text(
        comment("مینا", "1397/06/06 12:00", "بودجه استان باید شفاف باشد."), "utf-8"
    )
    again = build_site(site, **cached)
    assert comments.LAST_BUILD == {"moderated": 1, "reused": 1, "worker": False}
    page = (again / "news/77/index.html").read_text("utf-8")
    assert 'id="comment-1"' in page
    assert 'id="comment-2"' not in page

    # Changed rules (a word added to the project's list): every decision is
    # made again, and «شفاف» now rejects the comments that use it.
    build_site(site, **cached)
    words = site / "data/moderation/extra-words.txt"
    words.write_text(words.read_text("utf-8") + "\nشفاف\n", "utf-8")
    again = build_site(site, **cached)
    assert comments.LAST_BUILD == {"moderated": 2, "reused": 0, "worker": False}
    assert 'id="comment-1"' not in (again / "news/77/index.html").read_text("utf-8")


def test_the_thread_template_gets_the_sites_jinja_filters_globals_and_tests(tmp_path):
    # The thread is rendered in an environment of its own (render.ThreadTemplate):
    # it sees what pelicanconf.py gives every other template.
    site = make_site(
        tmp_path,
        news={"1397/4385870.md": ARTICLE},
        comments={f"{CODE}/4.md": COMMENTS[f"{CODE}/4.md"]},
    )
    overrides = site / "overrides" / "partials"
    overrides.mkdir(parents=True)
    original = (ROOT / "theme/templates/partials/comment_thread.html").read_text(encoding="utf-8")
    (overrides / "comment_thread.html").write_text(
        "<p>{{ motto|shout }}{% if 4 is even %} even{% endif %}</p>\n" + original, encoding="utf-8"
    )
    out = build_site(
        site,
        THEME_TEMPLATES_OVERRIDES=[str(site / "overrides")],
        JINJA_GLOBALS={"motto": "chapar"},
        JINJA_FILTERS={"shout": str.upper},
        JINJA_TESTS={"even": _even},
    )
    page = (out / "news" / str(CODE) / "index.html").read_text(encoding="utf-8")
    assert "<p>CHAPAR even</p>" in page


def _even(number):
    return number % 2 == 0
