"""Awards plugin end to end: a fixture site with two festivals and a shared
award, checked page by page; open data round trip; the project's own site.
"""

import json
import re
import shutil

import pandas as pd
import pytest

from awards_helpers import write_awards
from chapar.build.errors import BuildError
from chapar.checks import links
from conftest import build_site, make_site, news_item

AGENCIES = (
    "id,name,aliases,province,website\n"
    "registry,اداره کل ثبت احوال,ثبت احوال,خراسان شمالی,https://example.org/registry\n"
    "security,اداره کل تامین اجتماعی,تامین اجتماعی,خراسان شمالی,\n"
    "resources,اداره کل منابع طبیعی,,خراسان شمالی,\n"
    "customs,اداره کل گمرک,,خراسان شمالی,\n"
    "labour,اداره کل تعاون,,خراسان شمالی,\n"
    "post,اداره کل پست,,خراسان شمالی,\n"
)
FESTIVALS = (
    "id,title,year,province,held_on,news_code,honored_employees\n"
    "rajaei-1397,جشنواره شهید رجایی,1397,خراسان شمالی,1397/06/04,4385870,32\n"
    "rajaei-1399,جشنواره شهید رجایی,۱۳۹۹,خراسان شمالی,,1001,\n"
)
AWARDS = (
    "festival,agency,group,category,award,note\n"
    "rajaei-1397,registry,,استقرار میز خدمت,برتر,\n"
    "rajaei-1397,اداره كل تامين اجتماعي,,استقرار میز خدمت,برتر,\n"
    "rajaei-1397,post,گروه عمومی، اجتماعی و قضایی,,برگزیده,\n"
    "rajaei-1399,ثبت احوال,,توسعه دولت الکترونیک,عنوان نخست,با امتیاز کامل\n"
    "rajaei-1399,customs,گروه اقتصادی,,برتر,\n"
)
NEWS = {
    "1397/4385870.md": news_item(
        4385870, title="جشنواره شهید رجایی", extra="Agencies: registry, security"
    ),
    "1399/1001.md": news_item(
        1001, title="نتایج جشنواره ۱۳۹۹", date="1399/05/01 10:00", extra="Agencies: customs"
    ),
    "1400/1002.md": news_item(
        1002, title="گفت‌وگو با مدیر ثبت احوال", date="1400/01/10 10:00", extra="Agencies: registry"
    ),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("awards"), news=NEWS)
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=FESTIVALS, awards=AWARDS)
    build_site(root)
    return root


def page(site, path):
    return (site / "output" / path / "index.html").read_text(encoding="utf-8")


def main(html):
    return html[html.index("<main") : html.index("</main>")]


def test_index_lists_agencies_in_persian_order_with_counts(site):
    html = main(page(site, "awards"))
    names = re.findall(r'<a href="/awards/agency/[^/]+/">([^<]+)</a>', html)
    assert names == [
        "اداره کل پست",
        "اداره کل تامین اجتماعی",
        "اداره کل تعاون",
        "اداره کل ثبت احوال",
        "اداره کل گمرک",
        "اداره کل منابع طبیعی",
    ]
    assert re.search(r'agency/registry/">اداره کل ثبت احوال</a></th><td class="num">۲</td>', html)
    assert re.search(r'agency/labour/">اداره کل تعاون</a></th><td class="num">۰</td>', html)
    # festivals newest first, years in Persian digits
    assert html.index("rajaei-1399") < html.index("rajaei-1397")
    assert "۱۳۹۹" in html
    assert "1399<" not in html
    for name in ("awards.csv", "awards.json", "datapackage.json"):
        assert f'href="/awards/data/{name}"' in html


