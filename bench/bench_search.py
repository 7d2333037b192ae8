"""Search latency in the browser: time from typing a query to its results.

    .venv/bin/python bench/bench_search.py [-n 1000]

Builds a synthetic site of N articles (bench/synthetic.py, no comments, a
few award rows), serves it on 127.0.0.1 and, in Debian's chromium, times
the first query after the page loads (Pagefind's index chunks not yet
fetched) and then several more.  A measurement, not a test.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "plugins"), str(ROOT / "bench")]

QUERIES = ["استاندار", "۱۴۰۰", "الكترونيك", "دولت الکترونیک", "شهرستان بجنورد", "میشود"]


def main():
    from playwright.sync_api import sync_playwright

    from safe_build import runner
    from site_checks.serve import launch_chromium, serve_folder
    from synthetic import make_site

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chapar-bench-search-") as scratch:
        site = make_site(Path(scratch) / "site", args.n, award_rows=200, with_comments=False)
        os.chdir(site)
        out = runner.build(site / "pelicanconf.py", output=site / "output")
        server, url = serve_folder(out)
        timings = []
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for i, query in enumerate(QUERIES):
                page = browser.new_page()
                page.goto(f"{url}/search/")
                page.wait_for_function("document.querySelector('.search__filters') && !document.querySelector('.search__filters').hidden")
                started = time.perf_counter()
                page.fill("#search-q", query)
                page.wait_for_function("document.querySelector('.search__status').textContent.length > 0")
                elapsed = (time.perf_counter() - started) * 1000
                count = page.locator(".search__result").count()
                timings.append(elapsed)
                print(f"{'first' if i == 0 else 'next '} query «{query}»: {elapsed:6.0f} ms, {count} results shown")
                page.close()
            browser.close()
        server.shutdown()
    print(f"N = {args.n}: first query {timings[0]:.0f} ms; median of all {statistics.median(timings):.0f} ms "
          "(each on a fresh page; includes the 80 ms typing debounce)")


if __name__ == "__main__":
    main()
