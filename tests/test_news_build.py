"""README.md (Writing news, Commands): a small fixture site built end to end, page by page,
and the builds that must fail.
"""

import filecmp
import logging
import re
import xml.etree.ElementTree as ET

import pytest

from chapar.build.errors import BuildError
from conftest import build_site, make_site, news_item, refused_build

SEED_LIKE = (
    "Title: دولت الكترونيك رضایتمندی مردم\n"
    "Date: ۱۳۹۷/۰۶/۰۵ ۰۹:۰۷\n"
    "NewsCode: 4385870\n"
    "Kicker: استاندار خراسان شمالی:\n"
    "Dateline: بجنورد\n"
    "Lead: استاندار گفت: دولت الکترونیک رضایت می‌آورد.\n"
    "Category: استان‌ها\n"
    "Tags: دولت الكترونيك، خراسان شمالی, بجنورد\n"
    "\n"
    "متن خبر با كاف عربی و کشیـــده و می\u200cشود.\n"
)


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    site = make_site(
        tmp_path_factory.mktemp("news"),
        news={
            "1397/seed.md": SEED_LIKE,
            "1397/second.md": news_item(1002, "خبر دوم", "1397/06/20 10:00", "Tags: بجنورد\n"),
            "1402/third.md": news_item(1003, "خبر سوم", "2023-08-27 09:07"),
            "1402/draft.md": news_item(1004, "پیش‌نویس محرمانه", "1402/01/01", "Status: draft\n"),
        },
    )
    return build_site(site)


def read(out, rel):
    return (out / rel).read_text(encoding="utf-8")


def test_article_page_shows_persian_news(fixture_site):
    html = read(fixture_site, "news/4385870/index.html")
    assert '<html lang="fa" dir="rtl">' in html
    assert '<time datetime="2018-08-27T09:07:00+04:30">۵ شهریور ۱۳۹۷، ۹:۰۷</time>' in html
    assert "استاندار خراسان شمالی:" in html
    assert "بجنورد- " in html
    assert "دولت الکترونیک رضایتمندی مردم" in html  # ك normalised in the title
    assert "کشیده" in html
    assert "\u0640" not in html
    assert "می\u200cشود" in html
    assert "ي" not in html
    assert "ك" not in html
    assert "۴۳۸۵۸۷۰" in html


def test_zone_offset_after_2022(fixture_site):
    assert 'datetime="2023-08-27T09:07:00+03:30"' in read(fixture_site, "news/1003/index.html")


def test_tags_and_categories_have_persian_slugs(fixture_site):
    for rel in (
        "tag/دولت-الکترونیک/index.html",
        "tag/خراسان-شمالی/index.html",
        "tag/بجنورد/index.html",
        "category/استان-ها/index.html",
    ):
        assert (fixture_site / rel).is_file(), rel
    tag_page = read(fixture_site, "tag/بجنورد/index.html")
    assert "news/4385870/" in tag_page
    assert "news/1002/" in tag_page


def test_jalali_archives(fixture_site):
    month = read(fixture_site, "archive/1397/06/index.html")
    assert "شهریور ۱۳۹۷" in month
    assert "news/4385870/" in month
    assert "news/1002/" in month
    assert "news/1003/" not in month
    year = read(fixture_site, "archive/1397/index.html")
    assert "archive/1397/06/" in year
    assert "۲ خبر" in year
    index = read(fixture_site, "archive/index.html")
    assert "archive/1402/06/" in index
    assert "archive/1397/06/" in index


def test_drafts_are_left_out_entirely(fixture_site):
    for path in fixture_site.rglob("*"):
        if path.is_file():
            assert "پیش‌نویس محرمانه" not in path.read_text(encoding="utf-8", errors="ignore"), path
    assert not (fixture_site / "news/1004").exists()
    assert not (fixture_site / "drafts").exists()


