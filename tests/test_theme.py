"""The reader theme's output: anatomy, head, strings, CSS rules, budgets, links, HTML validity."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from chapar.checks.budgets import budget_problems, font_weight, page_weight
from chapar.checks.html import vnu_errors
from chapar.checks.links import broken_links
from chapar_reader_theme import rank_related
from conftest import ROOT, build_site, make_site, news_item
from theme_support import theme_site  # noqa: F401  (fixture)

SEED = "news/4385870/index.html"


def read(out, rel):
    return (Path(out) / rel).read_text(encoding="utf-8")


class VisibleText(HTMLParser):
    """Text a reader sees, minus code, scripts and <bdi>-isolated Latin runs."""

    SKIP = frozenset({"script", "style", "code", "pre", "bdi", "head"})

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.depth -= 1

    def handle_data(self, data):
        if not self.depth:
            self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


# --- the seed article -------------------------------------------------------


def test_seed_article_anatomy_in_reading_order(real_site):
    html = read(real_site, SEED)
    order = [
        '<p class="kicker">استاندار خراسان شمالی:</p>',
        '<h1 class="news__title" id="news-title">دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت</h1>',
        '<time datetime="2018-08-27T09:07:00+04:30">۵ شهریور ۱۳۹۷، ۹:۰۷</time>',
        "کد خبر <bdi>۴۳۸۵۸۷۰</bdi>",
        '<span class="dateline">بجنورد- </span>استاندار خراسان شمالی گفت:',
        "<p>به گزارش خبرنگار مهر",
        ">برچسب‌ها</h2>",
        'href="/tag/دولت-الکترونیک/"',
        ">اشتراک‌گذاری</h2>",
    ]
    positions = [html.find(piece) for piece in order]
    assert -1 not in positions, [p for p, i in zip(order, positions, strict=False) if i == -1]
    assert positions == sorted(positions)
    assert '<html lang="fa" dir="rtl">' in html


def test_head_description_og_and_json_ld(real_site):
    html = read(real_site, SEED)
    lead = "استاندار خراسان شمالی گفت: اجرای کامل دولت الکترونیک سبب رضایتمندی مردم خواهد شد."
    assert f'<meta name="description" content="{lead}">' in html
    assert f'<meta property="og:description" content="{lead}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert 'rel="icon" href="/theme/favicon.svg"' in html
    assert (Path(real_site) / "theme/favicon.svg").is_file()
    assert 'type="application/atom+xml"' in html
    assert 'name="theme-color"' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert ld["@type"] == "NewsArticle"
    assert ld["headline"] == "دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت"
    assert ld["datePublished"] == ld["dateModified"] == "2018-08-27T09:07:00+04:30"
    assert ld["publisher"]["name"] == "چاپار"
    assert "جشنواره شهید رجایی" in ld["keywords"]


def test_canonical_and_og_url_are_absolute_with_siteurl(tmp_path):
    site = make_site(
        tmp_path, news={"1397/7.md": news_item(7, extra="Lead: لید.\nModified: 1397/06/06 10:00")}
    )
    out = build_site(site, SITEURL="https://chapar.example.ir")
    html = read(out, "news/7/index.html")
    assert '<link rel="canonical" href="https://chapar.example.ir/news/7/">' in html
    assert '<meta property="og:url" content="https://chapar.example.ir/news/7/">' in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)[1])
    assert ld["dateModified"] == "2018-08-28T10:00:00+04:30"
    assert ld["mainEntityOfPage"] == "https://chapar.example.ir/news/7/"
    assert "https://t.me/share/url?url=https%3A//chapar.example.ir/news/7/" in html
    assert '<link rel="canonical" href="https://chapar.example.ir/">' in read(out, "index.html")


def test_share_links_are_plain_links_and_print_needs_no_third_party(real_site):
    html = read(real_site, SEED)
    scripts = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert scripts == ["/theme/js/share.js"]
    assert "https://t.me/share/url?url=" in html
    assert "mailto:?subject=" in html
    assert (
        '<button class="button button--quiet" type="button" data-print hidden>چاپ</button>' in html
    )


# --- the newsroom fixture: lists, related, neighbours, pagination ---------------


def test_related_news_and_neighbours(theme_site):
    html = read(theme_site, "news/5011/index.html")
    related = re.search(r'<section class="related".*?</section>', html, re.S)[0]
    links = re.findall(r'href="/news/(\d+)/"', related)
    assert 1 <= len(links) <= 5
    assert "5011" not in links
    assert 'rel="prev" href="/news/5010/"' in html  # the older item
    assert 'rel="next" href="/news/5012/"' in html
    assert "خبر قبلی" in html
    assert "خبر بعدی" in html


def test_rank_related_prefers_more_shared_tags_then_newer():
    from datetime import datetime

    class A:
        def __init__(self, name, tags, day):
            self.name, self.tags, self.date = name, tags, datetime(2020, 1, day)

    me, both, one_old, one_new, none = (
        A("me", ["x", "y"], 1),
        A("both", ["x", "y"], 2),
        A("old", ["x"], 3),
        A("new", ["y"], 9),
        A("none", ["z"], 10),
    )
    by_tag = {"x": [me, both, one_old], "y": [me, both, one_new], "z": [none]}
    assert [a.name for a in rank_related(me, by_tag, 5)] == ["both", "new", "old"]
    assert [a.name for a in rank_related(me, by_tag, 1)] == ["both"]


def test_related_news_for_a_whole_site_matches_the_plain_definition():
    import random
    from datetime import datetime, timedelta

    from chapar_reader_theme import RelatedNews

    class A:
        def __init__(self, n, tags):
            self.name, self.tags, self.date = n, tags, datetime(2020, 1, 1) + timedelta(hours=n)

    rng = random.Random(7)
    site = [A(n, rng.sample("abcdefgh", rng.randint(0, 3))) for n in range(300)]
    by_tag = {}
    for a in site:
        for t in a.tags:
            by_tag.setdefault(t, []).append(a)
    related = RelatedNews(by_tag)
    for me in site:
        shared = {o: len(set(me.tags) & set(o.tags)) for o in site if o is not me}
        expected = sorted(
            (o for o in shared if shared[o]), key=lambda o: (-shared[o], -o.date.timestamp())
        )
        assert [o.name for o in related.related(me, 5)] == [o.name for o in expected[:5]], me.name


def test_home_has_lead_story_then_latest_and_persian_pagination(theme_site):
    html = read(theme_site, "index.html")
    assert html.find('class="card lead-story"') < html.find("آخرین اخبار")
    assert "عنوان خبر آزمایشی شمارهٔ ۲۲" in html.split('id="lead-story-title"')[1][:300]
    assert "صفحهٔ ۱ از ۳" in html
    assert 'href="/page/2/" aria-label="صفحهٔ ۲">۲</a>' in html
    page2 = read(theme_site, "page/2/index.html")
    assert 'aria-current="page">۲</span>' in page2
    assert "lead-story" not in page2


def test_every_page_type_is_rtl_persian_with_persian_digits(theme_site):
    pages = [
        "index.html",
        "page/2/index.html",
        "news/5000/index.html",
        "tag/بودجه/index.html",
        "category/ورزشی/index.html",
        "archive/index.html",
        "archive/1397/index.html",
        "archive/1397/06/index.html",
        "about/index.html",
        "404.html",
    ]
    for rel in pages:
        html = read(theme_site, rel)
        assert '<html lang="fa" dir="rtl">' in html, rel
        text = visible_text(html)
        assert not re.search(r"[0-9]", text), (rel, re.findall(r".{20}[0-9]+.{5}", text)[:3])


def test_archives_and_404(theme_site):
    assert "فروردین ۱۳۹۷" in read(theme_site, "archive/index.html")
    month = read(theme_site, "archive/1397/06/index.html")
    assert "آرشیو شهریور ۱۳۹۷" in month
    assert 'href="/news/5005/"' in month
    not_found = read(theme_site, "404.html")
    assert "صفحه پیدا نشد" in not_found
    assert 'name="robots" content="noindex"' in not_found
    assert "404.html" not in read(theme_site, "sitemap.xml")


# --- strings ---------------------------------------------------------------


def test_every_template_string_is_in_the_catalogue_and_translated():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    method_map = [("**.html", "jinja2.ext.babel_extract")]
    options = {"**.html": {"extensions": "jinja2.ext.i18n", "silent": "false"}}
    found = {
        (msg if isinstance(msg, str) else msg[0]): f"{name}:{line}"
        for name, line, msg, _comments, _context in extract_from_dir(
            ROOT / "theme" / "templates", method_map, options_map=options
        )
    }
    assert len(found) > 30
    with open(ROOT / "theme/translations/fa/LC_MESSAGES/messages.po", "rb") as handle:
        catalogue = read_po(handle, locale="fa")
    missing = [
        f"{where}: {msgid!r}"
        for msgid, where in sorted(found.items())
        if msgid not in catalogue or not catalogue[msgid].string
    ]
    assert missing == []


# --- CSS rules ---------------------------------------------------------------

PHYSICAL = re.compile(
    r"(?<![-\w])(?:(?:margin|padding|border|inset)-(?:left|right|top|bottom)[\w-]*"
    r"|left|right|top|bottom|width|height|min-width|max-width|min-height|max-height)\s*:"
    r"|(?:float|clear|text-align)\s*:\s*(?:left|right)"
)


def css_declarations(text):
    """The CSS minus comments and media/supports preludes (where width: is the only option)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"@(?:media|supports)[^{]*\{", "{", text)


