"""Hostile-input benchmark: what pathological comments, a crowd of comments,
XSS vectors in every field, killing the intake service and bad files cost
or break.

    .venv/bin/python bench/bench_hostile.py               # best of 3 alternating runs
    .venv/bin/python bench/bench_hostile.py --repeat 5 --skip browser,kill

Prints, each with its target:
(1) a small newsroom (tests/theme_support.py's 23 items and one article for
    comments) built with and without 20 pathological comments (a Persian
    sentence then 2,880 ``[``, and the other shapes of
    tests/hostile_support.py: open images and links, nested brackets, ...):
    target with/without <= 1.2;
(2) one article with 1,000 and with 10,000 comments: target 10k/1k <= 2,
    and the article's first page against its page-weight budget
    (chapar/checks/budgets.py);
(3) the hostile suite's fixture site (every field carrying the comment
    tests' vectors) opened page by page in chromium with the recorder,
    and parsed: target 0 vectors run, 0 injected elements;
(4) bench/intake_kill.py's ``kill_runs`` (when present), 3 runs of each
    kill mode: target 0 acknowledged comments lost;
(5) each bad input of tests/hostile_support.py: target every one stops
    the build with ``path:line: message``.
Builds run in their own processes, (1) and (2) alternating, best of
--repeat; in a tmpfs when there is one (steadier than a disk: writeback stalls no build there).
A measurement, not a test: it reports failures and carries on.
"""

import argparse
import contextlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]  # the test suite's helpers (and tasks.py) drive it

PATHOLOGICAL = 20
SMALL, LARGE = 1_000, 10_000


def worker(site, output):
    """One clean build of ``site`` in this process: prints its seconds (or the failure)."""
    import logging

    from chapar.build import runner

    logging.disable(logging.WARNING)
    os.chdir(site)
    started = time.perf_counter()
    try:
        runner.build(
            Path(site) / "pelicanconf.py",
            output=output,
            CACHE_CONTENT=False,
            LOAD_CONTENT_CACHE=False,
        )
    except Exception as exc:  # reported, not raised: the bench goes on
        print(json.dumps({"error": f"{type(exc).__name__}: {str(exc)[:300]}"}))
        return
    print(json.dumps({"seconds": time.perf_counter() - started}))


def timed_build(site):
    """Seconds of a clean build of ``site`` in a new process (no cache, no
    previous output to reuse), or the error it ended with.
    """
    for name in ("cache", "output"):
        shutil.rmtree(site / name, ignore_errors=True)
    run = subprocess.run(
        [sys.executable, __file__, "--worker", str(site), str(site / "output")],
        capture_output=True,
        text=True,
        cwd=site,
        check=False,
    )
    lines = run.stdout.strip().splitlines()
    if run.returncode or not lines:
        return {"error": (run.stderr or "no output")[-300:]}
    return json.loads(lines[-1])


def alternate(sites, repeat):
    """``{name: best result}``: the sites built in turn, ``repeat`` rounds."""
    runs = {name: [] for name in sites}
    for _ in range(repeat):
        for name, site in sites.items():
            runs[name].append(timed_build(site))
    best = {}
    for name, results in runs.items():
        good = [r["seconds"] for r in results if "seconds" in r]
        best[name] = {"seconds": min(good), "runs": good} if good else results[-1]
    return best


def newsroom(folder, comments):
    """tests/theme_support.py's corpus plus article 5 with ``comments`` bodies."""
    from hostile_support import comment_site
    from theme_support import corpus

    folder.mkdir(parents=True)
    site = comment_site(folder, comments)
    for rel, text in corpus().items():
        path = site / "content/news" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def show(name, result):
    if "seconds" in result:
        runs = ", ".join(f"{s:.2f}" for s in result["runs"])
        return f"{name}: {result['seconds']:.2f} s (runs {runs})"
    return f"{name}: FAILED {result['error']}"


def ratio(a, b):
    if "seconds" in a and "seconds" in b:
        return a["seconds"] / b["seconds"]
    return None


def verdict(ok):
    return "meets the target" if ok else "MISSES the target"


