"""Moderators' desk benchmark: the cost of the desk page and of a decision.

    .venv/bin/python bench/bench_desk.py               # 1,000 articles, 4,000 comments
    .venv/bin/python bench/bench_desk.py --articles 250 --repeat 3

Builds a synthetic site (bench/synthetic.py) in a temporary folder, adds a
moderator, and through Starlette's TestClient (no network) signs in, then
times ``GET /desk/`` (every comment file read and moderated, as ``invoke
moderation`` does, and the page rendered), ``GET /desk/queue.json`` and one
approval (``POST /desk/decide``: the queue read again, the Status written,
the audit log appended).  Prints the median and the slowest of ``--repeat``
runs of each.  A measurement, not a test.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from starlette.testclient import TestClient
from synthetic import make_site

from chapar.intake import Config, create_app
from chapar.intake.review import accounts

DESK = "https://testserver"


def timed(call, repeat):
    """``median …, max …`` milliseconds of ``repeat`` calls, as a line's end."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms"


def main(argv=None):
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        site = make_site(Path(tmp) / "site", args.articles, award_rows=10)
        accounts.add(site / "data/moderation/moderators.toml", "bench", "bench-password-1")
        comments = sorted((site / "content/comments").rglob("*.md"))
        app = create_app(Config.from_options(root=site))
        c = TestClient(app, base_url=DESK, follow_redirects=False)
        form = c.get("/desk/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form)[1]
        data = {"csrf": csrf, "name": "bench", "password": "bench-password-1"}
        assert c.post("/desk/login", data=data, headers={"Origin": DESK}).status_code == 303
        start = time.perf_counter()
        page = c.get("/desk/").text  # the first: every article read and moderated
        first = (time.perf_counter() - start) * 1000
        csrf = re.search(r'name="csrf" value="([^"]+)"', page)[1]
        waiting = c.get("/desk/queue.json").json()["waiting"]
        print(f"{args.articles} articles, {len(comments)} comments, {waiting} held")
        print(f"GET /desk/ (first)    {first:.0f} ms")
        print("GET /desk/           ", timed(lambda: c.get("/desk/"), args.repeat))
        print("GET /desk/queue.json ", timed(lambda: c.get("/desk/queue.json"), args.repeat))
        keys = iter(f"{p.parent.name}/{p.stem}" for p in comments)

        def approve():
            key = next(keys)
            body = urlencode({"csrf": csrf, "one": f"approved {key}", f"seen:{key}": ""})
            answer = c.post(
                "/desk/decide",
                content=body,
                headers={"Origin": DESK, "Content-Type": "application/x-www-form-urlencoded"},
            )
            assert answer.status_code == 303

        print("POST /desk/decide    ", timed(approve, args.repeat))


if __name__ == "__main__":
    main()
