"""News headers and award cells are text on every page: escaped for where
they land (HTML text, attributes, URLs, JSON-LD, <title>), never run as
markup.  The fixture site is tests/escaping_support.py.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest

from escaping_support import (
    AGENCY,
    AWARD,
    CATEGORY,
    DATELINE,
    FESTIVAL,
    KICKER,
    LEAD,
    PARTNER,
    PLAIN_TITLE,
    TAGS,
    TITLE,
    Tree,
    hostile_site,  # noqa: F401  (fixture)
    markup_problems,
)

SITENAME = "چاپار"


def read(out, rel):
    return (Path(out) / rel).read_text(encoding="utf-8")


def pages(out):
    return sorted(p for p in Path(out).rglob("*.html") if "pagefind" not in p.parts)


def taxonomy_page(out, kind, name):
    """The tag or category page whose <h1> is ``name`` (its slug is Pelican's)."""
    for path in sorted((Path(out) / kind).glob("*/index.html")):
        tree = Tree(path.read_text(encoding="utf-8"))
        if tree.find("h1").text == name:
            return tree
    raise AssertionError(f"no {kind} page headed {name!r}")


def test_the_markup_checker_sees_scripts_handlers_and_broken_attributes():
    assert (
        markup_problems('<p class="lead">متن</p><script src="/theme/js/print.js" defer></script>')
        == []
    )
    found = markup_problems(
        "<title>x</title><script>alert(1)</script>"
        '<meta content="a" onmouseover="alert(2)" x="">'
        '<p class="a" class="b">x</p><img src=x>'
        '<script type="application/ld+json">{"a": "</script>'
    )
    assert any(p.startswith("script not from the theme") for p in found)
    assert "event handler <meta onmouseover>" in found
    assert "attribute the theme does not write: <meta x>" in found
    assert any(p.startswith("repeated attribute on <p>") for p in found)
    assert any(p.startswith("element the theme does not write: <img") for p in found)
    assert any(p.startswith("JSON-LD does not parse") for p in found)


def test_no_page_gets_an_element_script_or_attribute_from_a_header_or_cell(hostile_site):
    checked = pages(hostile_site)
    assert len(checked) > 10
    problems = {
        str(p.relative_to(hostile_site)): markup_problems(p.read_text(encoding="utf-8"))
        for p in checked
    }
    assert {path: found for path, found in problems.items() if found} == {}


def test_article_headers_reach_every_context_as_the_same_text(hostile_site):
    tree = Tree(read(hostile_site, "news/7001/index.html"))
    assert tree.find("title").text == f"{TITLE} | {SITENAME}"
    assert tree.find("h1", "news__title").text == TITLE
    assert tree.meta("property", "og:title") == [TITLE]
    assert tree.meta("property", "og:description") == [LEAD]
    assert tree.meta("name", "description") == [LEAD]
    assert tree.meta("property", "article:section") == [CATEGORY]
    assert sorted(tree.meta("property", "article:tag")) == sorted(TAGS)
    assert tree.find("p", "kicker").text == KICKER
    assert tree.find("span", "dateline").text == f"{DATELINE}- "
    assert tree.find("p", "lead").text == f"{DATELINE}- {LEAD}"
    assert tree.find("p", "news__section").text == CATEGORY
    assert sorted(a.text for a in tree.find_all("a", "tag")) == sorted(TAGS)
    [ld] = tree.json_ld()
    assert (ld["headline"], ld["description"], ld["articleSection"]) == (TITLE, LEAD, CATEGORY)
    assert sorted(ld["keywords"]) == sorted(TAGS)
    agencies = [a.text for a in tree.find_all("a", within=tree.find("ul", "news-agencies__list"))]
    assert sorted(agencies) == sorted([AGENCY["name"], PARTNER["name"]])
    festival = tree.find("p", "news-agencies__festival").text
    assert FESTIVAL["title"] in festival


def test_json_ld_cannot_close_its_script(hostile_site):
    html = read(hostile_site, "news/7001/index.html")
    start = html.index('<script type="application/ld+json">')
    body = html[start : html.index("</script>", start)]
    assert "<" not in body[len('<script type="application/ld+json">') :]


def test_share_links_carry_the_title_as_text(hostile_site):
    tree = Tree(read(hostile_site, "news/7001/index.html"))
    links = [a.attrs["href"] for a in tree.find_all("a", within=tree.find("section", "share"))]
    assert links.pop() == "/news/7001/"  # the short address, shown and copied
    assert len(links) == 4
    texts = {}
    for href in links:
        query = parse_qs(urlsplit(href).query)
        texts[urlsplit(href).netloc or "mailto"] = query.get("text", query.get("subject"))[0]
    assert texts["t.me"] == texts["x.com"] == texts["mailto"] == TITLE
    assert texts["wa.me"].startswith(TITLE + " ")


def test_lists_and_neighbours_show_the_headers_as_text(hostile_site):
    home = Tree(read(hostile_site, "index.html"))  # 7002 is the lead story, 7001 listed
    [item] = home.find_all("li", "news-list__item")
    assert home.find("a", within=home.find(cls="news-list__title", within=item)).text == TITLE
    assert home.find("p", "kicker", within=item).text == KICKER
    assert home.find("p", "news-list__lead", within=item).text == LEAD
    assert home.find("span", "news-list__section", within=item).text == CATEGORY
    other = Tree(read(hostile_site, "news/7002/index.html"))
    assert [n.text for n in other.find_all("span", "neighbours__title")] == [TITLE]
    related = other.find("section", "related")
    assert [a.text for a in other.find_all("a", within=related)] == [TITLE]
    assert other.find("title").text == f"{PLAIN_TITLE} | {SITENAME}"
    month = Tree(read(hostile_site, "archive/1397/06/index.html"))
    assert TITLE in [n.text for n in month.elements if n.has_class("news-list__title")]


@pytest.mark.parametrize(
    ("kind", "name"), [("tag", TAGS[0]), ("tag", TAGS[1]), ("category", CATEGORY)]
)
def test_tag_and_category_pages_name_them_as_text(hostile_site, kind, name):
    tree = taxonomy_page(hostile_site, kind, name)
    title = tree.find("title").text
    assert title == (
        f"{name} | {SITENAME}" if kind == "category" else f"برچسب: {name} | {SITENAME}"
    )
    assert tree.meta("name", "description") == [
        f"تازه‌ترین خبرهای سرویس {name}" if kind == "category" else f"خبرهای برچسب {name}"
    ]
    if kind == "category":
        nav = tree.find("nav", "site-nav")
        assert name in [a.text for a in tree.find_all("a", within=nav)]


def test_agency_page_shows_every_cell_as_text(hostile_site):
    tree = Tree(read(hostile_site, "awards/agency/hostile/index.html"))
    assert tree.find("h1").text == AGENCY["name"]
    assert tree.find("title").text.startswith(AGENCY["name"] + " | ")
    aliases = AGENCY["aliases"].split("|")
    assert tree.find("p", "muted").text.endswith("، ".join(aliases))
    assert tree.find("p", "page-header__count").text.endswith("، " + AGENCY["province"])
    [link] = [a for a in tree.find_all("a") if a.attrs.get("rel") == "external noopener"]
    assert link.attrs["href"] == link.text == AGENCY["website"]
    cells = [td.text for td in tree.find_all("td")]
    assert AWARD["group"] in cells
    assert AWARD["category"] in cells
    assert f"{AWARD['award']}{AWARD['note']}" in cells
    table = tree.find("table", "awards-table")
    assert [
        a.text for a in tree.find_all("a", within=table) if a.attrs["href"].startswith("/awards/")
    ] == [FESTIVAL["title"], PARTNER["name"]]
    svg_title = tree.find("title", id="awards-chart-title").text
    assert AGENCY["name"] in svg_title


def test_festival_and_index_pages_show_every_cell_as_text(hostile_site):
    tree = Tree(read(hostile_site, "awards/festival/fest-1397/index.html"))
    assert tree.find("h1").text == FESTIVAL["title"]
    assert FESTIVAL["province"] in [dd.text for dd in tree.find_all("dd")]
    assert tree.find("h2", id="group-1").text == AWARD["group"]
    cells = [td.text for td in tree.find_all("td")]
    assert AWARD["category"] in cells
    assert AWARD["award"] in cells
    names = [
        a.text
        for a in tree.find_all("a")
        if (a.attrs.get("href") or "").startswith("/awards/agency/")
    ]
    assert sorted(names) == sorted([AGENCY["name"], PARTNER["name"]])
    index = Tree(read(hostile_site, "awards/index.html"))
    assert sorted(th.text for th in index.find_all("th", scope="row")) == sorted(
        [AGENCY["name"], PARTNER["name"]]
    )
    assert FESTIVAL["title"] in [a.text for a in index.find_all("a")]


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.parametrize(
    ("feed", "entry", "title"),
    [
        ("feeds/all.atom.xml", ATOM + "entry", ATOM + "title"),
        ("feeds/all.rss.xml", "item", "title"),
    ],
)
def test_feeds_carry_the_titles_as_typed(hostile_site, feed, entry, title):
    # Pelican's feed writer strips tags and decodes entities from a title
    root = ElementTree.fromstring(read(hostile_site, feed))
    assert sorted(e.find(title).text for e in root.iter(entry)) == sorted([TITLE, PLAIN_TITLE])


def test_autoescape_is_on_for_every_template_but_the_excluded_ones():
    from types import SimpleNamespace

    import jinja2

    from chapar_escaping import turn_on_autoescape

    loader = jinja2.DictLoader(
        {
            "a.html": "{{ x }}",
            "partials/comments.html": "{{ x }}",
            "b.html": '{% include "partials/comments.html" %}|{{ x }}',
        }
    )
    env = jinja2.Environment(loader=loader)
    turn_on_autoescape(
        SimpleNamespace(env=env, settings={"ESCAPING": {"exclude": ["partials/comments.html"]}})
    )
    x = '<b title="t">&amp;</b>'
    escaped = "&lt;b title=&#34;t&#34;&gt;&amp;amp;&lt;/b&gt;"
    assert env.get_template("a.html").render(x=x) == escaped
    assert env.get_template("partials/comments.html").render(x=x) == x
    assert env.get_template("b.html").render(x=x) == f"{x}|{escaped}"
    with pytest.raises(ValueError, match="ESCAPING\\['exclude'\\] must be"):
        turn_on_autoescape(
            SimpleNamespace(env=env, settings={"ESCAPING": {"exclude": "partials/comments.html"}})
        )
