"""Kill the comment intake mid-burst, restart it, count acknowledged comments lost.

    .venv/bin/python bench/intake_kill.py                # 3 runs of each kill, plain and git
    .venv/bin/python bench/intake_kill.py --posts 600 --runs 5

Each run builds a throw-away site, starts the real service (``python -m
intake --rate-limit 0``, with ``--commit`` in git mode) in a process group of
its own as a service manager would, and posts distinct on-topic comments
from several clients, without pause, until it kills it: once ``posts`` are
acknowledged (in git mode, at the first moment after that described here),

* ``service``: SIGKILL of the service alone.  In git mode it first freezes
  (SIGSTOP) the service's ``git add`` while it holds ``index.lock``, kills
  the service, then lets that git finish as an orphan: the batch ends staged
  but never committed.
* ``group``: SIGKILL of the whole process group.  In git mode it waits for a
  ``git commit`` holding ``index.lock``, so the lock outlives its git.

Then it restarts the service, posts a few more comments, waits until
``/healthz`` answers 200 with no pending commit (or gives up after
``--timeout`` seconds: "unhealthy"), and
counts the acknowledged (202) comments that are not whole where they must
be: in ``HEAD`` in git mode, on disk otherwise ("lost").  A measurement that
the tests reuse (tests/test_intake_durable.py); loopback only.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.client import HTTPConnection, HTTPException
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for _path in (ROOT / "tests",):  # the test suite's helpers drive it
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from chapar.comments import store
from intake_support import (
    EXISTING,
    OTHER,
    Service,
    intake_news,
    on_topic,
    post,
    request,
)

MODES = ("service", "group")
AFTER = 5  # posts sent after each restart
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@t.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@t.invalid",
    "GIT_OPTIONAL_LOCKS": "0",
}


def git(cwd, *args, input=None):
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        input=input,
        env={**os.environ, **GIT_ENV},
    ).stdout


def make_site(folder, with_git):
    """A site the service can run on: the rules, three articles, two comments."""
    site = Path(folder) / "site"
    shutil.copytree(ROOT / "data" / "moderation", site / "data" / "moderation")
    for rel, text in {
        **{f"content/news/{k}": v for k, v in intake_news().items()},
        **{f"content/comments/{k}": v for k, v in EXISTING.items()},
    }.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    if with_git:
        git(site, "init", "-q", "-b", "main")
        git(site, "add", "-A")
        git(site, "commit", "-q", "-m", "site")
    return site


def children(pid):
    """``(pid, argv)`` of the live child processes of ``pid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            argv = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append((int(entry), [a.decode("utf-8", "replace") for a in argv if a]))
    return found


def freeze_git(service, verb, lock, stop, deadline):
    """SIGSTOP the service's ``git <verb>`` at a moment it holds ``lock``; its
    pid, or ``None`` when none was caught before ``deadline`` or ``stop``.
    """
    while time.monotonic() < deadline and not stop.is_set():
        for pid, argv in children(service.proc.pid):
            if argv[:1] != ["git"] or verb not in argv:
                continue
            try:
                os.kill(pid, signal.SIGSTOP)
            except ProcessLookupError:
                continue
            if lock.exists() and any(p == pid for p, _ in children(service.proc.pid)):
                return pid  # stopped while holding the lock (the worker runs one git at a time)
            os.kill(pid, signal.SIGCONT)
        time.sleep(0.001)
    return None


def poster(service, k, count, stop, acknowledged, refused):
    """Client ``k`` posting up to ``count`` comments, until ``stop`` is set."""
    conn = HTTPConnection("127.0.0.1", service.port, timeout=10)
    try:
        for n in range(count):
            if stop.is_set():
                return
            text = on_topic(k * 100000 + n)
            status, _, body = post(
                service.base,
                OTHER,
                {"name": f"خواننده {k}", "text": text},
                as_json=True,
                client=f"10.8.0.{k + 1}",
                conn=conn,
            )
            if status == 202:
                acknowledged.append((json.loads(body)["id"], text))
            else:
                refused.append(status)
    except (OSError, HTTPException, ValueError):
        pass  # the service died under us
    finally:
        conn.close()


