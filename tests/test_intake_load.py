"""The intake service under load: concurrent posts, a SIGKILL mid-burst, git mode."""

import json
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection, HTTPException

from chapar.build import runner
from chapar.cli import moderation as cli
from chapar.comments import store
from conftest import make_site
from intake_support import (
    EXISTING,
    OTHER,
    SEED,
    Service,
    comment_files,
    intake_news,
    on_topic,
    post,
    running,
)

CLIENTS = 20
PER_CLIENT = 10


def burst(service, client_index, count, stop=None, accepted=None):
    """One client posting ``count`` comments on one keep-alive connection:
    (Id, text) of each accepted one, in order, appended to ``accepted``.
    """
    conn = HTTPConnection("127.0.0.1", service.port, timeout=10)
    accepted = [] if accepted is None else accepted
    try:
        for n in range(count):
            if stop is not None and stop.is_set():
                break
            i = client_index * 100000 + n
            status, _, body = post(
                service.base,
                OTHER,
                {"name": f"خواننده {client_index}", "text": on_topic(i)},
                as_json=True,
                client=f"10.9.0.{client_index + 1}",
                conn=conn,
            )
            assert status == 202, body
            accepted.append((json.loads(body)["id"], on_topic(i)))
    finally:
        conn.close()
    return accepted


def test_200_posts_from_20_clients_give_200_valid_files(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    with running(site, "--rate-limit", PER_CLIENT) as service:  # noqa: SIM117
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda k: burst(service, k, PER_CLIENT), range(CLIENTS)))
    accepted = [item for result in results for item in result]
    assert len(accepted) == CLIENTS * PER_CLIENT
    files = comment_files(site, OTHER)
    assert len(files) == CLIENTS * PER_CLIENT
    assert sorted(p.stem for p in files) == sorted(i for i, _ in accepted)
    by_code, problems = store.read_all(
        site / "content/comments", cli.news_sources(site / "content/news")
    )
    assert problems == []
    assert sorted(c.body for c in by_code[str(OTHER)]) == sorted(t for _, t in accepted)
    with_temp = [
        p for p in (site / "content/comments").rglob("*") if p.is_file() and p.suffix != ".md"
    ]
    assert with_temp == []
    runner.check(site / "pelicanconf.py")  # what `invoke check` runs: raises on any problem


def test_sigkill_mid_burst_leaves_only_whole_files(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    service = Service(site, "--rate-limit", 0)
    stop = threading.Event()
    acknowledged = []

    def client(k):
        try:  # noqa: SIM105 (the comment on the pass says why)
            burst(service, k, 10_000, stop=stop, accepted=acknowledged)
        except (OSError, HTTPException, AssertionError, ValueError):
            pass  # the server died under us

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(comment_files(site, OTHER)) < 50 and time.monotonic() < deadline:
        time.sleep(0.01)
    service.kill()
    stop.set()
    for t in threads:
        t.join(10)
    files = comment_files(site, OTHER)
    assert len(files) >= 50
    sent = {on_topic(k * 100000 + n) for k in range(CLIENTS) for n in range(len(files) + 100)}
    for path in files:
        comment, problems = store.read_comment(path, str(OTHER))
        assert problems == [], path
        assert comment.body in sent, path  # the whole text, not a prefix of it
    # every comment the service acknowledged is on disk
    assert {i for i, _ in acknowledged} <= {p.stem for p in files}
    # temporary files may remain (never .md, never read); the next start removes them
    leftovers = [
        p for p in (site / "content/comments").rglob("*") if p.is_file() and p.suffix != ".md"
    ]
    assert all(p.name.startswith(".intake-") for p in leftovers)
    with running(site):
        pass
    assert [
        p for p in (site / "content/comments").rglob("*") if p.is_file() and p.suffix != ".md"
    ] == []


def git(cwd, *args):
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def test_git_mode_commits_and_pushes_every_comment(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    git(site, "init", "-q", "-b", "main")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(site, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "site")
    git(site, "remote", "add", "origin", str(remote))
    git(site, "push", "-q", "origin", "main")
    # a comment written by a service that died before committing it
    (site / "content/comments" / str(SEED) / "orphan.md").write_text(
        "Author: یتیم\nDate: 1397/06/05 13:00\n\nدولت الکترونیک در استان لازم است.\n",
        encoding="utf-8",
    )
    service = Service(site, "--push", "--rate-limit", 0)
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            results = list(pool.map(lambda k: burst(service, k, 3), range(CLIENTS)))
    finally:
        service.stop()  # SIGTERM: what is queued is committed before it exits
    ids = {i for result in results for i, _ in result}
    assert len(ids) == CLIENTS * 3
    committed = set(git(site, "ls-tree", "-r", "--name-only", "HEAD", "content/comments").split())
    assert {f"content/comments/{OTHER}/{i}.md" for i in ids} <= committed
    assert f"content/comments/{SEED}/orphan.md" in committed
    assert git(site, "status", "--porcelain", "content/comments") == ""
    assert git(remote, "rev-parse", "main") == git(site, "rev-parse", "HEAD")
    authors = set(git(site, "log", "--format=%an <%ae>", "-n", "50").splitlines())
    assert "Chapar comment intake <intake@chapar.invalid>" in authors
    assert not any("example" in a for a in authors)
