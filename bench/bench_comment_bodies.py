"""Comment bodies and threads built to be slow: what each costs.

    .venv/bin/python bench/bench_comment_bodies.py            # sizes 3,000 to 300,000 characters
    .venv/bin/python bench/bench_comment_bodies.py --sizes 3000 30000

For each pathological body (runs of ``[``, ``*_``, ``**a``, nested links,
backslashes, plain Persian text for comparison) prints the time to render it
(chapar/comments/render.BodyRenderer: the restricted Markdown parser, then
nh3) at each size, and the time per character: flat from size to size means
linear.  Then a chain of replies, each to the one before, and an article with
many comments: threads built, paginated and rendered (README.md, Comments).
A measurement, not a test.
"""

import argparse
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

from chapar import moderation
from chapar.comments import render
from chapar.comments.site import comment_settings
from chapar.persian.dates import TEHRAN

BODIES = {
    "persian text": lambda n: ("دولت الکترونیک رضایتمندی مردم را در پی خواهد داشت. " * n)[:n],
    "[ run": lambda n: "نظر " + "[" * n,
    "*_ run": lambda n: "*_" * (n // 2),
    "**a run": lambda n: "**a " * (n // 4),
    "nested links": lambda n: "[" * (n // 16) + "a" + "](https://x.ir)" * (n // 16),
    "open links": lambda n: "[a](" * (n // 4),
    "backslashes": lambda n: "\\" * n,
}


def best(function, repeat=3):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


class Source:
    """What build_threads reads of a comment file."""

    def __init__(self, cid, date, body, reply_to=""):
        self.id, self.date, self.body, self.reply_to, self.status = cid, date, body, reply_to, ""
        self.author = f"خواننده {cid}"


def thread(comments, conf):
    body, template = render.BodyRenderer(), render.ThreadTemplate(conf)
    published = {c.id: moderation.PUBLISHED for c in comments}
    roots, _count = render.build_threads(comments, published, body)
    return template(roots)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[3000, 30000, 300000])
    parser.add_argument("--chain", type=int, default=5000, help="replies in the chain")
    parser.add_argument("--comments", type=int, default=10000, help="comments on one article")
    args = parser.parse_args()

    body = render.BodyRenderer()
    print(f"{'body':14s}" + "".join(f"{n:>12,d} ch" for n in args.sizes) + "   µs/char")
    for name, make in BODIES.items():
        row, per_char = [], []
        for n in args.sizes:
            text = make(n)
            seconds = best(lambda text=text: body(text))
            row.append(f"{seconds * 1000:12.1f} ms")
            per_char.append(f"{seconds / len(text) * 1e6:.2f}")
        print(f"{name:14s}" + "".join(row) + "   " + " / ".join(per_char))

    conf = render.thread_settings(
        {
            "THEME": str(ROOT / "theme"),
            "DEFAULT_LANG": "fa",
            "JINJA_ENVIRONMENT": {"trim_blocks": True, "lstrip_blocks": True},
        },
        comment_settings({}),
    )
    start = datetime(2018, 8, 27, 10, tzinfo=TEHRAN)
    chain = [
        Source(str(i), start + timedelta(seconds=i), f"پاسخ شماره {i}", str(i - 1) if i else "")
        for i in range(args.chain)
    ]
    seconds = best(lambda: thread(chain, conf), repeat=1)
    pages = thread(chain, conf)
    print(f"\nchain of {args.chain:,d} replies: {seconds:.2f} s, {len(pages):,d} pages")
    crowd = [
        Source(
            str(i),
            start + timedelta(seconds=i),
            f"نظر شماره {i} درباره دولت",
            str(i - i % 5) if i % 5 else "",
        )
        for i in range(args.comments)
    ]
    seconds = best(lambda: thread(crowd, conf), repeat=1)
    pages = thread(crowd, conf)
    print(
        f"{args.comments:,d} comments on one article: {seconds:.2f} s, {len(pages):,d} pages, "
        f"first page {len(pages[0].encode()):,d} bytes of thread HTML"
    )


if __name__ == "__main__":
    main()