def test_feeds_and_sitemap_carry_gregorian_timestamps(fixture_site):
    atom = ET.parse(fixture_site / "feeds/all.atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    updated = [e.text for e in atom.findall("a:entry/a:updated", ns)]
    assert "2018-08-27T09:07:00+04:30" in updated
    rss = ET.parse(fixture_site / "feeds/all.rss.xml").getroot()
    assert any("Mon, 27 Aug 2018" in e.text for e in rss.iter("pubDate"))
    sitemap = read(fixture_site, "sitemap.xml")
    assert "news/4385870/" in sitemap
    assert "2018-08-27" in sitemap


def test_home_paginates_at_page_2(tmp_path):
    news = {
        f"{i}.md": news_item(100 + i, f"خبر {i}", f"1397/06/{i:02d} 10:00") for i in range(1, 13)
    }
    out = build_site(make_site(tmp_path, news=news))
    page2 = read(out, "page/2/index.html")
    assert "news/101/" in page2  # the oldest item is on the second page
    assert "۲" in page2


def test_long_archive_links_a_window_of_pages_not_every_page(tmp_path):
    news = {
        f"{i}.md": news_item(100 + i, f"خبر {i}", f"1397/06/{i:02d} 10:00") for i in range(1, 31)
    }
    out = build_site(make_site(tmp_path, news=news), DEFAULT_PAGINATION=2)  # 15 pages
    page8 = read(out, "page/8/index.html")
    linked = re.findall(r'aria-label="صفحهٔ ([۰-۹]+)"', page8)
    assert linked == ["۱", "۶", "۷", "۹", "۱۰", "۱۵"]  # first, 8±2, last
    assert 'aria-current="page">۸</span>' in page8
    assert page8.count("pagination__gap") == 2
    first = read(out, "index.html")
    assert re.findall(r'aria-label="صفحهٔ ([۰-۹]+)"', first) == ["۲", "۳", "۱۵"]


def test_lists_stop_after_their_newest_pages_and_send_readers_to_the_archive(tmp_path):
    # PAGINATION_MAX_PAGES (chapar/writer.py): 2 pages of 2 items of 7 news.
    news = {
        f"{i}.md": news_item(
            100 + i, f"خبر {i}", f"1397/06/{i:02d} 10:00", "Category: ورزش\nTags: بجنورد\n"
        )
        for i in range(1, 8)
    }
    site = make_site(tmp_path, news=news)
    out = build_site(site, DEFAULT_PAGINATION=2, PAGINATION_MAX_PAGES=2)
    for first in ("index.html", "tag/بجنورد/index.html", "category/ورزش/index.html"):
        base = first[: -len("index.html")]
        last = read(out, f"{base}page/2/index.html")
        assert not (out / f"{base}page/3/index.html").exists(), base
        # the newest four; the three oldest only in the archive
        shown = re.findall(r'href="/news/(\d+)/"', read(out, first) + last)
        assert sorted(set(shown), reverse=True) == ["107", "106", "105", "104"], base
        assert 'class="pagination__older"><a href="/archive/">' in last, base
        assert "pagination__older" not in read(out, first), base  # only on the last page
    # the counts are the whole list's
    assert "۷ خبر" in read(out, "tag/بجنورد/index.html")
    assert all(f"news/{100 + i}/" in read(out, "archive/1397/06/index.html") for i in range(1, 8))
    # Pelican's own writer (another Pelican: the page cache's is off) keeps the depth too
    from chapar import pelican_compat

    with pytest.MonkeyPatch.context() as mp:
        # another version than test_pelican_compat fakes: Pelican logs a message once
        mp.setattr(pelican_compat, "pelican_version", lambda: "4.99.0")
        pelican_compat.forget()
        plain = build_site(site, DEFAULT_PAGINATION=2, PAGINATION_MAX_PAGES=2)
        assert not (plain / "page/3/index.html").exists()
        assert "pagination__older" in read(plain, "page/2/index.html")
    pelican_compat.forget()
    # a bound that is not a number of pages stops the build, naming the setting
    with pytest.raises(BuildError, match="PAGINATION_MAX_PAGES must be a number of pages"):
        build_site(site, PAGINATION_MAX_PAGES="20")
    # a list that fits is paginated as before, with no link to the archive
    whole = build_site(site, DEFAULT_PAGINATION=2, PAGINATION_MAX_PAGES=0)
    assert (whole / "page/4/index.html").exists()
    assert "pagination__older" not in read(whole, "page/4/index.html")


def test_each_item_keeps_its_own_metadata_and_footnotes(tmp_path):
    # The reader reuses one Markdown converter: nothing may leak between files.
    news = {
        "a.md": news_item(
            11,
            "خبر الف",
            extra="Lead: لید خبر الف\nTags: الف، ب",
            body="متن الف[^1].\n\n[^1]: پانوشت الف",
        ),
        "b.md": news_item(12, "خبر ب", date="1397/06/06 09:07", body="متن ب."),
    }
    out = build_site(
        make_site(tmp_path, news=news),
        MARKDOWN={"extensions": ["markdown.extensions.footnotes"], "output_format": "html5"},
    )
    a, b = read(out, "news/11/index.html"), read(out, "news/12/index.html")
    assert "لید خبر الف" in a
    assert "پانوشت الف" in a
    assert 'rel="tag">الف</a>' in a
    assert "لید خبر الف" not in b
    assert "پانوشت" not in b
    assert 'rel="tag"' not in b
    assert "<h1" in b
    assert "خبر ب" in b


# --- bad input: every problem, path:line, output left as it was -----------------


def failing_build(tmp_path, news):
    return refused_build(make_site(tmp_path, news=news))


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("1402/12/30", "impossible date '1402/12/30'"),
        ("1397/13/01", "impossible date '1397/13/01'"),
        ("فردا", "invalid date 'فردا'"),
    ],
)
def test_bad_date_names_file_line_and_value(tmp_path, date, message):
    problems = failing_build(tmp_path, {"bad.md": news_item(7, date=date)})
    assert len(problems) == 1
    assert problems[0].startswith("content/news/bad.md:2: ")
    assert message in problems[0]