def bench_pathological(scratch, repeat):
    from hostile_support import SENTENCE, SHAPES, pathological

    shapes = list(SHAPES)
    bodies = [pathological(shapes[i % len(shapes)], 2880) for i in range(PATHOLOGICAL)]
    sites = {
        "without": newsroom(scratch / "plain", [SENTENCE]),
        "with": newsroom(scratch / "pathological", [SENTENCE, *bodies]),
    }
    best = alternate(sites, repeat)
    print(
        f"\n(1) {PATHOLOGICAL} pathological comments ({', '.join(shapes)}; 2,880 characters "
        f"after a Persian sentence), 24 news items"
    )
    print("   " + show("without them", best["without"]))
    print("   " + show("with them", best["with"]))
    r = ratio(best["with"], best["without"])
    if r is not None:
        print(f"   with/without = {r:.2f} (target <= 1.2): {verdict(r <= 1.2)}")


def bench_crowd(scratch, repeat):
    from chapar.checks.budgets import DEFAULTS, page_weight
    from hostile_support import SENTENCE

    sites = {
        n: newsroom(scratch / f"crowd-{n}", [f"{SENTENCE}، نظر {i}" for i in range(1, n + 1)])
        for n in (SMALL, LARGE)
    }
    best = alternate(sites, repeat)
    print(f"\n(2) {SMALL:,} and {LARGE:,} comments on one article")
    for n in (SMALL, LARGE):
        print("   " + show(f"{n:,} comments", best[n]))
    r = ratio(best[LARGE], best[SMALL])
    if r is not None:
        print(f"   {LARGE // 1000}k/{SMALL // 1000}k = {r:.2f} (target <= 2): {verdict(r <= 2)}")
    timed_build(sites[LARGE])  # its output, for the page weight
    page = sites[LARGE] / "output/news/5/index.html"
    if page.is_file():
        weight = page_weight(sites[LARGE] / "output", "news/5/index.html")
        limits = {
            "html": DEFAULTS["html_overhead_limit"],
            "css": DEFAULTS["css_limit"],
            "scripts": DEFAULTS["script_limit"],
        }
        shown = page.read_text(encoding="utf-8").count('id="comment-')
        print(
            f"   first page with {LARGE:,} comments: {page.stat().st_size:,} bytes, {shown:,} "
            f"comments on it; gzipped: "
            + ", ".join(f"{part} {weight[part]:,} of {limits[part]:,}" for part in limits)
            + f" bytes: {verdict(all(weight[p] <= limits[p] for p in limits))}"
        )


def bench_vectors(scratch):
    import logging

    from playwright.sync_api import sync_playwright

    from chapar.checks.serve import launch_chromium
    from hostile_support import (
        ALL_VECTORS,
        FIELDS,
        browse_all,
        build_hostile_site,
        by_field,
        feed_findings,
        field_of,
        html_pages,
        make_hostile_site,
        parsed_findings,
        static_findings,
    )

    logging.disable(logging.WARNING)  # Pelican's chatter; errors still fail the build
    (scratch / "vectors").mkdir()
    site, answers = make_hostile_site(scratch / "vectors")
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Pelican's summary line
            output = build_hostile_site(site)
    except Exception as exc:
        print(
            f"\n(3) the hostile fixture site does not build: {type(exc).__name__}: {str(exc)[:500]}"
        )
        return
    pages = html_pages(output)
    print(
        f"\n(3) {len(ALL_VECTORS)} vectors in each of {len(FIELDS)} fields "
        f"({len(answers)} intake posts: "
        f"{sum(s in (202, 303) for s in answers.values())} written), {len(pages)} pages"
    )
    started = time.perf_counter()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            hits, dom = browse_all(output, browser)
            parsed = parsed_findings(output, browser)
        finally:
            browser.close()
    seconds = time.perf_counter() - started

    def fields(findings):
        grouped = by_field(findings)
        return ", ".join(f"{f} {len(v)}" for f, v in sorted(grouped.items())) or "none"

    ran = {label for _, label in hits}
    print(
        f"   chromium ({seconds:.0f} s for every page): {len(ran)} distinct vectors ran "
        f"(target 0): {verdict(not ran)}"
    )
    if ran:
        by = {}
        for label in ran:
            by.setdefault(field_of(label), []).append(label)
        print("     by field: " + ", ".join(f"{f} {len(v)}" for f, v in sorted(by.items())))
    live = [f for found in dom.values() for f in found]
    print(
        f"   live DOM: {len(live)} on* attributes or script URLs (target 0); fields: {fields(live)}"
    )
    print(
        f"   chromium's parser: {len(parsed)} injected elements or attributes (target 0); "
        f"fields: {fields([f for _, f in parsed])}"
    )
    static = static_findings(output)
    print(
        f"   HTML parsed in Python: {len(static)} (target 0); fields: "
        f"{fields([f for _, f in static])}"
    )
    feeds = feed_findings(output)
    print(
        f"   feeds and sitemaps: {len(feeds)} (target 0); fields: {fields([f for _, f in feeds])}"
    )


