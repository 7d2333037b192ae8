"""Comment intake benchmark: accepted comments per second and latency.

    .venv/bin/python bench/bench_intake.py                 # 3,000 posts, 20 clients
    .venv/bin/python bench/bench_intake.py -n 500 --clients 5 --no-keepalive
    .venv/bin/python bench/bench_intake.py -n 1000 --compare-desk 5   # with/without the desk

Builds a throw-away site in a temporary folder (the project's rules, the
seed article and ``--articles`` others, each with ``--existing`` comments),
starts the real service (``python -m chapar.intake``) on a free 127.0.0.1 port and
posts from ``--clients`` concurrent clients (threads, keep-alive unless told
otherwise), every post a distinct on-topic Persian comment as JSON.  Prints
accepted/s, p50/p90/p99/max latency, and checks that every accepted comment
is on disk, whole and valid (zero lost).  Target on 2 cores: at least 300/s,
p99 under 100 ms.  Loopback only, bounded by ``-n`` and ``--timeout``.
``--compare-desk PAIRS`` runs the service with and without the moderators'
desk (its hidden ``--no-desk``) in turn, each run on a new site, and prints
the median comments/s of each and the median of the pairs' ratios.
A measurement, not a test.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the test suite's helpers drive it

from chapar.cli import moderation as cli
from chapar.comments import store
from intake_support import on_topic

ORIGIN = "http://127.0.0.1:8000"
SEED = 4385870
ARTICLE = (
    "Title: استاندار خراسان شمالی از دولت الکترونیک گفت\nDate: 1397/06/06 10:00\n"
    "NewsCode: {code}\n\n"
    "استاندار خراسان شمالی گفت اجرای کامل دولت الکترونیک در دستگاه‌های اجرایی استان "
    "رضایتمندی مردم را بیشتر می‌کند و شفافیت ادارات را افزایش می‌دهد.\n"
)


def make_site(folder, articles, existing):
    shutil.copytree(ROOT / "data" / "moderation", folder / "data" / "moderation")
    news = folder / "content" / "news"
    news.mkdir(parents=True)
    shutil.copy(ROOT / "content/news/1397/4385870.md", news / "4385870.md")
    codes = [str(SEED)] + [str(2000000 + k) for k in range(articles)]
    for code in codes[1:]:
        (news / f"{code}.md").write_text(ARTICLE.format(code=code), encoding="utf-8")
    for code in codes:
        folder_c = folder / "content" / "comments" / code
        folder_c.mkdir(parents=True)
        for k in range(existing):
            (folder_c / f"old-{k}.md").write_text(
                f"Author: خواننده\nDate: 1397/06/06 11:{k % 60:02d}\n\n{on_topic(10**9 + k)}\n",
                encoding="utf-8",
            )
    return codes


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(folder, port, desk=True):
    """The service on ``port`` for the site in ``folder`` (``desk=False``: ``--no-desk``)."""
    log = open(folder / "intake.log", "wb")  # noqa: SIM115 (the child writes to it while it runs)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "chapar.intake",
            "--root",
            str(folder),
            "--port",
            str(port),
            "--site-url",
            ORIGIN,
            "--rate-limit",
            "0",
            *([] if desk else ["--no-desk"]),
        ],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    sys.exit("intake did not start: see " + str(folder / "intake.log"))


def client(port, jobs, keepalive, latencies, accepted, errors, deadline):
    conn = None
    for i, code in jobs:
        if time.monotonic() > deadline:
            errors.append("timeout")
            return
        body = json.dumps({"name": "خواننده", "text": on_topic(i)}).encode()
        headers = {
            "Origin": ORIGIN,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        if not keepalive:
            headers["Connection"] = "close"
        t0 = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("POST", f"/comments/{code}", body, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            errors.append(repr(exc))
            conn = None
            continue
        latencies.append(time.perf_counter() - t0)
        if not keepalive:
            conn.close()
            conn = None
        if response.status == 202:
            accepted.append((code, json.loads(data)["id"], on_topic(i)))
        else:
            errors.append(f"{response.status} {data[:200]!r}")


def run(port, codes, count, clients, keepalive, timeout, offset):
    jobs = [(offset + i, codes[i % len(codes)]) for i in range(count)]
    latencies, accepted, errors = [], [], []
    deadline = time.monotonic() + timeout
    threads = [
        threading.Thread(
            target=client,
            args=(port, jobs[k::clients], keepalive, latencies, accepted, errors, deadline),
        )
        for k in range(clients)
    ]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, latencies, accepted, errors


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def measure(args, count, desk=True):
    """One measured run on a new site: ``(figures dict, lost, file problems)``."""
    folder = Path(tempfile.mkdtemp(prefix="bench-intake-"))
    try:
        codes = make_site(folder, args.articles, args.existing)
        port = free_port()
        proc = start(folder, port, desk)
        try:
            run(port, codes, min(200, count), args.clients, True, 30, 10**8)  # warm-up
            elapsed, latencies, accepted, errors = run(
                port, codes, count, args.clients, not args.no_keepalive, args.timeout, 0
            )
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        by_code, problems = store.read_all(
            folder / "content/comments", cli.news_sources(folder / "content/news")
        )
        on_disk = {(c.news_code, c.id): c.body for cs in by_code.values() for c in cs}
        lost = [a for a in accepted if on_disk.get((a[0], a[1])) != a[2]]
        figures = {
            "codes": codes,
            "elapsed": elapsed,
            "latencies": latencies,
            "accepted": accepted,
            "errors": errors,
            "rate": len(accepted) / elapsed,
        }
        return figures, lost, problems
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def compare_desk(args, count):
    """``--compare-desk N``: N pairs of runs, with and without the desk, in turn; the medians."""
    with_desk, without, ratios = [], [], []
    for k in range(args.compare_desk):
        order = (True, False) if k % 2 == 0 else (False, True)  # neither always first
        rates = {}
        for desk in order:
            figures, lost, problems = measure(args, count, desk)
            bad = len(figures["errors"]) + len(lost) + len(problems)
            rates[desk] = figures["rate"]
            print(
                f"  pair {k + 1}: {'with' if desk else 'without'} the desk "
                f"{figures['rate']:.0f} comments/s"
                + (f" ({bad} errors, lost or broken)" if bad else ""),
                flush=True,
            )
        with_desk.append(rates[True])
        without.append(rates[False])
        ratios.append(rates[True] / rates[False])
    print(
        f"intake with and without the desk: {args.compare_desk} pairs of {count} posts, "
        f"{args.clients} clients, {os.cpu_count()} CPUs"
    )
    print(f"  with the desk     median {statistics.median(with_desk):.0f} comments/s")
    print(f"  without the desk  median {statistics.median(without):.0f} comments/s")
    print(
        f"  ratio with/without, pair by pair: median {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f})"
    )


def main():
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--count", type=int, default=3000, help="posts measured (max 20000)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--articles", type=int, default=9, help="articles besides the seed")
    parser.add_argument("--existing", type=int, default=50, help="comments already on each article")
    parser.add_argument("--no-keepalive", action="store_true", help="a new connection per post")
    parser.add_argument("--timeout", type=float, default=120, help="seconds, at most")
    parser.add_argument(
        "--no-desk", action="store_true", help="the service without the moderators' desk"
    )
    parser.add_argument(
        "--compare-desk",
        type=int,
        default=0,
        metavar="PAIRS",
        help="PAIRS runs with and without the desk, in turn: the medians and the ratio",
    )
    args = parser.parse_args()
    count = min(args.count, 20000)
    if args.compare_desk:
        compare_desk(args, count)
        return
    figures, lost, problems = measure(args, count, desk=not args.no_desk)
    codes, elapsed, latencies = figures["codes"], figures["elapsed"], figures["latencies"]
    accepted, errors = figures["accepted"], figures["errors"]
    cpus = os.cpu_count()
    print(
        f"intake: {count} posts, {args.clients} clients, "
        f"{'new connection each' if args.no_keepalive else 'keep-alive'}, "
        f"{len(codes)} articles with {args.existing} comments each, {cpus} CPUs"
        + (", without the desk" if args.no_desk else "")
    )
    print(
        f"  accepted      {len(accepted)} in {elapsed:.2f} s = {len(accepted) / elapsed:.0f} comments/s"
    )
    if latencies:
        ms = [v * 1000 for v in latencies]
        print(
            f"  latency (ms)  p50 {percentile(ms, 50):.1f}  p90 {percentile(ms, 90):.1f}  "
            f"p99 {percentile(ms, 99):.1f}  max {max(ms):.1f}  mean {statistics.fmean(ms):.1f}"
        )
    print(f"  errors        {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
    print(
        f"  lost          {len(lost)} (accepted but not on disk whole); "
        f"file problems {len(problems)}"
    )
    ok = (
        len(accepted) / elapsed >= 300
        and latencies
        and percentile(latencies, 99) < 0.1
        and not lost
        and not errors
        and not problems
    )
    print(f"  target (>=300/s, p99 < 100 ms, zero lost): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