def test_missing_date_and_news_code(tmp_path):
    problems = failing_build(tmp_path, {"bad.md": "Title: خبر\n\nمتن\n"})
    assert "content/news/bad.md:1: missing required key 'Date'" in problems
    assert "content/news/bad.md:1: missing required key 'NewsCode'" in problems


@pytest.mark.parametrize("code", ["abc", "0", "-5", "12.5"])
def test_non_numeric_news_code(tmp_path, code):
    problems = failing_build(tmp_path, {"bad.md": news_item(code)})
    assert problems == [f"content/news/bad.md:3: NewsCode: '{code}' is not a positive whole number"]


def test_duplicate_news_code_names_both_files(tmp_path):
    problems = failing_build(
        tmp_path, {"a.md": news_item(42, "الف"), "sub/b.md": news_item("۴۲", "ب")}
    )
    assert problems == [
        "content/news/sub/b.md:3: NewsCode 42 is already used by content/news/a.md:3"
    ]


def test_unknown_status(tmp_path):
    problems = failing_build(tmp_path, {"bad.md": news_item(5, extra="Status: hidden\n")})
    assert problems == [
        "content/news/bad.md:4: Status 'hidden' is not allowed; use one of: published, draft"
    ]


def test_empty_title(tmp_path):
    problems = failing_build(tmp_path, {"bad.md": news_item(5, title="")})
    assert problems == ["content/news/bad.md:1: Title is empty"]


def test_undecodable_file_names_the_line(tmp_path):
    data = news_item(5).encode("utf-8") + "بد\n".encode("cp1256")
    problems = failing_build(tmp_path, {"bad.md": data})
    assert len(problems) == 1
    assert re.match(r"content/news/bad\.md:6: the file is not UTF-8", problems[0])