def bench_kill(runs):
    print(f"\n(4) intake git mode killed, {runs} runs of each mode")
    try:
        import intake_kill
    except ImportError:
        print("   not available (bench/intake_kill.py with kill_runs(mode, runs) is not here)")
        return
    kill_runs = getattr(intake_kill, "kill_runs", None)
    if kill_runs is None:
        print("   not available (bench/intake_kill.py has no kill_runs)")
        return
    modes = getattr(intake_kill, "MODES", None) or ("service", "group")
    for mode in modes:
        try:
            result = kill_runs(mode, runs)
        except Exception as exc:
            print(f"   {mode}: FAILED {type(exc).__name__}: {str(exc)[:200]}")
            continue
        acknowledged, lost = result.get("acknowledged"), result.get("lost")
        lost_count = len(lost) if isinstance(lost, (list, set, tuple)) else lost
        acked = len(acknowledged) if isinstance(acknowledged, (list, set, tuple)) else acknowledged
        print(
            f"   {mode}: {acked} acknowledged, {lost_count} lost (target 0): "
            f"{verdict(lost_count == 0)}"
        )


def bench_bad_inputs(scratch):
    import logging

    from hostile_support import BAD_INPUTS, run_bad_input

    print("\n(5) bad inputs: each must stop the build with path:line: message")
    good = 0
    logging.disable(logging.WARNING)  # Pelican's own chatter; errors still reach the build
    for n, (what, expected, make) in enumerate(BAD_INPUTS):
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                ok, said = run_bad_input(scratch / f"bad-{n}", expected, make)
        except Exception:
            ok, said = False, traceback.format_exc(limit=1).strip().splitlines()[-1]
        good += ok
        print(f"   {'ok  ' if ok else 'FAIL'} {what}: {said}")
    print(
        f"   {good}/{len(BAD_INPUTS)} give path:line (target all): "
        f"{verdict(good == len(BAD_INPUTS))}"
    )


def main():  # noqa: RET503 (the exit status of main)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="alternating builds, best kept")
    parser.add_argument("--kill-runs", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: cost,crowd,browser,kill,bad")
    parser.add_argument("--workdir", default="/dev/shm" if os.path.isdir("/dev/shm") else None)
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(*args.worker)
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="chapar-hostile-", dir=args.workdir) as scratch_name:
        scratch = Path(scratch_name)
        print(f"builds in {scratch}, best of {args.repeat} alternating runs")
        steps = [
            ("cost", lambda: bench_pathological(scratch, args.repeat)),
            ("crowd", lambda: bench_crowd(scratch, args.repeat)),
            ("browser", lambda: bench_vectors(scratch)),
            ("kill", lambda: bench_kill(args.kill_runs)),
            ("bad", lambda: bench_bad_inputs(scratch)),
        ]
        for name, step in steps:
            if name in skip:
                continue
            try:
                step()
            except Exception:
                print(f"   {name}: the measurement itself failed:\n{traceback.format_exc(limit=3)}")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