def test_agency_page_by_year_with_partners_article_and_chart(site):
    html = main(page(site, "awards/agency/registry"))
    assert '<h1 class="page-header__title">اداره کل ثبت احوال</h1>' in html
    assert html.index('id="year-1399"') < html.index('id="year-1397"')  # newest first
    year_1397 = html[html.index('id="year-1397"') :]
    assert re.search(
        r'مشترک با <a href="/awards/agency/security/">اداره کل تامین اجتماعی</a>', year_1397
    )
    assert '<a href="/news/4385870/">جشنواره شهید رجایی</a>' in year_1397
    assert "استقرار میز خدمت" in year_1397
    assert "برتر" in year_1397
    year_1399 = html[html.index('id="year-1399"') : html.index('id="year-1397"')]
    assert "عنوان نخست" in year_1399
    assert "با امتیاز کامل" in year_1399
    assert "مشترک با" not in year_1399
    assert '<a href="/news/1001/">' in year_1399
    # every article whose Agencies names it, newest first
    news = html[html.index('id="awards-news"') :]
    assert news.index("/news/1002/") < news.index("/news/4385870/")
    assert "/news/1001/" not in news


def test_agency_history_chart_is_accessible_and_matches_its_table(site):
    html = main(page(site, "awards/agency/registry"))
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg
    assert 'aria-labelledby="awards-chart-title awards-chart-desc"' in svg
    assert re.search(r'<title id="awards-chart-title">[^<]*اداره کل ثبت احوال</title>', svg)
    assert re.search(r'<desc id="awards-chart-desc">[^<]*۱۳۹۷[^<]*۱۳۹۹', svg)
    assert svg.count("<rect") == 3  # 1397, 1398 (none) and 1399
    table = html[html.index("awards-chart__table") :]
    rows = re.findall(r'<tr><th scope="row">([۰-۹]+)</th><td class="num">([۰-۹]+)</td></tr>', table)
    assert rows == [("۱۳۹۹", "۱"), ("۱۳۹۸", "۰"), ("۱۳۹۷", "۱")]
    counts = re.findall(r'class="awards-chart__count"[^>]*>([۰-۹]+)<', svg)
    assert counts == ["۱", "۰", "۱"]  # oldest first, drawn from the inline start


def test_agency_page_is_one_table_with_a_row_group_per_festival(site):
    html = main(page(site, "awards/agency/registry"))
    assert html.count("<table") == 2  # the awards, and the chart's figures
    groups = re.findall(
        r'<tbody(?: id="year-(\d+)")?>\s*<tr data-pagefind-ignore><th colspan="4" '
        r'scope="rowgroup">(.*?)</th></tr>',
        html,
    )
    assert [(year, re.sub(r"<[^>]+>", "", head)) for year, head in groups] == [
        ("1399", "۱۳۹۹ جشنواره شهید رجاییخبر: نتایج جشنواره ۱۳۹۹ ۱ مرداد ۱۳۹۹"),
        ("1397", "۱۳۹۷ جشنواره شهید رجاییخبر: جشنواره شهید رجایی ۵ شهریور ۱۳۹۷"),
    ]
    # Search indexes the results (found nowhere else); festival headings
    # (their own pages) and partners (their own pages) are left out.
    assert (
        "<tr><td>—</td><td>استقرار میز خدمت</td><td>برتر</td><td data-pagefind-ignore>مشترک با "
        in html
    )
    assert '<td>عنوان نخست<br><span class="muted">با امتیاز کامل</span></td><td>—</td></tr>' in html


def test_festival_of_two_in_a_year_gets_the_year_id_once(tmp_path):
    festivals = FESTIVALS + "fajr-1399,جشنواره فجر,1399,خراسان شمالی,,,\n"
    awards = AWARDS + "fajr-1399,registry,,مدیریت,برتر,\n"
    root = make_site(tmp_path, news=NEWS)
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=festivals, awards=awards)
    build_site(root)
    html = main(page(root, "awards/agency/registry"))
    assert html.count('id="year-1399"') == 1
    assert html.count('scope="rowgroup"') == 3
    assert html.index("fajr-1399") > html.index('id="year-1399"')  # same year, after the id


def test_partner_page_names_the_other_agency(site):
    html = main(page(site, "awards/agency/security"))
    assert re.search(r'مشترک با <a href="/awards/agency/registry/">اداره کل ثبت احوال</a>', html)