def test_every_problem_of_every_file_is_listed(tmp_path):
    problems = failing_build(
        tmp_path,
        {
            "a.md": news_item("x", date="1402/12/30"),
            "b.md": news_item(9, date="فردا"),
            "good.md": news_item(10),
        },
    )
    assert {p.split(": ")[0] for p in problems} == {
        "content/news/a.md:2",
        "content/news/a.md:3",
        "content/news/b.md:2",
    }


def test_an_error_logged_by_pelican_itself_fails_the_build(tmp_path):
    site = make_site(tmp_path, news={"ok.md": news_item(5)})
    (site / "pelicanconf.py").write_text(
        (site / "pelicanconf.py").read_text() + "\nPLUGINS = PLUGINS + ['no_such_plugin']\n"
    )
    with pytest.raises(BuildError, match="no_such_plugin"):
        build_site(site)


# --- determinism -----------------------------------------------------------------


def test_two_builds_are_byte_identical(tmp_path, fixture_site):
    site = fixture_site.parent
    again = build_site(site, output=tmp_path / "again")
    cmp = filecmp.dircmp(fixture_site, again)

    def differences(c):
        found = c.left_only + c.right_only + c.diff_files + c.funny_files
        for sub in c.subdirs.values():
            found += differences(sub)
        return found

    assert differences(cmp) == []


# --- hostile or mistyped input: path:line, never a traceback or silence ----------


def test_a_nul_byte_names_its_line(tmp_path):
    # Pelican's feed writer raised UnserializableContentError on it.
    problems = failing_build(tmp_path, {"bad.md": news_item(5, body="متن\n\nخبر\x00 پایان")})
    assert problems == [
        (
            "content/news/bad.md:7: control character U+0000 (NUL) on this line: delete it; "
            'a file full of them was saved as UTF-16 ("Unicode"): save it as UTF-8'
        )
    ]


def test_a_file_saved_as_utf16_without_a_bom_is_refused_at_line_1(tmp_path):
    item = "Title: Test\nDate: 1397/06/05\nNewsCode: 5\n\nText.\n"  # Latin only: valid UTF-8
    problems = failing_build(tmp_path, {"bad.md": item.encode("utf-16-le")})
    assert len(problems) == 1
    assert problems[0].startswith("content/news/bad.md:1: control character U+0000 (NUL)")


@pytest.mark.parametrize("char", ["\x1b", "\x0c", "\x85", "\ufffe"])
def test_other_control_characters_name_their_line(tmp_path, char):
    problems = failing_build(tmp_path, {"bad.md": news_item(5, extra=f"Lead: لید{char}\n")})
    assert problems == [
        f"content/news/bad.md:4: control character U+{ord(char):04X} on this line: delete it"
    ]


def test_a_nul_byte_in_a_comment_file_names_its_line(tmp_path):
    # The build decoded comment files itself and published the NUL in the page.
    site = make_site(
        tmp_path,
        news={"a.md": news_item(5)},
        comments={"5/1.md": "Author: مریم\nDate: 1397/06/05 10:00\n\nنظر\x00 خوب.\n"},
    )
    assert refused_build(site) == [
        (
            "content/comments/5/1.md:4: control character U+0000 (NUL) on this line: delete it; "
            'a file full of them was saved as UTF-16 ("Unicode"): save it as UTF-8'
        )
    ]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("خبر\x00".encode(), "content/news/a.md:6: control character U+0000 (NUL)"),
        ("خبر".encode("cp1256"), "content/news/a.md:6: the file is not UTF-8 text"),
    ],
)
def test_a_refused_news_file_is_reported_once_not_again_by_its_comments(tmp_path, body, problem):
    site = make_site(
        tmp_path,
        news={"a.md": news_item(5, body="").encode("utf-8") + body},
        comments={"5/1.md": "Author: مریم\nDate: 1397/06/05 10:00\n\nنظر.\n"},
    )
    with pytest.raises(BuildError) as err:
        build_site(site)
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith(problem)


