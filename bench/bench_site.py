"""Site benchmark: plain Pelican vs the full Chapar build, rebuilds, search.

    .venv/bin/python bench/bench_site.py            # N=5,000
    .venv/bin/python bench/bench_site.py -n 1000

Generates a synthetic Persian site (bench/synthetic.py: ~500 words an
article, tags, categories, five Jalali years, 4 comments an article, 50,000
award rows) and measures, each in its own process (for peak memory):
(a) plain Pelican 4.12, default theme, no plugins, the same articles with
Gregorian dates; (b) the full project build, empty cache; (c) a rebuild
after one article changed, with the cache from (b); (d) Pagefind indexing
inside (b), and what search adds to (b) (the same build without search).
(a) and (b) run alternately, twice by default (--repeat), and the best of
each is kept.  Also printed, not a target: (a') plain Pelican writing each
article into a folder of its own, as the SPEC's URLs do.  Prints seconds, ms per article, peak memory and b/a, c/b.
First it prints what creating a file and a folder costs where the sites are
built (``--workdir``, default the system's temporary folder): (b) creates
about 2.5 times the files of (a) (a folder per page, Pagefind's fragments),
so on a disk where that is slow the ratio says more about the disk.
A measurement, not a test.
"""

import argparse
import json
import logging
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAIN_SETTINGS = """
PATH = "content"
ARTICLE_PATHS = ["news"]
OUTPUT_PATH = "output"
TIMEZONE = "Asia/Tehran"
DEFAULT_LANG = "fa"
PLUGINS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""


# (a') the same plain Pelican with the SPEC's URLs: a folder per article
# (news/<NewsCode>/index.html) instead of one flat file each.  Not a target;
# it shows what the URL scheme alone costs on this disk.
FOLDER_SETTINGS = (
    PLAIN_SETTINGS
    + """
ARTICLE_URL = "news/{newscode}/"
ARTICLE_SAVE_AS = "news/{newscode}/index.html"
"""
)


class IndexTimer(logging.Handler):
    """Reads the search plugin's "indexed N pages ... in S s" record."""

    seconds = None

    def emit(self, record):
        match = re.search(r"in ([\d.]+) s$", record.getMessage())
        if record.name.startswith("chapar_search") and match:
            IndexTimer.seconds = float(match[1])


def worker(mode, site):
    """Run one build in this process and print its figures as JSON."""
    os.chdir(site)
    started = time.perf_counter()
    if mode in ("plain", "plain-folders"):
        from pelican import Pelican
        from pelican.settings import read_settings

        name = "plain.py" if mode == "plain" else "plain_folders.py"
        Pelican(read_settings(str(Path(site) / name))).run()
    else:
        from chapar.build import runner

        handler = IndexTimer(level=logging.INFO)
        logging.getLogger().addHandler(handler)
        logging.getLogger().setLevel(logging.INFO)
        if mode == "nosearch":  # the same full build without search, nothing cached
            runner.build(
                Path(site) / "pelicanconf.py",
                output=Path(site) / "output-nosearch",
                SEARCH={"enabled": False},
                CACHE_CONTENT=False,
                LOAD_CONTENT_CACHE=False,
            )
        else:
            runner.build(Path(site) / "pelicanconf.py", output=Path(site) / "output")
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pages = {}
    if not mode.startswith("plain"):
        import chapar_page_cache as page_cache

        pages = {k: page_cache.LAST_BUILD.get(k) for k in ("rendered", "reused")}
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mb": peak_mb,
                "index_seconds": IndexTimer.seconds,
                "pages": pages,
            }
        )
    )


