"""README.md (Writing news): Breaking («فوری», the home banner for 6 hours after Date) and
Correction («اصلاحیه» with the Modified time above the text, dateModified in JSON-LD and feeds).
"""

import json
import re
from datetime import datetime, timedelta

from chapar.persian.dates import TEHRAN
from conftest import build_site, make_site, news_item, refused_build


def iso(delta):
    return (datetime.now(TEHRAN) + delta).strftime("%Y-%m-%d %H:%M")


def test_breaking_badge_everywhere_and_banner_for_six_hours(tmp_path):
    site = make_site(
        tmp_path,
        news={
            "a.md": news_item(1, "زلزله در بجنورد", iso(-timedelta(hours=1)), "Breaking: yes\n"),
            "b.md": news_item(2, "خبر فوری دیروز", iso(-timedelta(hours=7)), "Breaking: yes\n"),
            "c.md": news_item(3, "خبر عادی", iso(-timedelta(hours=2))),
        },
    )
    out = build_site(site)
    home = (out / "index.html").read_text(encoding="utf-8")
    banner = home[home.index('class="breaking-banner"') : home.index("</section>")]
    assert "زلزله در بجنورد" in banner
    assert "خبر فوری دیروز" not in banner  # more than 6 hours ago
    assert "خبر عادی" not in banner
    assert home.count('<span class="badge badge--breaking">فوری</span>') == 3  # banner + 2 items
    assert "فوری" in (out / "news/2/index.html").read_text(encoding="utf-8")
    assert "badge--breaking" not in (out / "news/3/index.html").read_text(encoding="utf-8")


def test_no_banner_without_recent_breaking_news(tmp_path):
    out = build_site(make_site(tmp_path, news={"a.md": news_item(1, extra="Breaking: yes\n")}))
    assert "breaking-banner" not in (out / "index.html").read_text(encoding="utf-8")


def test_correction_notice_with_modified_time_and_date_modified(tmp_path):
    extra = "Modified: 1397/06/06 10:30\nCorrection: نام استاندار در متن نخست نادرست آمده بود.\n"
    out = build_site(make_site(tmp_path, news={"a.md": news_item(1, extra=extra)}))
    page = (out / "news/1/index.html").read_text(encoding="utf-8")
    notice = page[
        page.index('class="notice notice--correction"') : page.index('class="news__body"')
    ]
    assert "اصلاحیه" in notice
    assert '<time datetime="2018-08-28T10:30:00+04:30">' in notice
    assert "نام استاندار در متن نخست نادرست آمده بود." in notice
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page)[1])
    assert ld["dateModified"] == "2018-08-28T10:30:00+04:30"
    atom = (out / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "<updated>2018-08-28T10:30:00+04:30</updated>" in atom


def test_correction_without_modified_and_bad_breaking_stop_the_build(tmp_path):
    extra = "Correction: اصلاح شد.\nBreaking: شاید\n"
    problems = refused_build(make_site(tmp_path, news={"a.md": news_item(1, extra=extra)}))
    assert (
        "content/news/a.md:4: Correction needs Modified: the time the story was corrected"
        in problems
    )
    assert "content/news/a.md:5: Breaking: 'شاید' is not yes or no" in problems