def test_a_line_separator_pasted_into_the_header_does_not_shift_its_lines(tmp_path):
    # U+2028 (from Word) is no line break for Markdown or editors; splitlines took it for one.
    problems = failing_build(
        tmp_path, {"bad.md": news_item(5, title="خبر\u2028دوم", date="1402/12/30")}
    )
    assert len(problems) == 1
    assert problems[0].startswith("content/news/bad.md:2: Date: impossible date '1402/12/30'")


@pytest.mark.parametrize(("key", "line"), [("Date", 2), ("Modified", 4)])
@pytest.mark.parametrize("value", ["9999-12-31 23:59", "1499/12/29", "2100-01-01"])
def test_a_date_centuries_ahead_names_the_key_line(tmp_path, key, line, value):
    # 9999-12-31 raised "ValueError: year is out of range"; the others were published.
    item = news_item(5, date=value) if key == "Date" else news_item(5, extra=f"Modified: {value}\n")
    problems = failing_build(tmp_path, {"bad.md": item})
    assert len(problems) == 1
    assert problems[0].startswith(
        f"content/news/bad.md:{line}: {key}: '{value}' is more than a year after today ("
    )


@pytest.mark.parametrize("value", ["1299/12/29", "1800-01-01"])
def test_a_date_before_1300_names_the_key_line(tmp_path, value):
    problems = failing_build(tmp_path, {"bad.md": news_item(5, date=value)})
    assert problems == [
        (
            f"content/news/bad.md:2: Date: '{value}' is before 1300/01/01 "
            "(1921-03-21), the earliest date accepted"
        )
    ]


def test_a_comment_date_centuries_ahead_names_its_line(tmp_path):
    site = make_site(
        tmp_path,
        news={"a.md": news_item(5)},
        comments={"5/1.md": "Author: مریم\nDate: 1499/12/29 10:00\n\nنظر خوب.\n"},
    )
    problems = refused_build(site)
    assert len(problems) == 1
    assert problems[0].startswith(
        "content/comments/5/1.md:2: Date: '1499/12/29 10:00' is more than a year after today ("
    )


def test_leading_zeros_in_a_news_code_build_the_canonical_page(tmp_path):
    out = build_site(
        make_site(
            tmp_path,
            news={"a.md": news_item("0077", "خبر ۷۷"), "b.md": news_item("۰۰۷۸", "خبر ۷۸")},
            comments={"77/1.md": "Author: مریم\nDate: 1397/06/05 10:00\n\nنظر دربارهٔ خبر.\n"},
        ),
        COMMENTS={"endpoint": "https://chapar.example.ir"},
    )
    assert (out / "news/77/index.html").is_file()
    assert (out / "news/78/index.html").is_file()
    assert not (out / "news/0077").exists()
    page = read(out, "news/77/index.html")
    assert "نظر دربارهٔ خبر." in page  # comments/77/ is the article's folder
    assert 'action="https://chapar.example.ir/comments/77"' in page  # where the intake takes it


def test_news_codes_equal_after_normalising_are_a_duplicate_naming_both(tmp_path):
    problems = failing_build(
        tmp_path, {"a.md": news_item("0077", "الف"), "b.md": news_item(77, "ب")}
    )
    assert problems == [
        "content/news/b.md:3: NewsCode 77 is already used by content/news/a.md:3 ('0077')"
    ]


def test_a_news_code_longer_than_the_intake_takes_is_refused(tmp_path):
    problems = failing_build(tmp_path, {"bad.md": news_item("1" * 19)})
    assert problems == [
        (
            f"content/news/bad.md:3: NewsCode: '{'1' * 19}' is too long: "
            "a NewsCode has at most 18 digits"
        )
    ]


