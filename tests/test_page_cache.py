"""A rebuild renders only the pages whose inputs changed, and its
output always equals a clean build's.
"""

import shutil

import pytest

import chapar_page_cache as page_cache
from conftest import build_site, make_site, news_item
from test_builds import differences

CACHED = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
stats = {}  # page_cache.LAST_BUILD of the last incremental rebuild
COMMENT = "Author: مینا\nDate: ۱۳۹۷/۰۶/۰۶ ۱۰:۰۰\n\nتشکر از گزارش درباره بودجه و جلسه شورا.\n"


def newsroom():
    news = {}
    for i in range(1, 13):
        tags = "Tags: بودجه، شورا\n" if i % 2 else "Tags: ورزش\n"
        category = "Category: استان‌ها\n" if i % 3 else "Category: اقتصاد\n"
        news[f"1397/{i}.md"] = news_item(
            100 + i,
            f"خبر شماره {i}",
            f"1397/06/{i:02d} 10:00",
            tags + category + f"Lead: لید خبر {i}\n",
            body=f"متن خبر {i} درباره بودجه و شورا.",
        )
    return news


@pytest.fixture
def site(tmp_path):
    site = make_site(tmp_path, news=newsroom(), comments={"105/1.md": COMMENT})
    build_site(site, **CACHED)
    return site


def rebuild(site, tmp_path):
    """Rebuild with the cache; check it against a clean build; return what was rendered."""
    incremental = build_site(site, **CACHED)
    stats.clear()
    stats.update(page_cache.LAST_BUILD)
    clean = build_site(site, output=tmp_path / "clean")
    assert differences(incremental, clean) == []
    shutil.rmtree(clean)
    return stats["rendered_pages"]


def edit(path, old, new):
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def test_a_rebuild_with_nothing_changed_renders_nothing(site, tmp_path):
    assert rebuild(site, tmp_path) == []
    assert stats["reused"] > 20


def test_a_changed_body_renders_only_its_page(site, tmp_path):
    edit(site / "content/news/1397/4.md", "متن خبر 4", "متن تازه خبر 4")
    assert rebuild(site, tmp_path) == ["news/104/index.html"]


def test_a_changed_title_renders_the_pages_that_show_it(site, tmp_path):
    edit(site / "content/news/1397/4.md", "خبر شماره 4", "عنوان تازه 4")
    rendered = rebuild(site, tmp_path)
    assert "news/104/index.html" in rendered
    assert "news/103/index.html" in rendered
    assert "news/105/index.html" in rendered
    assert "tag/ورزش/index.html" in rendered
    assert "tag/بودجه/index.html" not in rendered
    assert "news/101/index.html" not in rendered


@pytest.mark.parametrize(
    "change",
    [
        "new article",
        "deleted article",
        "new comment",
        "agency renamed",
        "award changed",
        "site name",
    ],
)
def test_every_kind_of_change_gives_the_clean_build(site, tmp_path, change):
    if change == "new article":
        (site / "content/news/1397/13.md").write_text(
            news_item(113, "خبر تازه", "1397/06/20 10:00", "Tags: تازه\n"), "utf-8"
        )
    elif change == "deleted article":
        (site / "content/news/1397/6.md").unlink()
    elif change == "new comment":
        (site / "content/comments/103").mkdir()
        (site / "content/comments/103/1.md").write_text(COMMENT, "utf-8")
    elif change == "agency renamed":
        edit(site / "data/awards/agencies.csv", "اداره کل مالیات,", "اداره کل امور مالیات,")
    elif change == "award changed":
        edit(
            site / "data/awards/awards.csv", "prisons,بخش عمومی,,برتر", "prisons,بخش عمومی,,برگزیده"
        )
    elif change == "site name":
        edit(site / "pelicanconf.py", 'SITENAME = "چاپار"', 'SITENAME = "چاپار نو"')
    rendered = rebuild(site, tmp_path)
    assert rendered
    if change.startswith(("agency", "award")):
        assert "awards/agency/prisons/index.html" in rendered or change == "agency renamed"
        assert "awards/agency/tax/index.html" in rendered or change == "award changed"
    if change == "site name":
        assert stats["reused"] == 0


