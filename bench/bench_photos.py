"""Photo benchmark (issue 19): the cost of photos in a build.

    .venv/bin/python bench/bench_photos.py            # N=5,000, a photo in half the articles
    .venv/bin/python bench/bench_photos.py -n 200
    .venv/bin/python bench/bench_photos.py --no-floor # the rebuild figures without the floor

On a synthetic site (bench/synthetic.py, 2400x1600 JPEG originals; ``--size``) it prints:
(floor) Pillow alone decoding every original and encoding the same derivatives, in two worker
processes, as CPU seconds (each photo's, summed) and as the wall time two cores would need
(CPU / workers); (first) the full build with an empty cache: its photo phase's wall time and
the ratio to the floor (target at most 1.3), and its CPU time (this process and the photo
workers) against the floor's, which is what a machine shared with other work can still
compare; (rebuild) ``--rebuilds`` more builds (default 3) with no new photo, each after the
last one's old output is deleted: the photo work the build waits for (finding and checking
the photos, waiting for the thread that links the derivatives into the output while the pages
render, the sitemap's images) as a share of the build (target at most 2%), the linking
thread's own time, the garbage collection inside the photo work, and the photos processed
(0); (one more) a build after one new article
with a new photo: photos processed (1).  A measurement, not a test.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "bench")]


GC = []  # (start, end, generation) of Python's garbage collections in the current build


def _gc(phase, info):
    if phase == "start":
        GC.append([time.perf_counter(), None, info["generation"]])
    elif GC:
        GC[-1][1] = time.perf_counter()


def collected_in(start, seconds):
    """Seconds of garbage collection inside ``[start, start + seconds]``, and how many
    of those collections were full ones (generation 2).
    """
    end, total, full = start + seconds, 0.0, 0
    for began, ended, generation in GC:
        if ended is not None and ended > start and began < end:
            total += min(ended, end) - max(began, start)
            full += generation == 2
    return total, full


def build(site):
    import os

    from chapar.build import runner

    # The last build's old output is still being deleted in a thread (runner.replace_folder):
    # a newsroom's next commit comes minutes later, so the bench waits for it too.
    runner.wait_for_cleanup()
    GC.clear()  # this build's collections only
    here = os.getcwd()
    os.chdir(site)
    try:
        started = time.perf_counter()
        runner.build(site / "pelicanconf.py", output=site / "output")
        return time.perf_counter() - started
    finally:
        os.chdir(here)


def _floor_one(job):
    """Pillow's work for one original; this worker's CPU seconds for it."""
    from chapar.photos.process import DEFAULTS, derive

    source, folder = job
    cpu = time.process_time()
    derive(source, Path(source).name, "floor", folder, DEFAULTS)
    return time.process_time() - cpu


def floor(site, workers):
    """Pillow's own work for every original, in ``workers`` processes: the CPU seconds
    (summed over the photos, each measured in its worker) and those over ``workers``.
    """
    from concurrent.futures import ProcessPoolExecutor

    images = site / "content" / "images"
    scratch = Path(tempfile.mkdtemp(prefix="photo-floor-"))
    jobs = [(str(p), str(scratch / str(i))) for i, p in enumerate(sorted(images.rglob("*.jpg")))]
    with ProcessPoolExecutor(workers) as pool:
        cpu = sum(pool.map(_floor_one, jobs, chunksize=4))
    shutil.rmtree(scratch)
    return cpu, cpu / workers


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--share", type=float, default=0.5)
    parser.add_argument("--rebuilds", type=int, default=3, help="rebuilds with no new photo")
    parser.add_argument(
        "--no-floor", action="store_true", help="leave out the floor (and the first build's ratio)"
    )
    parser.add_argument(
        "--size",
        default="2400x1600",
        help="the originals' size, WxH (1200x800 makes the same 11 derivatives, 4x faster)",
    )
    args = parser.parse_args()
    import logging

    import chapar_photos
    from synthetic import make_site, photo

    logging.basicConfig(level=logging.WARNING)
    import gc

    gc.callbacks.append(_gc)
    with tempfile.TemporaryDirectory(prefix="bench-photos-") as tmp:
        size = tuple(int(x) for x in args.size.lower().split("x"))
        site = make_site(
            Path(tmp) / "site",
            args.n,
            award_rows=1000,
            with_comments=False,
            photo_share=args.share,
            photo_size=size,
        )
        count = len(list((site / "content" / "images").rglob("*.jpg")))
        workers = 2
        if not args.no_floor:
            cpu, wall_floor = floor(site, workers)
            print(
                f"photos: {count} originals; floor (Pillow alone): {cpu:.1f} s CPU, "
                f"{wall_floor:.1f} s on {workers} cores"
            )
        total = build(site)
        store = chapar_photos.LAST["store"]
        print(
            f"first build: {total:.1f} s, photo phase {store.seconds:.1f} s wall and "
            f"{store.cpu_seconds:.1f} s CPU for {store.processed} photos"
            + (
                ""
                if args.no_floor
                else f", {store.seconds / wall_floor:.2f}x the floor's wall (target <= 1.3), "
                f"{store.cpu_seconds / cpu:.2f}x the floor's CPU"
            )
        )
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        for _ in range(args.rebuilds):
            total = build(site)
            store = chapar_photos.LAST["store"]
            held = store.seconds + store.finish_seconds
            collected, full = collected_in(store.started, store.seconds)
            print(
                f"rebuild, no new photo: {total:.1f} s, photo work in the build's thread "
                f"{held:.3f} s (finding {store.seconds:.3f} s, then waiting for the links and "
                f"writing the sitemap's images {store.finish_seconds:.3f} s) = "
                f"{100 * held / total:.2f}% of the build (target <= 2%), {store.processed} processed; "
                f"linking {store.link_seconds:.2f} s in its own thread while the pages render; "
                f"Python's garbage collection inside the finding {collected:.3f} s "
                f"({full} full collections)"
            )
        code = 999_999
        photo(__import__("random").Random(1), site / "content" / "images" / "new" / f"{code}.jpg")
        (site / "content" / "news" / "new.md").write_text(
            f"Title: خبر تازه\nDate: 1402/01/01 10:00\nNewsCode: {code}\n"
            f"Image: new/{code}.jpg\nImageAlt: عکس تازه\n\nمتن.\n",
            encoding="utf-8",
        )
        total = build(site)
        store = chapar_photos.LAST["store"]
        print(
            f"one new photo: {total:.1f} s, {store.processed} processed (target 1), "
            f"photo phase {store.seconds:.2f} s"
        )


if __name__ == "__main__":
    main()