def test_agency_without_awards_has_a_page(site):
    html = main(page(site, "awards/agency/labour"))
    assert "هنوز جایزه‌ای" in html
    assert "<svg" not in html


def test_festival_page_winners_by_group_and_category(site):
    html = main(page(site, "awards/festival/rajaei-1397"))
    assert '<h1 class="page-header__title">جشنواره شهید رجایی</h1>' in html
    assert "<dd>۳۲</dd>" in html  # honoured employees
    assert '<time datetime="2018-08-26T00:00:00+04:30">۴ شهریور ۱۳۹۷</time>' in html
    assert '<a href="/news/4385870/">جشنواره شهید رجایی</a>' in html
    sections = re.findall(r'<h2 class="section-title" id="group-\d+">([^<]+)</h2>', html)
    assert sections == ["زمینه‌ها", "گروه عمومی، اجتماعی و قضایی"]
    shared = re.search(r"<td>استقرار میز خدمت</td>.*?</tr>", html, re.S)[0]
    assert 'href="/awards/agency/security/"' in shared
    assert 'href="/awards/agency/registry/"' in shared
    assert "(مشترک)" in shared
    html_1399 = main(page(site, "awards/festival/rajaei-1399"))
    assert "کارمندان نمونه" not in html_1399  # no honoured employees given


def test_article_links_its_agencies_and_festival(site):
    html = page(site, "news/4385870")
    block = html[html.index('class="news-agencies"') :]
    block = block[: block.index("</section>")]
    assert '<a href="/awards/agency/registry/">اداره کل ثبت احوال</a>' in block
    assert '<a href="/awards/agency/security/">اداره کل تامین اجتماعی</a>' in block
    assert 'href="/awards/festival/rajaei-1397/"' in block
    other = page(site, "news/1002")
    assert 'href="/awards/agency/registry/"' in other
    assert "/awards/festival/" not in other


def test_open_data_round_trip(site):
    folder = site / "output" / "awards" / "data"
    csv = pd.read_csv(folder / "awards.csv", dtype=str, keep_default_na=False)
    data = pd.read_json(folder / "awards.json", orient="records", dtype=False).fillna("")
    expected = pd.DataFrame(
        [
            # the input rows after normalisation: ids resolved, Arabic letters folded
            ("rajaei-1399", "registry", "", "توسعه دولت الکترونیک", "عنوان نخست", "با امتیاز کامل"),
            ("rajaei-1399", "customs", "گروه اقتصادی", "", "برتر", ""),
            ("rajaei-1397", "registry", "", "استقرار میز خدمت", "برتر", ""),
            ("rajaei-1397", "security", "", "استقرار میز خدمت", "برتر", ""),
            ("rajaei-1397", "post", "گروه عمومی، اجتماعی و قضایی", "", "برگزیده", ""),
        ],
        columns=["festival", "agency", "group", "category", "award", "note"],
    )
    key = list(expected.columns)
    for table in (csv, data):
        got = table[key].astype(str).sort_values(key).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected.sort_values(key).reset_index(drop=True))
    assert list(csv["festival_year"]) == ["1399", "1399", "1397", "1397", "1397"]
    assert list(data["festival_year"]) == [1399, 1399, 1397, 1397, 1397]
    shared = csv[csv["agency"] == "security"].iloc[0]
    assert (shared["agency_name"], shared["shared_with"]) == ("اداره کل تامین اجتماعی", "registry")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["path"] for r in package["resources"]] == ["awards.csv", "awards.json"]
    fields = [f["name"] for f in package["resources"][0]["schema"]["fields"]]
    assert fields == list(csv.columns)


def test_misspelt_agency_stops_the_build_with_file_line_and_closest_names(tmp_path):
    root = make_site(tmp_path, news=NEWS)
    awards = AWARDS + "rajaei-1399,اداره کل ثبت اهوال,,گروه دوم,برتر,\n"
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=FESTIVALS, awards=awards)
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert any(
        p.startswith("data/awards/awards.csv:7: agency «اداره کل ثبت اهوال» matches no id")
        and "closest: «اداره کل ثبت احوال»" in p
        for p in error.value.problems
    )
    assert not (root / "output").exists()


