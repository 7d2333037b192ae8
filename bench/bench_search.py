"""Search: the index's size by part, and latency in the browser.

    .venv/bin/python bench/bench_search.py [-n 1000]

Builds a synthetic site of N articles (bench/synthetic.py, no comments, a
few award rows) and prints the index's size: the news shards and the other
pages apart, each split into fragments (a page's text and metadata, fetched
for the results shown), index chunks (words and where they are, fetched per
query word), metadata and Pagefind's runtime.  Then serves it on 127.0.0.1
and, in Debian's chromium, times the first query after the page loads
(Pagefind's index chunks not yet fetched) and then several more.  A
measurement, not a test.
"""

import argparse
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PARTS = {
    ".pf_fragment": "fragments",
    ".pf_index": "index chunks",
    ".pf_meta": "metadata",
    ".json": "metadata",
}


class SearchLog(logging.Handler):
    """Keeps the search plugin's "indexed N pages ..." record."""

    message = None

    def emit(self, record):
        if record.name == "search" and "indexed" in record.getMessage():
            SearchLog.message = record.getMessage()


def index_size(folder, n):
    """Print the index's size by shard kind and part, per 1,000 articles."""
    sizes = {}
    for path in Path(folder).rglob("*"):
        if path.is_file():
            kind = "news" if path.relative_to(folder).parts[0].startswith("news-") else "pages"
            part = PARTS.get(path.suffix, "runtime")
            sizes[kind, part] = sizes.get((kind, part), 0) + path.stat().st_size / 2**20
    total = sum(sizes.values())
    print(f"index: {total:.2f} MB in all, {total * 1000 / n:.2f} MB per 1,000 articles")
    for kind in ("news", "pages"):
        parts = {part: mb for (k, part), mb in sorted(sizes.items()) if k == kind}
        print(
            f"  {kind:5} {sum(parts.values()):6.2f} MB: "
            + ", ".join(f"{part} {mb:.2f} MB" for part, mb in parts.items())
            + (
                f"  ({sum(parts.values()) * 1000 / n:.2f} MB per 1,000 articles)"
                if kind == "news"
                else ""
            )
        )


QUERIES = ["استاندار", "۱۴۰۰", "الكترونيك", "دولت الکترونیک", "شهرستان بجنورد", "میشود"]


def main():
    from playwright.sync_api import sync_playwright
    from synthetic import make_site

    from chapar.build import runner
    from chapar.checks.serve import launch_chromium, serve_folder

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chapar-bench-search-") as scratch:
        site = make_site(Path(scratch) / "site", args.n, award_rows=200, with_comments=False)
        os.chdir(site)
        logging.getLogger().addHandler(SearchLog(level=logging.INFO))
        logging.getLogger("chapar_search").setLevel(logging.INFO)
        started, cpu = time.perf_counter(), os.times()
        out = runner.build(site / "pelicanconf.py", output=site / "output")
        helpers = sum(os.times()[2:4]) - sum(cpu[2:4])  # the shard processes and their Pagefind
        print(
            f"build: {time.perf_counter() - started:.2f} s; {SearchLog.message}; "
            f"{helpers:.2f} s of CPU in the shard processes"
        )
        index_size(out / "pagefind", args.n)
        server, url = serve_folder(out)
        timings = []
        with sync_playwright() as p:
            browser = launch_chromium(p)
            for i, query in enumerate(QUERIES):
                page = browser.new_page()
                page.goto(f"{url}/search/")
                page.wait_for_function(
                    "document.querySelector('.search__filters') && !document.querySelector('.search__filters').hidden"
                )
                started = time.perf_counter()
                page.fill("#search-q", query)
                page.wait_for_function(
                    "document.querySelector('.search__status').textContent.length > 0"
                )
                elapsed = (time.perf_counter() - started) * 1000
                count = page.locator(".search__result").count()
                timings.append(elapsed)
                print(
                    f"{'first' if i == 0 else 'next '} query «{query}»: {elapsed:6.0f} ms, {count} results shown"
                )
                page.close()
            browser.close()
        server.shutdown()
    print(
        f"N = {args.n}: first query {timings[0]:.0f} ms; median of all {statistics.median(timings):.0f} ms "
        "(each on a fresh page; includes the 80 ms typing debounce)"
    )


if __name__ == "__main__":
    main()
