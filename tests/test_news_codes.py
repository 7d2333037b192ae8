"""A NewsCode is read the same way everywhere (README.md, "Writing news"):
the build's page, the comment folder, ``invoke moderation`` and the intake
service all use persian.newsitem.parse_news_code.
"""

import pytest

from chapar.cli import moderation as cli
from chapar.news.item import parse_news_code
from conftest import build_site, make_site, news_item
from intake_support import ORIGIN, OTHER, OTHER_ARTICLE, comment_files, on_topic, post, running

PADDED = OTHER_ARTICLE.replace(f"NewsCode: {OTHER}", "NewsCode: 0077")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("77", 77),
        ("0077", 77),
        (" 0077 ", 77),
        ("۰۰۷۷", 77),
        ("٧٧", 77),
        (4385870, 4385870),
        ("1" * 18, int("1" * 18)),
        ("0" * 30 + "5", 5),
    ],
)
def test_news_codes_parse_to_one_canonical_number(value, code):
    assert parse_news_code(value) == code


@pytest.mark.parametrize(
    "value", ["", "0", "000", "-5", "+5", "12.5", "7 7", "abc", "７７", "1e3", "../77", None]
)
def test_anything_else_is_not_a_news_code(value):
    with pytest.raises(ValueError, match="is not a positive whole number"):
        parse_news_code(value)


def test_a_news_code_has_at_most_18_digits():
    with pytest.raises(ValueError, match="at most 18 digits"):
        parse_news_code("1" * 19)
    with pytest.raises(ValueError, match="at most 18 digits"):
        parse_news_code("9" * 5000)  # refused before int() (and its 4,300-digit limit)


@pytest.fixture
def padded_site(tmp_path):
    return make_site(tmp_path, news={"1397/0077.md": PADDED})


def test_the_intake_takes_comments_for_a_zero_padded_news_code(padded_site):
    # The page is news/77/ and its form posts to /comments/77: that was a 404.
    fields = {"name": "علی", "email": "", "text": on_topic(1), "reply_to": "", "website": ""}
    with running(padded_site) as service:
        status, headers, _ = post(service.base, 77, fields)
        assert status == 303, service.read_log()
        assert headers["location"] == f"{ORIGIN}/news/77/#comments-sent"
        for spelt, i in (("0077", 2), ("۷۷", 3)):  # the same article
            status, headers, _ = post(service.base, spelt, {**fields, "text": on_topic(i)})
            assert status == 303
            assert headers["location"] == f"{ORIGIN}/news/77/#comments-sent"
        assert post(service.base, 78, fields)[0] == 404
    written = comment_files(padded_site, 77)
    assert len(written) == 3
    assert not (padded_site / "content/comments/0077").exists()
    page = (build_site(padded_site) / "news/77/index.html").read_text(encoding="utf-8")
    assert [on_topic(i) in page for i in (1, 2, 3)] == [True, True, True]


def test_moderation_finds_the_article_of_a_zero_padded_news_code(padded_site):
    folder = padded_site / "content/comments/77"
    folder.mkdir(parents=True)
    (folder / "1.md").write_text(
        f"Author: مریم\nDate: 1397/06/06 11:00\n\n{on_topic(4)}\n", encoding="utf-8"
    )
    rows, problems = cli.collect(padded_site)
    assert problems == []  # was: "no news item has NewsCode '77'"
    assert [(key, decision.status) for key, decision, _ in rows] == [("77/1", "published")]
    path = cli.set_status(padded_site, "0077/1", "rejected")
    assert path == folder / "1.md"
    assert "Status: rejected" in path.read_text(encoding="utf-8")


PADDED_42 = OTHER_ARTICLE.replace(f"NewsCode: {OTHER}", "NewsCode: 0042")


@pytest.mark.parametrize("name", ["1397/0042.md", "1397/0042.markdown"])
def test_one_news_index_for_the_intake_and_moderation(tmp_path, name):
    # The build reads .markdown news too (README.md, "Writing news"): the intake
    # and invoke moderation find the article of NewsCode 0042 the same way,
    # from chapar.news.index, and its comments are in content/comments/42/.
    site = make_site(tmp_path, news={name: PADDED_42})
    folder = site / "content/comments/42"
    folder.mkdir(parents=True)
    (folder / "1.md").write_text(
        f"Author: مریم\nDate: 1397/06/06 11:00\n\n{on_topic(5)}\n", encoding="utf-8"
    )
    rows, problems = cli.collect(site)
    assert problems == []  # not "no news item has NewsCode '42'"
    assert [(key, decision.status) for key, decision, _ in rows] == [("42/1", "published")]
    fields = {"name": "علی", "email": "", "text": on_topic(6), "reply_to": "", "website": ""}
    with running(site) as service:
        status, headers, _ = post(service.base, 42, fields)
        assert status == 303, service.read_log()
        assert headers["location"] == f"{ORIGIN}/news/42/#comments-sent"
    assert len(comment_files(site, 42)) == 2
    rows, problems = cli.collect(site)
    assert problems == []
    assert len(rows) == 2
    page = (build_site(site) / "news/42/index.html").read_text(encoding="utf-8")
    assert on_topic(5) in page
    assert on_topic(6) in page


def test_the_index_keys_news_by_canonical_code(tmp_path):
    from chapar.news.index import NewsIndex

    news = tmp_path / "news"
    (news / "1397").mkdir(parents=True)
    (news / "1397/a.md").write_text(
        news_item("0042", title="الف", extra="Status: Draft\n"), encoding="utf-8"
    )
    (news / "1397/b.mkd").write_text(news_item("۷"), encoding="utf-8")
    (news / "1397/none.md").write_text("Title: بی‌کد\n\nمتن\n", encoding="utf-8")
    index = NewsIndex.of(news)
    assert index.codes() == ["42", "7"]
    entry = index.get("۰۰۴۲")
    assert entry is index.get(42) is index.get("42")
    assert (entry.title, entry.status, entry.published) == ("الف", "draft", False)
    assert entry.lines == {"title": 1, "date": 2, "newscode": 3, "status": 4}
    assert index.get("abc") is None
    assert "0007" in index
    assert 8 not in index
