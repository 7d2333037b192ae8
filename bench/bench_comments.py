"""Comments benchmark: 50,000 comments over 5,000 articles.

    .venv/bin/python bench/bench_comments.py               # 5,000 articles, 10 comments each
    .venv/bin/python bench/bench_comments.py -n 500 --no-build

Writes a synthetic site (seeded: Persian comments on and off topic, replies,
Finglish, Arabic, insults, links, duplicates) into a temporary folder, then
prints: reading and validating the comment files; moderation (target at
least 10,000 comments/s); rendering the published threads (Markdown + nh3);
peak memory of that pass; the build's whole pass (chapar/comments/sitepass.run:
reading, moderation, bodies and thread HTML, no cache); and the full project
build of the same articles without comments, with them (the pass in a worker
process, as a site this large builds by default), and with them in the build's
own process (COMMENTS = {"worker": False}), each build in its own process with its
wall and CPU time (the build's and its children's), best of two (target: the
comments add at most 20%).  A measurement, not a test.
"""

import argparse
import logging
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

WORDS = [
    "استان",
    "دولت",
    "مردم",
    "خدمت",
    "اداره",
    "جشنواره",
    "ارزیابی",
    "دستگاه",
    "اجرایی",
    "شاخص",
    "توسعه",
    "الکترونیک",
    "رضایتمندی",
    "سلامت",
    "اقتصاد",
    "اشتغال",
    "سرمایه",
    "کشاورزی",
    "آب",
    "برق",
    "گاز",
    "راه",
    "شهرستان",
    "فرماندار",
    "استاندار",
    "شورا",
    "شهر",
    "روستا",
    "طرح",
    "پروژه",
    "افتتاح",
    "اعتبار",
    "بودجه",
    "برنامه",
    "مدیر",
    "کارشناس",
    "گزارش",
    "نشست",
    "همایش",
    "تقدیر",
    "نمونه",
    "کارمند",
    "شفافیت",
    "عملکرد",
    "نظارت",
    "قانون",
    "مجلس",
    "نماینده",
    "وزیر",
    "سازمان",
    "شرکت",
    "آموزش",
    "فرهنگ",
    "ورزش",
    "جوانان",
    "بهداشت",
    "درمان",
    "بیمارستان",
    "دانشگاه",
    "مدرسه",
    "بجنورد",
    "شیروان",
]
OFF_TOPIC = "قیمت گوجه و پیاز در میدان تره‌بار این هفته دو برابر شده و فروشندگان ناراضی هستند"
KINDS = (
    ("on", 70),
    ("reply", 12),
    ("off", 5),
    ("finglish", 3),
    ("arabic", 3),
    ("insult", 3),
    ("links", 2),
    ("duplicate", 2),
)


def words(rng, count):
    return " ".join(rng.choice(WORDS) for _ in range(count))


def comment_body(rng, kind, article_words, previous):
    if kind in ("on", "reply"):
        body = (
            f"به نظرم {' '.join(rng.sample(article_words, 4))} برای مردم مهم است و {words(rng, 8)}."
        )
        return body + ("\n\n**امیدوارم** پیگیری شود." if rng.random() < 0.2 else "")
    return {
        "off": OFF_TOPIC + f" {rng.randint(1, 99)}",
        "finglish": "kheili khoob bood, merci az gozaresh "
        + rng.choice(article_words[:1] or ["x"]),
        "arabic": "شكرا جزيلا على هذا الخبر المهم جدا",
        "insult": f"این {rng.choice(article_words)} یک كلاهبـــردار است",
        "links": f"ببینید https://example.com/{rng.randint(1, 9)} و https://example.org {words(rng, 4)}",
        "duplicate": previous or "تکراری",
    }[kind]