def test_theme_css_uses_logical_properties_only():
    offenders = []
    for path in sorted((ROOT / "theme").rglob("*.css")):
        for match in PHYSICAL.finditer(css_declarations(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(ROOT)}: {match[0]}")
    assert offenders == []


def test_physical_property_detector_catches_the_usual_suspects():
    bad = ".a { margin-left: 1px; padding-right: 0; float: left; text-align: right; width: 3px; left: 0 }"
    assert len(PHYSICAL.findall(css_declarations(bad))) == 6
    good = "@media (min-width: 3rem) { .a { margin-inline-start: 1px; inline-size: 2px; text-align: start } }"
    assert PHYSICAL.findall(css_declarations(good)) == []


def test_stylesheet_is_joined_with_fonts_dark_mode_and_print(real_site):
    css = read(real_site, "theme/css/main.css")
    for source in ("variables.css", "article.css", "print.css"):
        assert f"/* {source} */" in css
    assert "font-display: swap" in css
    assert "prefers-color-scheme: dark" in css
    assert "@media print" in css
    assert "direction: ltr" in css  # code and pre
    assert (ROOT / "theme/static/fonts/OFL.txt").read_text().count("SIL Open Font License") >= 1


# --- budgets, links, validity ---------------------------------------------------


def test_budgets_hold(real_site, theme_site):
    assert 0 < page_weight(real_site, SEED)["html"] <= 14 * 1024
    assert 0 < font_weight(real_site) <= 150 * 1024
    assert budget_problems(real_site) == []
    assert budget_problems(theme_site) == []


def test_budget_checker_reports_heavy_pages_and_external_resources(tmp_path):
    page = tmp_path / "news" / "1" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(
        '<link rel="stylesheet" href="https://cdn.example/x.css"><p>' + "x" * 50 + "</p>"
    )
    problems = budget_problems(tmp_path, html_overhead_limit=10)
    assert any("HTML without the news text" in p for p in problems)
    assert any("https://cdn.example/x.css (external resource)" in p for p in problems)


def test_every_internal_link_and_anchor_resolves(real_site, theme_site):
    assert broken_links(real_site) == []
    assert broken_links(theme_site) == []


def test_link_checker_reports_missing_pages_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">x</h2>')
    (tmp_path / "index.html").write_text(
        '<a href="/a/">ok</a><a href="/a/#here">ok</a><a href="#top">ok</a>'
        '<a href="/b/">missing</a><a href="/a/#gone">bad anchor</a><a href="https://x.org/">ext</a>'
    )
    assert broken_links(tmp_path) == [
        "index.html: /b/ (no such file)",
        "index.html: /a/#gone (no element with id 'gone')",
    ]


def test_the_page_reader_finds_every_url_and_id_in_document_order(tmp_path):
    from chapar.checks.pages import parse

    page = tmp_path / "p.html"
    page.write_text(
        '<!doctype html><html lang="fa"><head><link rel="stylesheet" href=" /a.css ">'
        '<script src="/j.js" defer></script></head><body><!-- <a href="/commented/"> -->'
        '<h2 id="خبر">x</h2><a name="old"></a><a id="">empty</a><p>'
        '<a href="/news/%D8%A2/?q=1&amp;r=2">a</a><img src="/i.webp" alt="">'
        '<video src="/v.mp4" poster="/v.jpg"></video><form action=""></form></p></body></html>',
        "utf-8",
    )
    found = parse(page)
    assert [(tag, attribute, url) for tag, attribute, url, _attrs in found.urls] == [
        ("link", "href", "/a.css"),
        ("script", "src", "/j.js"),
        ("a", "href", "/news/%D8%A2/?q=1&r=2"),  # entities decoded, the URL as written
        ("img", "src", "/i.webp"),
        ("video", "src", "/v.mp4"),
        ("video", "poster", "/v.jpg"),
        ("form", "action", ""),
    ]
    assert found.urls[0][3]["rel"] == "stylesheet"
    assert found.ids == {"خبر", "old"}
    page.write_text("", "utf-8")
    assert (parse(page).urls, parse(page).ids) == ([], set())


def test_the_link_checker_asks_each_link_once_yet_each_page_gets_its_own_answer(tmp_path):
    """Targets are looked up once a check (every page repeats the navigation): a
    site-absolute URL once for all pages, a relative one once a folder, a
    same-page anchor once a page.
    """
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    (tmp_path / "a" / "x.html").write_text("x")
    (tmp_path / "a" / "index.html").write_text(
        '<p id="top2"><a href="x.html">x</a><a href="#top2">t</a>'
    )
    (tmp_path / "a" / "two.html").write_text('<a href="#top2">t</a><a href="/a/x.html">x</a>')
    (tmp_path / "b" / "index.html").write_text('<a href="x.html">x</a><a href="/a/x.html">x</a>')
    assert broken_links(tmp_path) == [
        "a/two.html: #top2 (no element with id 'top2')",
        "b/index.html: x.html (no such file)",
    ]


def test_the_link_checker_keeps_no_page_it_has_read_but_its_ids(tmp_path, monkeypatch):
    """A full check of 20,000 articles peaked at 2.1 GB: the links gate held every
    page's parsed links at once (410 MB at 5,000).  Now a page read is dropped but
    for its ids, and an anchor into a later page is still found, in its place.
    """
    import gc
    import weakref

    from chapar.checks import links

    for n in range(4):
        (tmp_path / f"{n}.html").write_text(
            f'<p id="p{n}"><a href="/{(n + 1) % 4}.html#p{(n + 1) % 4}">next</a>'
            f'<a href="/{(n + 1) % 4}.html#gone">bad</a><a href="/missing{n}.html">x</a>'
        )
    alive = []
    real_parse = links.parse

    def parse(path):
        gc.collect()
        # the page before this one is still named by the loop; none before it is held
        assert all(ref() is None for ref in alive[:-1]), "an earlier page is still held"
        parser = real_parse(path)
        alive.append(weakref.ref(parser))
        return parser

    monkeypatch.setattr(links, "parse", parse)
    assert broken_links(tmp_path) == [
        line
        for n in range(4)
        for line in (
            f"{n}.html: /{(n + 1) % 4}.html#gone (no element with id 'gone')",
            f"{n}.html: /missing{n}.html (no such file)",
        )
    ]


def test_nu_html_checker_finds_no_errors(real_site, theme_site):
    assert vnu_errors(real_site) == []
    assert vnu_errors(theme_site, css=False) == []


def test_nu_html_checker_reports_errors(tmp_path):
    (tmp_path / "index.html").write_text(
        "<!doctype html><html lang=fa><title>x</title><p><div></p>"
    )
    problems = vnu_errors(tmp_path, css=False)
    assert problems
    assert all(p.startswith("index.html:") for p in problems)


def test_urls_are_computed_once_when_their_generator_is_done():
    from types import SimpleNamespace

    from pelican.contents import Article
    from pelican.settings import DEFAULT_CONFIG

    from chapar_reader_theme import freeze_urls

    settings = {
        **DEFAULT_CONFIG,
        "ARTICLE_URL": "news/{newscode}/",
        "ARTICLE_SAVE_AS": "news/{newscode}/index.html",
    }
    article = Article("متن", {"title": "خبر", "newscode": "12"}, settings=settings)
    freeze_urls(SimpleNamespace(articles=[article], translations=[]))
    freeze_urls(SimpleNamespace())  # a generator without items
    settings["ARTICLE_URL"] = "changed/{slug}/"  # formatting again would give this
    assert (article.url, article.save_as) == ("news/12/", "news/12/index.html")


def test_the_checker_takes_a_large_site_in_runs_and_finds_every_error(tmp_path):
    """20,000 articles' page names overflowed one command line ("Argument list too long")."""
    from chapar.checks.html import batches

    names = [f"/site/news/{n}/index.html" for n in range(40_000)]
    runs = list(batches(names, 64 * 1024))
    assert [name for run in runs for name in run] == names  # each once, in order
    assert all(sum(len(n) + 1 for n in run) <= 64 * 1024 for run in runs)
    assert len(runs) > 1
    assert list(batches(["/a-very-long-name.html"], 4)) == [["/a-very-long-name.html"]]
    broken = "<!doctype html><html lang=fa><title>x</title><p><div></p>"
    good = "<!doctype html><html lang=fa><title>x</title><p>x</p>"
    for n in range(3):
        (tmp_path / f"{n}.html").write_text(good if n < 2 else broken)
    # one file a run: the error is in the last run, and found there
    one_a_run = vnu_errors(tmp_path, css=False, limit=1)
    assert one_a_run == vnu_errors(tmp_path, css=False)
    assert one_a_run
    assert all(p.startswith("2.html:") for p in one_a_run)


def test_a_small_run_of_the_checker_starts_java_quickly_and_finds_the_same(tmp_path, monkeypatch):
    """A publish after an edit checks a few pages: Java's quick compiler only starts
    sooner (bench/bench_publish.py); a large run keeps the default, and both
    report the same errors.
    """
    from chapar.checks import html

    assert "-XX:TieredStopAtLevel=1" in html.java_options(1)
    assert "-XX:TieredStopAtLevel=1" not in html.java_options(html.QUICK_START_FILES + 1)
    (tmp_path / "a.html").write_text("<!doctype html><html lang=fa><title>x</title><p><div></p>")
    quick = vnu_errors(tmp_path, css=False)
    monkeypatch.setattr(html, "QUICK_START_FILES", 0)
    assert quick == vnu_errors(tmp_path, css=False)
    assert quick
    assert quick[0].startswith("a.html:")


def test_the_checker_leaves_out_language_detection_and_finds_the_same(tmp_path, monkeypatch):
    """Nu's language detection only warns (a missing or mislabelled lang) and
    --errors-only drops warnings; it took 45% of the checker's time.
    """
    from chapar.checks import html

    commands = []
    run = html.subprocess.run

    def spy(command, **kwargs):
        commands.append(command)
        return run(command, **kwargs)

    monkeypatch.setattr(html.subprocess, "run", spy)
    # an error, no lang at all, and English text marked as Persian
    (tmp_path / "a.html").write_text("<!doctype html><html><title>x</title><p><div></p>")
    english = "This page is written in English from start to end, not in Persian. " * 5
    (tmp_path / "b.html").write_text(f"<!doctype html><html lang=fa><title>x</title><p>{english}")
    without = vnu_errors(tmp_path, css=False)
    assert commands
    assert all("--no-langdetect" in command for command in commands)
    monkeypatch.setattr(html, "OPTIONS", tuple(o for o in html.OPTIONS if o != "--no-langdetect"))
    assert without == vnu_errors(tmp_path, css=False)
    assert "--no-langdetect" not in commands[-1]
    assert without
    assert all(p.startswith("a.html:") for p in without)
