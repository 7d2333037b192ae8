"""A small newsroom for the theme tests: enough items for pagination, related
news, several sections, archives over two years, Latin names and code.
"""

import pytest

from chapar.persian.text import to_persian_digits as fa
from conftest import build_site, make_site, news_item

SECTIONS = ("استان‌ها", "اقتصادی", "ورزشی")
TAGS = ("دولت الکترونیک", "خراسان شمالی", "بودجه", "فوتبال", "جشنواره شهید رجایی")
BODY = (
    "به گزارش خبرنگار چاپار، این متن آزمایشی برای بررسی نمای صفحه است و "
    "چند جمله دارد تا پاراگراف به چند سطر برسد. "
) * 3


def corpus():
    news = {}
    for n in range(23):
        code = 5000 + n
        month = 1 + n % 12
        year = 1397 + (n // 12)
        tags = "، ".join({TAGS[n % 5], TAGS[(n + 2) % 5]})
        extra = (
            f"Kicker: روتیتر خبر {fa(n)}:\nDateline: بجنورد\n"
            f"Lead: لید خبر شمارهٔ {fa(n)} که خلاصهٔ خبر را می‌گوید.\n"
            f"Category: {SECTIONS[n % 3]}\nTags: {tags}\n"
        )
        body = BODY
        if n == 0:
            extra += "Modified: 1398/12/20 18:30\n"
            body += (
                "\n\nمدیرعامل شرکت <bdi>Apple</bdi> گفت که نسخهٔ <bdi>iOS 17</bdi> منتشر شد.\n\n"
                "```\nprint('سلام')  # code stays left to right\n```\n"
            )
        news[f"{year}/{code}.md"] = news_item(
            code,
            title=f"عنوان خبر آزمایشی شمارهٔ {fa(n)} دربارهٔ {SECTIONS[n % 3]}",
            date=f"{year}/{month:02d}/{1 + n:02d} {8 + n % 10:02d}:{n:02d}",
            extra=extra,
            body=body,
        )
    return news


@pytest.fixture(scope="session")
def theme_site(tmp_path_factory):
    """The corpus built once; returns the output folder."""
    site = make_site(tmp_path_factory.mktemp("theme"), news=corpus())
    pages = site / "content" / "pages"
    pages.mkdir()
    (pages / "about.md").write_text(
        "Title: دربارهٔ ما\nSlug: about\n\nچاپار خبرگزاری استانی است.\n", encoding="utf-8"
    )
    return build_site(site)
