#!/usr/bin/env python
"""Benchmark: what award data of a given size adds to a build.

Generates agencies, festivals and award rows (agencies named by id, name or
alias, like editors do), builds the project's site with them and with only
the project's own award data, each in a fresh subprocess, and prints the
extra seconds, rows per second, peak memory (RSS of the build process) and
the per-row cost (CPU seconds, steadier than wall time on a shared
machine, and wall seconds) at a small and at the full size.  Agencies and festivals
scale with the rows (default 100,000 rows, 2,000 agencies, 40 festivals),
so the per-row cost compares like with like.

    .venv/bin/python bench/bench_awards.py [--rows 100000] [--small 20000] [--repeat 2]

Not a test: it prints figures.  Targets: at most 10 s added and
600 MB peak at 100,000 rows; per-row cost at 20,000 and 100,000 rows within
1.3x of each other.
"""

import argparse
import csv
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = (
    "امور",
    "توسعه",
    "منابع",
    "راه",
    "شهرسازی",
    "بهزیستی",
    "ورزش",
    "جوانان",
    "فرهنگ",
    "ارشاد",
    "میراث",
    "گردشگری",
    "صنعت",
    "معدن",
    "تجارت",
    "آب",
    "برق",
    "پست",
    "گمرک",
    "محیط",
    "زیست",
    "بنادر",
    "کتابخانه",
    "دامپزشکی",
    "شیلات",
    "پژوهش",
    "ثبت",
    "اسناد",
)
CATEGORIES = [f"شاخص {w} {i}" for i, w in enumerate(WORDS * 3)][:60]
GROUPS = [
    "",
    "گروه عمومی",
    "گروه اقتصادی",
    "گروه زیربنایی",
    "گروه اجتماعی",
    "گروه فرهنگی",
    "گروه شرکت‌ها",
    "گروه حمایتی",
    "گروه تخصصی",
]
AWARDS = ("برتر", "برگزیده", "عنوان نخست", "رتبه دوم", "رتبه سوم")
PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

