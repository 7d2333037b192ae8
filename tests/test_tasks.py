"""README.md, Commands: the editor commands, run as editors run them."""

import subprocess
import sys
from datetime import datetime

from chapar.news.item import create_news_item, next_news_code
from chapar.persian.dates import TEHRAN
from conftest import ROOT, make_site, news_item


def run_invoke(site, *args):
    # tasks.py works on the folder it lives in; run a copy inside the fixture site.
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_prints_path_line_message_and_exits_non_zero(tmp_path):
    site = make_site(tmp_path, news={"bad.md": news_item(5, date="1402/12/30")})
    result = run_invoke(site, "check")
    assert result.returncode != 0
    assert "content/news/bad.md:2: Date: impossible date '1402/12/30'" in result.stderr
    assert not (site / "output").exists()


def test_build_then_check_on_good_content(tmp_path):
    site = make_site(tmp_path, news={"ok.md": news_item(5)})
    assert run_invoke(site, "check").returncode == 0
    result = run_invoke(site, "build")
    assert result.returncode == 0, result.stderr
    assert (site / "output/news/5/index.html").is_file()


def test_new_takes_the_next_free_code_and_the_jalali_now(tmp_path):
    news = tmp_path / "news"
    (news / "1397").mkdir(parents=True)
    (news / "1397/a.md").write_text(news_item(4385870))
    (news / "1397/b.md").write_text(news_item("۴۳۸۵۸۷۵"))
    assert next_news_code(news) == 4385876
    now = datetime(2026, 11, 28, 16, 30, tzinfo=TEHRAN)
    path = create_news_item(news, "  خبر تازه ", now=now)
    assert path == news / "1405" / "4385876.md"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("Title: خبر تازه\nDate: 1405/09/07 16:30\nNewsCode: 4385876\n")
    assert "Status: draft" in text


def test_new_item_passes_check(tmp_path):
    site = make_site(tmp_path)
    result = run_invoke(site, "new", "خبر آزمایشی تازه")
    assert result.returncode == 0, result.stderr
    created = site / result.stdout.strip()
    assert created.is_file()
    assert created.suffix == ".md"
    assert run_invoke(site, "check").returncode == 0
