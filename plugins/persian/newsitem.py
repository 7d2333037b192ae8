"""``invoke new``: a news item skeleton with the next free NewsCode."""

from datetime import datetime
from pathlib import Path

from .dates import TEHRAN, jalali
from .reader import header_values, parse_news_code

TEMPLATE = """\
Title: {title}
Date: {date}
NewsCode: {code}
Kicker:
Dateline:
Lead:
Category: {category}
Tags:
Status: draft

متن خبر را این‌جا بنویسید. وقتی خبر آماده شد، Status را published کنید.
"""


def next_news_code(news_dir):
    """One more than the largest NewsCode under ``news_dir`` (1 when empty)."""
    codes = [0]
    for path in Path(news_dir).rglob("*.md"):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        value = header_values(text).get("newscode")
        if value:
            try:
                codes.append(parse_news_code(value))
            except ValueError:
                pass  # `invoke check` reports it; here we only need a free code
    return max(codes) + 1


def create_news_item(news_dir, title, category="", now=None):
    """Write the skeleton and return its path; never overwrites a file."""
    now = now or datetime.now(TEHRAN)
    j = jalali(now)
    code = next_news_code(news_dir)
    path = Path(news_dir) / str(j.year) / f"{code}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = TEMPLATE.format(
        title=title.strip(),
        date=j.strftime("%Y/%m/%d %H:%M"),
        code=code,
        category=category,
    )
    with open(path, "x", encoding="utf-8") as handle:
        handle.write(text)
    return path