def test_article_naming_an_unknown_agency_id_stops_the_build(tmp_path):
    news = dict(NEWS)
    news["1400/1003.md"] = news_item(1003, extra="Tags: آزمون\nAgencies: registry, registy")
    root = make_site(tmp_path, news=news)
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=FESTIVALS, awards=AWARDS)
    with pytest.raises(BuildError) as error:
        build_site(root)
    assert error.value.problems == [
        (
            "content/news/1400/1003.md:5: Agencies: unknown agency id 'registy' "
            "(ids are in data/awards/agencies.csv); closest: «registry»"
        )
    ]


def test_real_site_registry_award_shared_with_social_security(real_site):
    index = (real_site / "awards" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/awards/agency/civil-registration/">اداره کل ثبت احوال</a>' in index
    html = (real_site / "awards" / "agency" / "civil-registration" / "index.html").read_text(
        encoding="utf-8"
    )
    year = html[html.index('id="year-1397"') :]
    assert re.search(
        r'مشترک با <a href="/awards/agency/social-security/">اداره کل تامین اجتماعی</a>', year
    )
    assert '<a href="/news/4385870/">' in year
    csv = pd.read_csv(
        real_site / "awards" / "data" / "awards.csv", dtype=str, keep_default_na=False
    )
    assert len(csv) == 12
    assert set(csv["award"]) == {"برتر", "برگزیده", "عنوان نخست"}
    row = csv[csv["agency"] == "civil-registration"].iloc[0]
    assert (row["category"], row["shared_with"]) == ("استقرار میز خدمت", "social-security")
    festival = (
        real_site / "awards" / "festival" / "shahid-rajaei-1397-north-khorasan" / "index.html"
    ).read_text(encoding="utf-8")
    assert "<dd>۳۲</dd>" in festival
    assert '<a href="/news/4385870/">' in festival


def test_award_objects_are_frozen_while_the_site_is_written_and_released_after(tmp_path):
    import gc

    from pelican import signals

    seen = []

    def during(generators):
        seen.append(gc.get_freeze_count())

    root = make_site(tmp_path, news=NEWS)
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=FESTIVALS, awards=AWARDS)
    signals.all_generators_finalized.connect(during)
    try:
        build_site(root)
    finally:
        signals.all_generators_finalized.disconnect(during)
    assert seen
    assert seen[0] > 0
    assert gc.get_freeze_count() == 0  # ... until the build is over


def test_open_data_csv_is_what_pandas_writes_even_for_awkward_cells(tmp_path):
    # opendata writes the CSV with the csv module; readers get pandas' dialect.
    awards = AWARDS + 'rajaei-1399,post,,"مدیریت, منابع",برتر,"یادداشت ""نقل""\nدو خط"\n'
    root = make_site(tmp_path, news=NEWS)
    write_awards(root / "data" / "awards", agencies=AGENCIES, festivals=FESTIVALS, awards=awards)
    build_site(root)
    path = root / "output" / "awards" / "data" / "awards.csv"
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    again = tmp_path / "again.csv"
    table.to_csv(again, index=False, encoding="utf-8-sig", lineterminator="\n")
    assert path.read_bytes() == again.read_bytes()
    row = table[table["category"] == "مدیریت, منابع"].iloc[0]
    assert row["note"] == 'یادداشت "نقل"\nدو خط'


def test_a_site_without_award_data_has_no_menu_link_to_the_award_pages(tmp_path, site):
    # the menu's awards/ link (MENUITEMS) leads to a page only where there are awards
    bare = make_site(tmp_path, news={"1397/5.md": news_item(5)})
    shutil.rmtree(bare / "data" / "awards")
    out = build_site(bare)
    assert not (out / "awards").exists()
    for path in out.rglob("*.html"):
        assert 'href="/awards/"' not in path.read_text(encoding="utf-8"), path
    assert 'href="/awards/"' in (site / "output" / "index.html").read_text(encoding="utf-8")
    assert not links.broken_links(out)