def measure(mode, site):
    run = subprocess.run(
        [sys.executable, __file__, "--worker", mode, str(site)],
        capture_output=True,
        text=True,
        cwd=site,
        check=False,
    )
    if run.returncode != 0:
        sys.exit(f"{mode} build failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def creation_cost(folder, files=300):
    """Microseconds to create one empty file (and to make one folder) in
    ``folder``: on some disks this, not Python, decides a build's time, and
    it can differ tenfold between two folders of one file system.
    """
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    try:
        started = time.perf_counter()
        for i in range(files):
            os.close(os.open(probe / f"f{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        file_us = (time.perf_counter() - started) / files * 1e6
        started = time.perf_counter()
        for i in range(files):
            os.mkdir(probe / f"d{i}")
        folder_us = (time.perf_counter() - started) / files * 1e6
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    return file_us, folder_us


def folder_mb(path):
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def main():  # noqa: RET503 (the exit status of main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles (default 5000)")
    parser.add_argument("--award-rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=2, help="runs of (a) and (b), best kept")
    parser.add_argument(
        "--workdir",
        default=None,
        help="where the sites are built (default: the system's temporary folder)",
    )
    parser.add_argument("--worker", nargs=2, metavar=("MODE", "SITE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)

    from synthetic import make_site

    n = args.n
    with tempfile.TemporaryDirectory(prefix="chapar-bench-", dir=args.workdir) as scratch_name:
        scratch = Path(scratch_name)
        file_us, folder_us = creation_cost(scratch)
        print(
            f"disk: creating a file takes {file_us:.0f} µs, a folder {folder_us:.0f} µs, "
            f"in {scratch}"
        )
        t = time.perf_counter()
        plain = make_site(scratch / "plain", n, plain=True)
        (plain / "plain.py").write_text(PLAIN_SETTINGS)
        (plain / "plain_folders.py").write_text(
            FOLDER_SETTINGS.replace('OUTPUT_PATH = "output"', 'OUTPUT_PATH = "output-folders"')
        )
        full = make_site(scratch / "full", n, award_rows=args.award_rows)
        print(
            f"generated {n} articles, {4 * n} comments, {args.award_rows} award rows "
            f"in {time.perf_counter() - t:.1f} s"
        )

        # (a) and (b) alternate, best of --repeat each: the machine is shared
        # and one slow spell would otherwise decide the ratio.  Each (b)
        # starts with no cache and no output; (c) follows the last (b).
        # The last (b)'s output and cache are moved aside, not deleted: on a
        # disk that discards freed blocks, deleting 25,000 files slows the
        # next seconds of writing, and (b) would pay for its predecessor.
        # They go with the scratch folder, after every measurement.
        runs_a, runs_b = [], []
        for run in range(args.repeat):
            runs_a.append(measure("plain", plain))
            for name in ("cache", "output"):
                if (full / name).exists():
                    (full / name).rename(scratch / f"old-{name}-{run}")
            runs_b.append(measure("full", full))
        a = min(runs_a, key=lambda r: r["seconds"])
        b = min(runs_b, key=lambda r: r["seconds"])
        b0 = measure("nosearch", full)
        a_folders = measure("plain-folders", plain)
        one = next((full / "content/news").rglob("*.md"))
        one.write_text(
            one.read_text(encoding="utf-8").replace("Lead: ", "Lead: ویرایش ", 1), encoding="utf-8"
        )
        c = measure("full", full)
        index_mb = folder_mb(full / "output/pagefind")
        parts = {"fragments": 0, "index chunks": 0, "metadata": 0, "runtime": 0}
        for path in (full / "output/pagefind").rglob("*"):
            if path.is_file():
                part = (
                    "fragments"
                    if path.suffix == ".pf_fragment"
                    else "index chunks"
                    if path.suffix == ".pf_index"
                    else "metadata"
                    if path.suffix in (".pf_meta", ".json")
                    else "runtime"
                )
                parts[part] += path.stat().st_size / 2**20
        shards = len(list((full / "output/pagefind").iterdir()))
        file_us_end, folder_us_end = creation_cost(scratch)

    rows = [("(a) plain Pelican", a), ("(b) full build", b), ("(c) rebuild, 1 changed", c)]
    print(f"\nN = {n} articles")
    print(f"{'build':28} {'seconds':>8} {'ms/article':>11} {'peak MB':>8}")
    for name, r in rows:
        print(f"{name:28} {r['seconds']:8.2f} {1000 * r['seconds'] / n:11.2f} {r['peak_mb']:8.0f}")
    if b["index_seconds"] is not None:
        print(
            f"{'(d) Pagefind indexing':28} {b['index_seconds']:8.2f} "
            f"{1000 * b['index_seconds'] / n:11.2f}"
        )
        added = b["seconds"] - b0["seconds"]
        print(
            f"search: {shards} shards indexed over {b['index_seconds']:.2f} s of wall time, "
            f"beside the rest of the build; it adds {added:.2f} s to (b) "
            f"(b without search: {b0['seconds']:.2f} s), {added * 1000 / n:.2f} s per 1,000 articles"
        )
        print(
            f"index: {index_mb * 1000 / n:.2f} MB per 1,000 articles ({index_mb:.1f} MB in all: "
            + ", ".join(f"{k} {v:.1f} MB" for k, v in parts.items())
            + ")"
        )
    for name, r in rows[1:]:
        if r.get("pages"):
            print(
                f"{name}: {r['pages']['rendered']} pages rendered, "
                f"{r['pages']['reused']} reused from the last build (plugins/chapar_page_cache)"
            )
    print(
        "runs: (a) "
        + ", ".join(f"{r['seconds']:.2f}" for r in runs_a)
        + " s; (b) "
        + ", ".join(f"{r['seconds']:.2f}" for r in runs_b)
        + " s"
    )
    print(
        f"(a') plain Pelican, a folder per article as the SPEC's URLs: "
        f"{a_folders['seconds']:.2f} s; b/a' = {b['seconds'] / a_folders['seconds']:.2f}"
    )
    print(
        f"disk at the end: creating a file takes {file_us_end:.0f} µs, a folder "
        f"{folder_us_end:.0f} µs (at the start: {file_us:.0f} and {folder_us:.0f} µs)"
    )
    print(
        f"ratios: b/a = {b['seconds'] / a['seconds']:.2f}, c/b = {c['seconds'] / b['seconds']:.2f}"
    )


if __name__ == "__main__":
    main()
