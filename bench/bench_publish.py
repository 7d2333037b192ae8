"""Publish benchmark: from a commit to a pushed site, build, gates and push.

    .venv/bin/python bench/bench_publish.py               # N=5,000
    .venv/bin/python bench/bench_publish.py -n 1000 --workdir /dev/shm

On the synthetic site (bench/synthetic.py, stories of 500 to 1,500 words, 4
comments each), each step in its own process (for peak memory), as
``invoke publish`` runs it (publishconf.py, the page cache, the gates of
chapar.publishing.changed, a push to a local bare repository):

(p) a cold full publish: no cache, no output, every gate on every page;
(q) one article's text changed, with the cache and gate record of (p);
(r) one comment added;
(s) one new article;

and (a) plain Pelican's full build of the same articles (default theme, no
plugins, Gregorian dates), for the ratios.  Prints wall seconds per phase
(build, each gate, push), pages rendered and reused, pages checked, peak
memory, output size and file count, and each of (q), (r), (s) over (a).
``--no-browser`` leaves axe-core out.  A measurement, not a test.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITEURL = "https://news.example.ir"


def timed(phases, name, func, *args, **kwargs):
    started = time.perf_counter()
    result = func(*args, **kwargs)
    phases[name] = time.perf_counter() - started
    return result


def publish_worker(site, browser):
    """One publish of ``site`` in this process; prints its figures as JSON."""
    from chapar.build import runner
    from chapar.cli.moderation import collect, news_sources
    from chapar.comments.withheld import Collected
    from chapar.publishing import changed, gates, publish_folder

    os.chdir(site)
    phases = {}
    overrides = {"SITEURL": SITEURL, "FEED_DOMAIN": SITEURL}
    with Collected() as reported:  # the withheld texts, as invoke publish takes them
        out = timed(
            phases,
            "build",
            runner.build,
            site / "publishconf.py",
            output=site / "output",
            **overrides,
        )
    import chapar_page_cache as page_cache

    pages = {k: page_cache.LAST_BUILD.get(k) for k in ("rendered", "reused")}

    def whole_site():
        started = time.perf_counter()
        news = news_sources(site / "content/news")
        rows, _problems = collect(site, news)
        texts = gates.withheld_texts(rows, news.values())
        phases["withheld texts, whole site"] = time.perf_counter() - started
        return texts

    withheld = reported.texts
    phases["withheld texts, whole site"] = 0.0  # asked only when a text is found

    # Each gate timed: wrap the functions the changed-gates module calls.
    def wrap(module, name, label):
        real = getattr(module, name)

        def timed_gate(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0) + time.perf_counter() - started

        setattr(module, name, timed_gate)

    wrap(changed, "vnu_errors", "gate html")
    wrap(changed, "broken_links", "gate links")
    wrap(changed, "budget_problems", "gate budgets")
    wrap(changed.gates, "leaked_emails", "gate privacy")
    wrap(changed.gates, "leaked_texts", "gate privacy")
    wrap(changed.gates, "feed_problems", "gate feeds")
    wrap(changed.gates, "axe_problems", "gate accessibility")
    wrap(changed, "digests", "gates: digests")
    # The full path goes through gates.run_gates, which calls its own imports.
    gates.vnu_errors, gates.broken_links, gates.budget_problems = (
        changed.vnu_errors,
        changed.broken_links,
        changed.budget_problems,
    )
    started = time.perf_counter()
    results, summary = changed.run_changed_gates(
        out,
        SITEURL,
        secrets=withheld,
        confirm=gates.confirming(whole_site),
        state=site / "cache" / "gates.json",
        site_fingerprint="bench",
        browser=browser,
    )
    phases["gates (all)"] = time.perf_counter() - started
    failed = {gate: problems[:3] for gate, problems in results.items() if problems}
    commit = timed(
        phases,
        "push",
        publish_folder,
        out,
        str(site.parent / "remote.git"),
        "gh-pages",
        "bench",
        repo=site,
        keep=site / "cache" / "publish.git",  # as invoke publish keeps it
    )
    files = [p for p in out.rglob("*") if p.is_file()]
    print(
        json.dumps(
            {
                "phases": phases,
                "pages": pages,
                "gates": summary,
                "failed": failed,
                "pushed": bool(commit),
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "output_mb": sum(p.stat().st_size for p in files) / 2**20,
                "files": len(files),
            }
        )
    )


def plain_worker(site):
    from pelican import Pelican
    from pelican.settings import read_settings

    os.chdir(site)
    started = time.perf_counter()
    Pelican(read_settings(str(site / "plain.py"))).run()
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure(*args):
    run = subprocess.run(
        [sys.executable, __file__, "--worker", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if run.returncode != 0:
        sys.exit(f"{args[0]} failed:\n{run.stderr[-3000:]}")
    return json.loads(run.stdout.strip().splitlines()[-1])


def total_seconds(figures):
    """Build, withheld texts, all gates and push: what the step waited for."""
    return sum(v for k, v in figures["phases"].items() if not k.startswith(("gate ", "gates:")))


def targets(n, plain, steps):
    """Issue 20's targets, each with its verdict, as lines."""
    seconds = plain["seconds"]
    lines = []
    for label in ("q", "r", "s"):
        ratio = total_seconds(steps[label]) / seconds
        verdict = "met" if ratio <= 0.25 else "not met"
        lines.append(f"({label}) {ratio:.2f}× plain, target ≤ 0.25×: {verdict}")
    cold = steps["p"]
    ratio = total_seconds(cold) / seconds
    memory = cold["peak_mb"]
    verdict = "met" if ratio <= 3 and memory <= 1536 else "not met"
    lines.append(
        f"(p) {ratio:.2f}× plain and {memory:.0f} MB, target (at 20,000) ≤ 3× and ≤ 1.5 GB: "
        f"{verdict}{'' if n == 20000 else f' (here at {n:,})'}"
    )
    failed = [label for label, figures in steps.items() if figures["failed"]]
    lines.append(
        "every story passed every gate: "
        + ("yes" if not failed else f"no, in ({', '.join(failed)})")
    )
    return lines


