"""Build speed: tag, category and author lists answer ``in`` by a
set lookup (plugins/chapar_taxonomy_lists), and the site is the one Pelican makes
with plain lists.
"""

import pytest
from pelican import signals

import pelicanconf
from chapar_taxonomy_lists import ArticleList
from conftest import build_site, make_site, news_item
from test_builds import differences


class Item:  # compared by identity, as Pelican's content
    pass


def test_in_finds_exactly_the_items_of_the_list():
    a, b, c = Item(), Item(), Item()
    items = ArticleList([a, b])
    assert a in items
    assert b in items
    assert c not in items
    assert items == [a, b]
    assert isinstance(items[:1], list)


@pytest.mark.parametrize(
    "change",
    [
        lambda items, new, old: items.append(new),
        lambda items, new, old: items.extend([new]),
        lambda items, new, old: items.insert(0, new),
        lambda items, new, old: items.__setitem__(0, new),
        lambda items, new, old: items.__iadd__([new]),
    ],
)
def test_a_changed_list_answers_for_its_new_items(change):
    old, new = Item(), Item()
    items = ArticleList([old])
    assert new not in items  # the lookup set is made
    change(items, new, old)
    assert new in items


@pytest.mark.parametrize(
    "change",
    [
        lambda items, old: items.remove(old),
        lambda items, old: items.pop(),
        lambda items, old: items.clear(),
        lambda items, old: items.__delitem__(0),
        lambda items, old: items.__setitem__(0, Item()),
    ],
)
def test_a_changed_list_forgets_its_old_items(change):
    old = Item()
    items = ArticleList([old])
    assert old in items
    change(items, old)
    assert old not in items


def test_items_with_an_equality_of_their_own_are_compared_as_a_list_does():
    assert 1 in ArticleList([1.0])
    assert "a" in ArticleList(["a"])
    assert 2 not in ArticleList([1])


def test_the_tag_and_category_pages_are_the_same_with_plain_lists(tmp_path):
    news = {
        f"n{code}.md": news_item(
            code,
            f"خبر {code}",
            f"1397/06/{code % 28 + 1:02d} 10:00",
            extra=f"Tags: برق، {'آب' if code % 2 else 'گاز'}\n"
            f"Category: {'ورزش' if code % 3 else 'فرهنگ'}",
        )
        for code in range(100, 130)
    }
    site = make_site(tmp_path, news=news)
    seen = []

    def lists(generator, writer=None):
        seen.extend(type(items) for _tag, items in generator.context["tags"])
        seen.extend(type(items) for _category, items in generator.context["categories"])

    signals.article_writer_finalized.connect(lists)
    try:
        fast = build_site(site, output=tmp_path / "fast")
    finally:
        signals.article_writer_finalized.disconnect(lists)
    assert seen
    assert set(seen) == {ArticleList}
    plain = build_site(
        site,
        output=tmp_path / "plain",
        PLUGINS=[p for p in pelicanconf.PLUGINS if p != "taxonomy_lists"],
    )
    assert (fast / "tag/برق/index.html").is_file()
    assert (fast / "category/ورزش/index.html").is_file()
    assert differences(fast, plain) == []