def test_a_news_item_without_a_section_is_in_the_default_section_never_its_folder(tmp_path):
    # `invoke new` writes an empty "Category:"; the folder was the section then.
    news = {
        "1405/empty.md": news_item(1, "بی‌بخش", extra="Category:\n"),
        "1405/none.md": news_item(2, "بدون کلید"),
        "1405/set.md": news_item(3, "با بخش", extra="Category: ورزشی\n"),
    }
    out = build_site(make_site(tmp_path, news=news))
    assert sorted(p.name for p in (out / "category").iterdir()) == ["عمومی", "ورزشی"]
    section = read(out, "category/عمومی/index.html")
    assert "news/1/" in section
    assert "news/2/" in section
    assert "news/3/" not in section
    assert 'href="/category/عمومی/">عمومی</a>' in read(out, "news/1/index.html")


def test_invoke_new_then_publish_gives_the_default_section(tmp_path):
    from datetime import datetime

    from chapar.news.item import create_news_item
    from chapar.persian.dates import TEHRAN

    site = make_site(tmp_path)
    path = create_news_item(
        site / "content/news", "خبر تازه", now=datetime(2026, 3, 25, 10, 0, tzinfo=TEHRAN)
    )
    assert path.parent.name == "1405"
    path.write_text(
        path.read_text(encoding="utf-8").replace("Status: draft", "Status: published"),
        encoding="utf-8",
    )
    out = build_site(site)
    assert sorted(p.name for p in (out / "category").iterdir()) == ["عمومی"]


def test_a_pasted_script_in_a_body_is_dropped_and_its_formatting_kept(tmp_path):
    """A body may hold HTML, but text pasted from a wire feed may carry a
    script: nh3 keeps the story's formatting and drops whatever runs.
    """
    body = (
        "## میان‌تیتر\n\nمتن با پانویس[^1] و <b>درشت</b>.\n\n"
        "| استان | رتبه |\n|:--|--:|\n| خراسان | ۱ |\n\n"
        "<script>alert(1)</script><img src=x onerror=alert(2)>"
        '<a href="javascript:alert(3)">پیوند</a><iframe src="https://x.example/"></iframe>\n\n'
        "[^1]: منبع خبر.\n"
    )
    out = build_site(make_site(tmp_path, news={"a.md": news_item(1, body=body)}))
    page = (out / "news/1/index.html").read_text(encoding="utf-8")
    article = page[
        page.index('<div class="news__body">') : page.index('<footer class="news__footer">')
    ]
    for kept in (
        "<h2",
        "<b>درشت</b>",
        "<table>",
        'style="text-align:left"',
        'id="fn:1"',
        'href="#fn:1"',
        '<img src="x">',
    ):
        assert kept in article, kept
    for dropped in ("<script", "onerror", "javascript:", "<iframe"):
        assert dropped not in article, dropped
    assert "alert(1)" not in page


def test_an_unknown_header_key_is_a_warning_naming_the_line_and_the_closest_key(tmp_path, caplog):
    text = news_item(5, "خبر", "1397/06/05 09:07", "Kiker: روتیتر\nColour: سبز\n")
    site = make_site(tmp_path, news={"1397/5.md": text})
    caplog.set_level(logging.WARNING)
    out = build_site(site)
    assert (out / "news" / "5" / "index.html").is_file()  # a warning: the item is published
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    lines = text.split("\n")
    kiker = next(n for n, line in enumerate(lines, 1) if line.startswith("Kiker"))
    colour = next(n for n, line in enumerate(lines, 1) if line.startswith("Colour"))
    assert any(
        w.endswith(f"1397/5.md:{kiker}: unknown header key 'Kiker'; did you mean 'Kicker'?")
        for w in warnings
    ), warnings
    assert any(
        f"1397/5.md:{colour}: unknown header key 'Colour'; the keys are: Title" in w
        for w in warnings
    ), warnings
    assert not any("unknown header key 'Title'" in w for w in warnings)