def report(label, figures, plain_seconds):
    phases = figures["phases"]
    total = total_seconds(figures)
    print(f"({label}) {total:7.1f} s  = {total / plain_seconds:.2f}× plain Pelican's full build")
    print("      " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    g = figures["gates"]
    print(
        f"      pages rendered {figures['pages'].get('rendered')}, reused "
        f"{figures['pages'].get('reused')}; gates {'full' if g['full'] else 'changed only'}: "
        f"checked {g['checked pages']} of {g['pages']} pages ({g['changed']} files changed, "
        f"{g['removed']} removed); peak {figures['peak_mb']:.0f} MB; output "
        f"{figures['output_mb']:.0f} MB in {figures['files']} files; "
        f"{'pushed' if figures['pushed'] else 'nothing to push'}"
    )
    if figures["failed"]:
        print(f"      GATES FAILED: {figures['failed']}")


def main():  # noqa: RET503 (the exit status of main)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5000, help="articles (default 5000)")
    parser.add_argument("--award-rows", type=int, default=50_000)
    parser.add_argument("--workdir", default=None, help="where the sites are built")
    parser.add_argument("--no-browser", action="store_true", help="leave axe-core out")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        mode, site = args.worker[0], Path(args.worker[1])
        if mode == "plain":
            return plain_worker(site)
        from chapar.build import runner

        with runner.deferred_cleanup():  # as invoke publish: the old site deleted at the end
            return publish_worker(site, browser=args.worker[2] == "browser")

    sys.path.insert(0, str(ROOT / "bench"))
    import random

    from bench_site import PLAIN_SETTINGS  # plain Pelican, as bench_site.py builds it
    from synthetic import article_text, make_site

    with tempfile.TemporaryDirectory(prefix="chapar-publish-", dir=args.workdir) as scratch_name:
        scratch = Path(scratch_name)
        started = time.perf_counter()
        plain = make_site(scratch / "plain", args.n, plain=True, paragraphs=(5, 15))
        (plain / "plain.py").write_text(PLAIN_SETTINGS)
        site = make_site(scratch / "site", args.n, award_rows=args.award_rows, paragraphs=(5, 15))
        subprocess.run(["git", "init", "-q", "--bare", str(scratch / "remote.git")], check=True)
        print(f"generated {args.n} articles in {time.perf_counter() - started:.1f} s, in {scratch}")
        a = measure("plain", plain)
        print(f"(a) plain Pelican, full build: {a['seconds']:.1f} s, peak {a['peak_mb']:.0f} MB")
        browser = "no-browser" if args.no_browser else "browser"
        steps = {"p": measure("publish", site, browser)}
        report("p", steps["p"], a["seconds"])

        article = next((site / "content/news").rglob("*.md"))
        text = article.read_text("utf-8")
        article.write_text(text.rstrip("\n") + " این جمله تازه است.\n", "utf-8")
        steps["q"] = measure("publish", site, browser)
        report("q", steps["q"], a["seconds"])

        code = article.stem
        comment = site / "content/comments" / code / "c9.md"
        comment.write_text(
            "Author: خواننده تازه\nDate: 1403/01/09 10:00\n\nاین خبر برای مردم استان مهم است.\n",
            "utf-8",
        )
        steps["r"] = measure("publish", site, browser)
        report("r", steps["r"], a["seconds"])

        new_code = 100_000 + args.n
        year = 1403
        new = site / "content/news" / str(year) / f"{new_code}.md"
        new.parent.mkdir(exist_ok=True)
        new.write_text(article_text(random.Random(new_code), new_code, year), "utf-8")
        steps["s"] = measure("publish", site, browser)
        report("s", steps["s"], a["seconds"])
        print("targets:")
        for line in targets(args.n, a, steps):
            print(f"  {line}")
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