BUILD = """
import json, resource, sys, time
from chapar.build import runner

def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime

start, start_cpu = time.perf_counter(), cpu()
runner.build({settings!r}, output={output!r}, CACHE_CONTENT=False, LOAD_CONTENT_CACHE=False, **{overrides!r})
print(json.dumps({{"seconds": time.perf_counter() - start, "cpu": cpu() - start_cpu,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def read_rows(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path, rows, columns):
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns)
        writer.writeheader()
        writer.writerows(rows)


def generate(folder, rows, seed=1397):
    """The project's award data plus synthetic data of ``rows`` award rows."""
    rng = random.Random(seed)
    n_agencies, n_festivals = max(rows // 50, 2), max(rows // 2500, 1)
    real = ROOT / "data" / "awards"
    agencies = read_rows(real / "agencies.csv")
    festivals = read_rows(real / "festivals.csv")
    awards = read_rows(real / "awards.csv")
    synthetic = []
    for i in range(n_agencies):
        a, b = rng.sample(WORDS, 2)
        number = str(i + 1).translate(PERSIAN)
        synthetic.append(
            {
                "id": f"agency-{i + 1}",
                "name": f"اداره کل {a} و {b} {number}",
                "aliases": f"{a} {b} {number}",
                "province": "خراسان شمالی",
                "website": "",
            }
        )
    agencies += synthetic
    for i in range(n_festivals):
        festivals.append(
            {
                "id": f"festival-{i + 1}",
                "title": f"جشنواره آزمایشی {i + 1}",
                "year": str(1380 + i % 25),
                "province": "خراسان شمالی",
                "held_on": "",
                "news_code": "",
                "honored_employees": str(rng.randint(5, 60)),
            }
        )
    seen = set()
    while len(seen) < rows:
        festival = f"festival-{rng.randint(1, n_festivals)}"
        agency = rng.choice(synthetic)
        group, category, award = rng.choice(GROUPS), rng.choice(CATEGORIES), rng.choice(AWARDS)
        key = (festival, agency["id"], group, category, award)
        if key in seen:
            continue
        seen.add(key)
        how = rng.random()  # editors name agencies by id, name or alias
        name = agency["id"] if how < 0.7 else agency["name"] if how < 0.9 else agency["aliases"]
        awards.append(
            {
                "festival": festival,
                "agency": name,
                "group": group,
                "category": category,
                "award": award,
                "note": "",
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    write_rows(folder / "agencies.csv", agencies, ["id", "name", "aliases", "province", "website"])
    write_rows(
        folder / "festivals.csv",
        festivals,
        ["id", "title", "year", "province", "held_on", "news_code", "honored_employees"],
    )
    write_rows(
        folder / "awards.csv", awards, ["festival", "agency", "group", "category", "award", "note"]
    )
    return n_agencies, n_festivals


def make_site(base):
    site = base / "site"
    site.mkdir()
    for name in ("pelicanconf.py", "publishconf.py"):
        shutil.copy(ROOT / name, site / name)
    for name in ("theme", "plugins", "content"):
        (site / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "data", site / "data")
    return site


def build(site, repeat, overrides):
    """Best of ``repeat`` fresh builds: {seconds, cpu, peak_mb} (peak: the largest)."""
    runs = []
    for i in range(repeat):
        output = site / f"out-{i}"
        code = BUILD.format(
            plugins=str(ROOT / "plugins"),
            settings=str(site / "pelicanconf.py"),
            output=str(output),
            overrides=overrides,
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=site, capture_output=True, text=True, check=False
        )
        if done.returncode:
            sys.exit(f"build failed:\n{done.stderr[-3000:]}")
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        shutil.rmtree(output, ignore_errors=True)
    return {
        "seconds": min(r["seconds"] for r in runs),
        "cpu": min(r["cpu"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--no-search",
        action="store_true",
        help="leave the search index out (SEARCH enabled=False) of both builds",
    )
    args = parser.parse_args()
    overrides = {"SEARCH": {"enabled": False}} if args.no_search else {}
    with tempfile.TemporaryDirectory(prefix="bench-awards-") as tmp:
        site = make_site(Path(tmp))
        base = build(site, args.repeat, overrides)
        print(
            f"baseline (project data only): {base['seconds']:.2f} s wall, {base['cpu']:.2f} s CPU, "
            f"peak {base['peak_mb']:.0f} MB"
        )
        per_row, per_row_wall = {}, {}
        for rows in (args.small, args.rows):
            agencies, festivals = generate(site / "data" / "awards", rows)
            run = build(site, args.repeat, overrides)
            extra, extra_cpu = run["seconds"] - base["seconds"], run["cpu"] - base["cpu"]
            per_row[rows] = extra_cpu / rows
            per_row_wall[rows] = extra / rows
            print(
                f"{rows:>7} rows, {agencies} agencies, {festivals} festivals: "
                f"{run['seconds']:.2f} s wall (+{extra:.2f} s), {run['cpu']:.2f} s CPU "
                f"(+{extra_cpu:.2f} s), {rows / max(extra, 1e-9):,.0f} rows/s, "
                f"{per_row[rows] * 1e6:.1f} µs CPU/row, peak {run['peak_mb']:.0f} MB"
            )
        ratio = per_row[args.rows] / per_row[args.small]
        print(
            f"per-row CPU cost, {args.rows} vs {args.small} rows: {ratio:.2f}x "
            "(CPU counts the pagefind processes too: with search, their threads"
        )
        print(
            "  spend more CPU when several shards are indexed at once, for the same wall time;"
            " --no-search shows the awards alone)"
        )
        wall = per_row_wall[args.rows] / per_row_wall[args.small]
        print(f"per-row wall time, {args.rows} vs {args.small} rows: {wall:.2f}x")


if __name__ == "__main__":
    main()
