"""Persian search in headless Chromium against a built fixture site."""

import pytest

import chapar_search as search_module
from conftest import build_site, make_site, news_item, serve_folder

pytestmark = pytest.mark.browser

SEED = (
    "Title: دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت\n"
    "Date: ۱۳۹۷/۰۶/۰۵ ۰۹:۰۷\nNewsCode: 4385870\nCategory: استان‌ها\n"
    "Image: 1397/06/jashnvare-shahid-rajaei.jpg\nImageAlt: سالن جشنواره\n"
    "Lead: استاندار گفت: دولت الکترونیک از سال ۱۳۹۷ اجرا می‌شود.\n\n"
    "اجرای کامل دولت الکترونیک سبب رضایتمندی مردم خواهد شد.\n"
)


@pytest.fixture(scope="module")
def search_url(tmp_path_factory):
    site = make_site(
        tmp_path_factory.mktemp("search"),
        comments={
            "4385870/1.md": "Author: خواننده\nDate: 1397/06/05 11:00\n\n"
            "اجرای کامل دولت الکترونیک در استان و زرافه‌خانه لازم است.\n"
        },
        news={
            "seed.md": SEED,
            "ali.md": news_item(
                11,
                "دیدار علی با کشاورزان",
                "1399/02/10",
                "Category: اقتصاد\n",
                body="علی گفت کشاورزان سرمایه استان هستند.",
            ),
            "arabic.md": news_item(
                12,
                "گزارش پيشرفت",
                "1401/03/10",
                "Category: اقتصاد\n",
                body="گزارش پيشرفت طرح كشاورزان.",
            ),
            "tax.md": news_item(
                13,
                "پرداخت مالیات",
                "1402/01/20",
                "Tags: مودیان\n",
                body="مهلت پرداخت مالیات تمدید شد.",
            ),
        },
    )
    out = build_site(site)
    server, url = serve_folder(out)
    yield f"{url}/search/"
    server.shutdown()


def search(page, url, query):
    page.goto(url)
    page.fill("#search-q", query)
    page.wait_for_function("document.querySelector('.search__status').textContent.length > 0")
    return page.locator(".search__result h2 a").all_inner_texts()


@pytest.mark.parametrize("query", ["علي", "علی"])
def test_arabic_and_persian_yeh_both_find_ali(page, search_url, query):
    assert search(page, search_url, query) == ["دیدار علی با کشاورزان"]


def test_arabic_letters_in_the_source_are_found_with_persian_letters(page, search_url):
    assert search(page, search_url, "پیشرفت") == ["گزارش پیشرفت"]


@pytest.mark.parametrize("query", ["1397", "۱۳۹۷", "الكترونيك"])
def test_digits_and_arabic_letters_find_the_seed(page, search_url, query):
    titles = search(page, search_url, query)
    # News first (newest first), then agency and festival pages that match.
    assert titles[0] == "دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت"
    assert page.console_errors == []
    assert page.external_requests == []


def test_result_shows_jalali_date_and_excerpt(page, search_url):
    search(page, search_url, "دولت الکترونیک")
    assert page.inner_text(".search__date") == "۵ شهریور ۱۳۹۷"
    marks = page.locator(".search__result").first.locator("mark").all_inner_texts()
    assert {"دولت", "الکترونیک"} <= set(marks)


def test_a_result_with_a_photo_shows_its_thumbnail_and_one_without_none(page, search_url):
    titles = search(page, search_url, "استان")
    assert "دیدار علی با کشاورزان" in titles
    seed = page.locator(".search__result", has_text="دولت الکترونیک رضایتمندی").first
    thumb = seed.locator("img.search__thumb")
    assert thumb.get_attribute("loading") == "lazy"
    thumb.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('img.search__thumb').complete")
    size = thumb.evaluate("img => [img.naturalWidth, img.width, img.height, img.alt]")
    assert size[0] == 360  # the narrowest width the photos make
    assert min(size[1], size[2]) > 0  # width and height set: no shift while it loads
    assert size[3] == ""
    assert "jashnvare-shahid-rajaei" in thumb.get_attribute("src")
    other = page.locator(".search__result", has_text="دیدار علی با کشاورزان").first
    assert other.locator("img").count() == 0
    assert page.console_errors == []
    assert page.external_requests == []