def make_site(folder, articles, per_article, seed=1397):
    rng = random.Random(seed)
    kinds = [k for k, weight in KINDS for _ in range(weight)]
    (folder / "content/news").mkdir(parents=True)
    (folder / "content/comments").mkdir()
    for name in ("pelicanconf.py",):
        shutil.copy(ROOT / name, folder / name)
    for name in ("theme", "plugins"):
        (folder / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "data", folder / "data")
    for code in range(1, articles + 1):
        year, month, day = 1400 + code % 4, 1 + code % 12, 1 + code % 28
        body_words = [rng.choice(WORDS) for _ in range(300)]
        paragraphs = "\n\n".join(
            " ".join(body_words[i : i + 100]) + "." for i in range(0, 300, 100)
        )
        (folder / f"content/news/{code}.md").write_text(
            f"Title: {words(rng, 6)} {code}\nDate: {year}/{month:02d}/{day:02d} 10:00\n"
            f"NewsCode: {code}\nCategory: استان‌ها\nTags: {rng.choice(WORDS)}، {rng.choice(WORDS)}\n"
            f"Lead: {words(rng, 20)}.\n\n{paragraphs}\n",
            encoding="utf-8",
        )
        target = folder / f"content/comments/{code}"
        target.mkdir()
        previous = ""
        for n in range(1, per_article + 1):
            kind = rng.choice(kinds) if n > 1 else "on"
            body = comment_body(rng, kind, body_words, previous)
            previous = body
            reply = f"ReplyTo: {rng.randint(1, n - 1)}\n" if kind == "reply" else ""
            (target / f"{n}.md").write_text(
                f"Author: خواننده {n}\nDate: {year}/{month:02d}/{day:02d} {10 + n % 12}:{n % 60:02d}\n"
                f"Email: r{n}@example.org\n{reply}\n{body}\n",
                encoding="utf-8",
            )


def comment_pass(site):
    """Read, moderate and render every comment as the plugin does; timings."""
    from chapar import moderation
    from chapar.comments import render, store
    from chapar.comments.site import moderate_site
    from chapar_persian.reader import read_source

    os.chdir(site)
    rules = moderation.load_rules("data/moderation/rules.toml")
    news = {p.stem: read_source(p) for p in sorted(Path("content/news").glob("*.md"))}
    t0 = time.perf_counter()
    by_code, problems = store.read_all("content/comments", news)
    t1 = time.perf_counter()
    assert not problems, problems[:3]
    decisions = moderate_site(rules, by_code, news)
    t2 = time.perf_counter()
    body = render.BodyRenderer()
    published = 0
    for code, comments in by_code.items():
        _, count = render.build_threads(comments, decisions[code], body)
        published += count
    t3 = time.perf_counter()
    total = sum(len(c) for c in by_code.values())
    statuses = {}
    for per_article in decisions.values():
        for d in per_article.values():
            statuses[d.status] = statuses.get(d.status, 0) + 1
    return total, published, statuses, t1 - t0, t2 - t1, t3 - t2