def wait_healthy(service, timeout):
    """The last (status, report) of /healthz, polled until it is 200 with
    nothing pending, or ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        status, _, body = request(service.base, "GET", "/healthz")
        report = json.loads(body)
        if (status == 200 and not report["pending_commits"]) or time.monotonic() > deadline:
            return status, report
        time.sleep(0.1)


def in_head(site, ids):
    """Id → body of each ``content/comments/<OTHER>/<Id>.md`` in HEAD."""
    folder = f"content/comments/{OTHER}"
    names = git(site, "ls-tree", "--name-only", "HEAD", f"{folder}/").decode().split()
    present = [n for n in names if Path(n).stem in ids]
    out = git(site, "cat-file", "--batch", input="".join(f"HEAD:{n}\n" for n in present).encode())
    bodies, at = {}, 0
    for name in present:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        text = out[header_end + 1 : header_end + 1 + size].decode("utf-8")
        at = header_end + 1 + size + 1
        comment, problems = store.parse_comment(text, site / name, str(OTHER))
        bodies[Path(name).stem] = None if problems else comment.body
    return bodies


def on_disk(site):
    bodies = {}
    for path in (site / "content/comments" / str(OTHER)).glob("*.md"):
        comment, problems = store.read_comment(path, str(OTHER))
        bodies[path.stem] = None if problems else comment.body
    return bodies


def one_run(folder, mode, posts, with_git, clients, timeout):
    site = make_site(folder, with_git)
    flags = ["--rate-limit", 0] + (["--commit"] if with_git else [])
    lock = site / ".git" / "index.lock"
    service = Service(site, *flags, group=True)
    stop = threading.Event()
    acknowledged, refused = [], []
    threads = [
        threading.Thread(target=poster, args=(service, k, 90000, stop, acknowledged, refused))
        for k in range(clients)
    ]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    while len(acknowledged) < posts and time.monotonic() < deadline:
        time.sleep(0.005)
    frozen = None
    if with_git:
        frozen = freeze_git(service, "add" if mode == "service" else "commit", lock, stop, deadline)
    if mode == "service":
        service.kill()
        if frozen is not None:
            os.kill(frozen, signal.SIGCONT)  # the orphan finishes its `git add`
    else:
        service.kill_group()
    stop.set()
    for t in threads:
        t.join(30)
    ids = {i for i, _ in acknowledged}
    lock_left = lock.exists()
    if frozen is not None and mode == "service":
        while Path(f"/proc/{frozen}").exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # (it is reaped by init: no zombie to wait for)
        lock_left = lock.exists()
    staged = (
        len(git(site, "diff", "--cached", "--name-only", "--", "content/comments").split())
        if with_git
        else 0
    )
    restarted = Service(site, *flags, group=True)
    try:
        # posts after the restart must be committed too (a lock left behind stopped them)
        poster(restarted, clients, AFTER, threading.Event(), acknowledged, refused)
        ids = {i for i, _ in acknowledged}
        status, report = wait_healthy(restarted, timeout)
        found = in_head(site, ids) if with_git else on_disk(site)
        uncommitted = (
            len(git(site, "status", "--porcelain", "--", "content/comments").splitlines())
            if with_git
            else 0
        )
    finally:
        restarted.stop()
    sent = dict(acknowledged)
    return {
        "acknowledged": len(ids),
        "lost": sum(1 for i in ids if found.get(i) != sent[i]),
        "uncommitted": uncommitted,
        "unhealthy": int(not (status == 200 and report["ok"] and not report["pending_commits"])),
        "refused": len(refused),
        "caught": int(frozen is not None),
        "lock_left": int(lock_left),
        "staged_left": staged,
        "health": report,
    }


def kill_runs(mode="service", runs=3, posts=300, git=True, clients=8, folder=None, timeout=120):
    """``runs`` kill-and-restart runs of ``mode`` (``service`` or ``group``),
    each killing the service once ``posts`` comments are acknowledged; the
    summed figures and each run's.
    ``folder``: where the throw-away sites go (default: a temporary folder,
    removed after).
    """
    if mode not in MODES:
        raise ValueError(f"mode: {mode!r} is not one of {MODES}")
    scratch = Path(tempfile.mkdtemp(prefix="intake-kill-", dir=folder))
    try:
        results = []
        for n in range(runs):
            (scratch / str(n)).mkdir()
            results.append(one_run(scratch / str(n), mode, posts, git, clients, timeout))
    finally:
        if folder is None:
            shutil.rmtree(scratch, ignore_errors=True)
    summed = {
        key: sum(r[key] for r in results)
        for key in (
            "acknowledged",
            "lost",
            "uncommitted",
            "unhealthy",
            "refused",
            "caught",
            "lock_left",
            "staged_left",
        )
    }
    return {"mode": mode, "git": git, "runs": runs, **summed, "per_run": results}


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--posts", type=int, default=300, help="acknowledged posts before each kill"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=120, help="seconds per wait, at most")
    args = parser.parse_args()
    print(
        f"intake kill-and-restart: {args.runs} runs of each, killed after {args.posts} "
        f"acknowledged posts a run (and {AFTER} after each restart), "
        f"{args.clients} clients, {os.cpu_count()} CPUs"
    )
    for with_git in (False, True):
        for mode in MODES:
            r = kill_runs(mode, args.runs, args.posts, with_git, args.clients, timeout=args.timeout)
            extra = (
                f", git frozen holding index.lock {r['caught']}/{r['runs']}, "
                f"stale lock after the kill {r['lock_left']}/{r['runs']}, "
                f"staged but uncommitted after the kill {r['staged_left']}, "
                f"uncommitted after restart {r['uncommitted']}"
                if with_git
                else ""
            )
            print(
                f"  {'git  ' if with_git else 'plain'} kill {mode:<7} acknowledged "
                f"{r['acknowledged']:>5}  lost {r['lost']}  unhealthy after restart "
                f"{r['unhealthy']}/{r['runs']}{extra}",
                flush=True,
            )


if __name__ == "__main__":
    main()