def test_without_zwnj_finds_with_zwnj(page, search_url):
    assert search(page, search_url, "میشود")[0] == (
        "دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت"
    )


def test_query_in_the_address_and_year_filter(page, search_url):
    page.goto(f"{search_url}?q=کشاورزان")
    page.wait_for_selector(".search__result")
    # From two shards (1401 and 1399), newest first.
    assert page.locator(".search__result h2 a").all_inner_texts() == [
        "گزارش پیشرفت",
        "دیدار علی با کشاورزان",
    ]
    page.select_option("select[name=year]", "۱۳۹۹")
    page.wait_for_function("document.querySelectorAll('.search__result').length === 1")
    assert page.locator(".search__result h2 a").all_inner_texts() == ["دیدار علی با کشاورزان"]
    assert "year=" in page.url


def test_one_query_lists_news_of_several_years_newest_first_then_other_pages(page, search_url):
    # Each Jalali year of news is a shard of its own, and agency pages another.
    assert search(page, search_url, "کشاورزان") == ["گزارش پیشرفت", "دیدار علی با کشاورزان"]
    assert search(page, search_url, "مالیات") == ["پرداخت مالیات", "اداره کل مالیات"]
    assert page.console_errors == []
    assert page.external_requests == []


def test_a_word_one_shard_lacks_finds_nothing_there(page, search_url):
    # The 1397 shard holds «دولت» but not «مالیات»: it must not answer for «دولت» alone.
    assert search(page, search_url, "دولت مالیات") == []
    assert search(page, search_url, "پرداخت مالیات") == ["پرداخت مالیات"]


def test_tags_are_searched(page, search_url):
    assert search(page, search_url, "مودیان") == ["پرداخت مالیات"]


def test_comments_are_not_indexed(page, search_url):
    page.goto(search_url.replace("/search/", "/news/4385870/"))
    assert "زرافه‌خانه" in page.inner_text("#comments")  # published on the page...
    assert search(page, search_url, "زرافه‌خانه") == []  # ...but left out of search


def test_no_match_says_so_in_persian(page, search_url):
    assert search(page, search_url, "زرافه") == []
    assert "چیزی پیدا نشد" in page.inner_text(".search__status")


def test_header_search_box_leads_to_the_search_page(page, search_url):
    page.goto(search_url.replace("/search/", "/news/11/"))
    page.fill("#site-search-q", "علي")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector(".search__result")
    assert page.locator(".search__result h2 a").all_inner_texts() == ["دیدار علی با کشاورزان"]
    assert page.console_errors == []
    assert page.external_requests == []


def test_a_changed_article_is_found_after_a_rebuild(page, tmp_path):
    cached = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}
    site = make_site(
        tmp_path,
        news={
            "old.md": news_item(1, "خبر قدیمی", "1397/06/05", body="گزارش بودجه استان."),
            "new.md": news_item(2, "خبر تازه", "1402/02/10", body="گزارش جلسه شورا."),
        },
    )
    build_site(site, **cached)
    (site / "content/news/new.md").write_text(
        news_item(2, "خبر تازه", "1402/02/10", body="گزارش نشست شورا درباره کرگدن."), "utf-8"
    )
    out = build_site(site, **cached)
    assert search_module.LAST_BUILD["reused"]  # the 1397 shard came from the cache
    server, url = serve_folder(out)
    try:
        assert search(page, f"{url}/search/", "کرگدن") == ["خبر تازه"]
        assert search(page, f"{url}/search/", "جلسه") == []
        assert search(page, f"{url}/search/", "گزارش") == ["خبر تازه", "خبر قدیمی"]
    finally:
        server.shutdown()