def timed_build(site, output, **settings):
    """(wall s, CPU s of the build and its children, max RSS MiB, s the build
    waited for the comments worker, comment folders the build did itself) of
    a clean build.
    """
    code = (
        "import sys, time, resource, logging;"
        "logging.disable(logging.WARNING);"
        "from chapar.build import runner; t = time.perf_counter();"
        f"runner.build('pelicanconf.py', output={str(output)!r}, CACHE_CONTENT=False,"
        f" LOAD_CONTENT_CACHE=False, **{settings!r});"
        "wall = time.perf_counter() - t; runner.wait_for_cleanup();"
        "me, kids = (resource.getrusage(w) for w in"
        " (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN));"
        "cpu = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime;"
        "import comments; b = comments.LAST_BUILD;"
        "print(b.get('waited', 0), wall, cpu, me.ru_maxrss, b.get('built', -1))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=site, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(result.stderr[-3000:])
    waited, seconds, cpu, rss, built = result.stdout.split()[-5:]
    return float(seconds), float(cpu), int(rss) / 1024, float(waited), int(built)


def site_pass(site):
    """The build's pass as the plugin runs it in a clean build: seconds."""
    from chapar import moderation
    from chapar.build import runner
    from chapar.comments import render, sitepass
    from chapar.comments.site import comment_settings

    os.chdir(site)
    logging.disable(logging.WARNING)
    settings = runner.load_settings("pelicanconf.py")
    logging.disable(logging.NOTSET)
    news = {
        str(code): str(path)
        for code, path in sitepass.find_articles([os.path.join(settings["PATH"], "news")]).items()
    }
    job = sitepass.Job(
        comments_root=os.path.join(settings["PATH"], "comments"),
        rules_path="data/moderation/rules.toml",
        thread=render.thread_settings(settings, comment_settings(settings)),
        cache=("", False, False),
    )
    t = time.perf_counter()
    result = sitepass.run(job, moderation.load_rules(job.rules_path), news)
    assert not result.problems, result.problems[:3]
    return time.perf_counter() - t


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--articles", type=int, default=5000)
    parser.add_argument("-c", "--per-article", type=int, default=10)
    parser.add_argument("--no-build", action="store_true", help="skip the two full builds")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-comments-") as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        make_site(site, args.articles, args.per_article)
        total, published, statuses, read_s, moderate_s, render_s = comment_pass(site)
        tracemalloc.start()  # a second pass: tracing slows the timed one several-fold
        comment_pass(site)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{total:,} comments over {args.articles:,} articles: {statuses}")
        print(f"read + validate: {read_s:.2f} s ({total / read_s:,.0f} comments/s)")
        print(
            f"moderation:      {moderate_s:.2f} s ({total / moderate_s:,.0f} comments/s; "
            "target >= 10,000/s)"
        )
        print(
            f"rendering:       {render_s:.2f} s for {published:,} published "
            f"({published / render_s:,.0f} comments/s)"
        )
        print(
            f"peak memory of the comment pass (tracemalloc): {peak / 2**20:.0f} MiB; "
            f"process max RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB"
        )
        whole = min(site_pass(site) for _ in range(2))
        print(
            f"the build's pass (read, moderate, render threads; no cache): {whole:.2f} s "
            f"({total / whole:,.0f} comments/s)"
        )
        if args.no_build:
            return
        os.chdir(ROOT)
        # two rounds, alternating, best of each: the machine is shared.  The
        # same folder every time; only the comments are moved aside.
        comments, aside = site / "content/comments", Path(tmp) / "comments-aside"
        runs = {"without": [], "worker": [], "in-process": []}
        for round_ in range(2):
            runs["worker"].append(timed_build(site, Path(tmp) / f"out-worker-{round_}"))
            runs["in-process"].append(
                timed_build(site, Path(tmp) / f"out-here-{round_}", COMMENTS={"worker": False})
            )
            comments.rename(aside)
            comments.mkdir()
            runs["without"].append(timed_build(site, Path(tmp) / f"out-without-{round_}"))
            comments.rmdir()
            aside.rename(comments)
        best = {kind: min(found) for kind, found in runs.items()}
        without_s = best["without"][0]
        labels = {
            "without": "without comments:",
            "worker": "with comments (worker):",
            "in-process": "with comments (one process):",
        }
        for kind, (wall, cpu, rss, waited, built) in best.items():
            added = "" if kind == "without" else f", {100 * (wall / without_s - 1):+.1f}%"
            wait = (
                f", waited {waited:.1f} s for the worker, the build did {built} folders"
                if kind == "worker"
                else ""
            )
            print(
                f"full build {labels[kind]:29s} {wall:5.1f} s wall{added}, "
                f"{cpu:5.1f} s CPU, max RSS {rss:.0f} MiB{wait}"
            )
        print(
            f"the comment pass adds {100 * (best['worker'][0] / without_s - 1):+.1f}% "
            "(target <= +20%)"
        )


if __name__ == "__main__":
    main()