def test_a_new_article_in_a_known_category_leaves_the_other_articles_alone(site, tmp_path):
    """The navigation lists the categories, not their articles: a new story
    (which changes its category's article count) re-rendered every page.
    """
    (site / "content/news/1397/13.md").write_text(
        news_item(113, "خبر تازه", "1397/06/20 10:00", "Tags: ورزش\nCategory: اقتصاد\n"), "utf-8"
    )
    rendered = rebuild(site, tmp_path)
    assert "news/113/index.html" in rendered
    assert "news/112/index.html" in rendered  # its neighbour links to it
    assert "news/101/index.html" not in rendered
    assert "awards/index.html" not in rendered
    assert stats["reused"] > stats["rendered"]


def test_a_new_article_leaves_the_other_tags_and_categories_alone(site, tmp_path):
    """Pelican hands every tag and category page the whole site's news (``all_articles``),
    which no template shows: a new story re-rendered every tag's and category's pages.
    """
    (site / "content/news/1397/13.md").write_text(
        news_item(113, "خبر تازه", "1397/06/20 10:00", "Tags: ورزش\nCategory: اقتصاد\n"), "utf-8"
    )
    rendered = rebuild(site, tmp_path)  # and equal to a clean build
    assert any(p.startswith("tag/ورزش/") for p in rendered)
    assert any(p.startswith("category/اقتصاد/") for p in rendered)
    others = [p for p in rendered if p.startswith(("tag/بودجه/", "tag/شورا/", "category/استان"))]
    assert others == []


def test_a_changed_template_renders_every_page(site, tmp_path):
    theme = site / "theme"
    target = theme.resolve()
    theme.unlink()
    shutil.copytree(target, theme)
    edit(theme / "templates/partials/site_footer.html", "</footer>", "<!-- new --></footer>")
    rebuild(site, tmp_path)
    assert stats["reused"] == 0


def test_a_replaced_output_file_is_not_trusted(site, tmp_path):
    page = site / "output/news/101/index.html"
    page.write_text("edited by hand", "utf-8")
    assert "news/101/index.html" in rebuild(site, tmp_path)


def test_without_the_content_cache_every_page_is_rendered(site, tmp_path):
    build_site(site)  # the tests' default: CACHE_CONTENT and LOAD_CONTENT_CACHE off
    assert page_cache.LAST_BUILD["reused"] == 0


def test_a_reused_page_is_the_previous_file_linked_not_written_again(site, tmp_path):
    def inode(name):
        return (site / "output" / name).stat().st_ino

    before = {name: inode(name) for name in ("news/101/index.html", "news/104/index.html")}
    edit(site / "content/news/1397/4.md", "متن خبر 4", "متن تازه خبر 4")
    rebuild(site, tmp_path)
    assert inode("news/101/index.html") == before["news/101/index.html"]  # reused: linked
    assert inode("news/104/index.html") != before["news/104/index.html"]  # rendered: written


def test_where_links_fail_a_reused_page_is_copied(site, tmp_path, monkeypatch):
    before = (site / "output/news/101/index.html").stat().st_ino

    def no_links(*args):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(page_cache.os, "link", no_links)
    assert rebuild(site, tmp_path) == []  # and equal to a clean build
    assert stats["reused"] > 20
    assert (site / "output/news/101/index.html").stat().st_ino != before


# Pelican's bookkeeping of written files, kept for a reused page: tests/test_pelican_compat.py


def compiled_during(monkeypatch, build):
    """The template names Jinja compiled from source while ``build()`` ran."""
    import jinja2

    compiled, compile_ = [], jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return compile_(self, source, name, filename, raw, defer_init)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    build()
    monkeypatch.undo()
    return compiled


def test_a_rebuild_reuses_the_compiled_templates_until_one_changes(site, tmp_path, monkeypatch):
    assert list((site / "cache" / "templates").iterdir())  # the fixture's build saved them
    assert compiled_during(monkeypatch, lambda: build_site(site, **CACHED)) == []
    uncached = compiled_during(monkeypatch, lambda: build_site(site, output=tmp_path / "c"))
    assert "base.html" in uncached  # a build that saves no cache compiles as Pelican does
    theme = site / "theme"
    target = theme.resolve()
    theme.unlink()
    shutil.copytree(target, theme)
    edit(theme / "templates/partials/site_footer.html", "</footer>", "<!-- new --></footer>")
    changed = compiled_during(monkeypatch, lambda: build_site(site, **CACHED))
    assert set(changed) == {"partials/site_footer.html"}
    footer = (site / "output/index.html").read_text(encoding="utf-8")
    assert "<!-- new --></footer>" in footer
