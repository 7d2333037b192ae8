"""Git mode survives crashes and says when it cannot commit: a SIGKILL of the
service or of its whole process group mid-burst loses no acknowledged comment
once it is restarted, and /healthz answers 503 while commits fail.
"""

import json
import os
import signal
import subprocess
import time

import pytest

from bench.intake_kill import kill_runs
from chapar.intake import locks
from chapar.intake.gitsync import GitCommitter
from conftest import make_site
from intake_support import EXISTING, OTHER, SEED, Service, intake_news, on_topic, post

WAIT = 120  # seconds at most for the service to get where a test needs it (never a measure)


def git(cwd, *args, **kw):
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t.invalid",
        "GIT_OPTIONAL_LOCKS": "0",
    }
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env, **kw
    ).stdout


def git_site(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    git(site, "init", "-q", "-b", "main")
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "site")
    return site


def health_when(service, wanted, what):
    """``service.health()`` once ``wanted(status, report)`` holds."""

    def check():
        status, report = service.health()
        return (status, report) if wanted(status, report) else None

    return until(check, what)


def until(check, what):
    deadline = time.monotonic() + WAIT
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


@pytest.mark.parametrize("mode", ["service", "group"])
def test_every_acknowledged_comment_is_in_head_after_a_sigkill_and_a_restart(tmp_path, mode):
    # service: its `git add` is frozen holding index.lock, the service killed, the add let
    # finish (the batch is staged, never committed); group: its `git commit` dies with it
    # holding index.lock (the lock stays behind)
    result = kill_runs(mode, runs=1, posts=40, git=True, clients=4, folder=tmp_path)
    run = result["per_run"][0]
    assert run["caught"] == 1  # the git child was killed (or orphaned) holding the lock
    if mode == "service":
        assert run["staged_left"] > 0
    else:
        assert run["lock_left"] == 1
    assert run["acknowledged"] >= 40 + 5
    assert run["refused"] == 0
    assert run["lost"] == 0  # every 202 is in HEAD, whole
    assert run["uncommitted"] == 0
    assert run["unhealthy"] == 0
    assert run["health"]["ok"]
    assert run["health"]["commits"] >= 1


def holder(site, path):
    """A live `git commit -- <path>` waiting in its editor: it holds index.lock."""
    (site / path).write_text("an editor's unfinished change\n", encoding="utf-8")
    proc = subprocess.Popen(
        ["git", "commit", "--", path],
        cwd=site,
        start_new_session=True,
        env={
            **os.environ,
            "GIT_EDITOR": "sleep 3600 #",
            "GIT_AUTHOR_NAME": "editor",
            "GIT_AUTHOR_EMAIL": "e@e.invalid",
            "GIT_COMMITTER_NAME": "editor",
            "GIT_COMMITTER_EMAIL": "e@e.invalid",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    until((site / ".git/index.lock").exists, "the editor's git to take index.lock")
    return proc


def test_healthz_is_503_with_the_error_and_the_count_while_commits_fail(tmp_path):
    site = git_site(tmp_path)
    service = Service(site, "--commit", "--rate-limit", 0, group=True)
    editor = None
    try:
        editor = holder(site, "content/news/1397/draft.md")
        ids = []
        for i in range(3):
            status, _, body = post(
                service.base, OTHER, {"name": "خواننده", "text": on_topic(i)}, as_json=True
            )
            assert status == 202  # on disk and synced: the reader is told it was received
            ids.append(json.loads(body)["id"])
        status, report = health_when(
            service, lambda st, _: st != 200, "/healthz to report the failing commit"
        )
        assert status == 503
        assert report["ok"] is False
        assert report["pending_commits"] == 3
        assert "index.lock" in report["error"]
        assert str(editor.pid) in report["error"]
        assert report["failing_since"]
        assert report["commits"] == 0
        assert all((site / f"content/comments/{OTHER}/{i}.md").is_file() for i in ids)
        # the editor's git is killed: its lock stays behind, and is taken for stale
        os.killpg(editor.pid, signal.SIGKILL)
        editor.wait(10)
        assert (site / ".git/index.lock").exists()
        status, report = health_when(
            service,
            lambda st, r: st == 200 and not r["pending_commits"],
            "the commit to go through",
        )
        assert report["ok"]
        assert report["error"] is None
        assert report["commits"] >= 1
        committed = git(site, "ls-tree", "-r", "--name-only", "HEAD", "content/comments")
        assert {f"content/comments/{OTHER}/{i}.md" for i in ids} <= set(committed.split())
        # the editor's change is not the service's to commit
        assert git(site, "status", "--porcelain", "--", "content/news") != ""
        assert "editor's" not in git(site, "show", "HEAD:content/news/1397/draft.md")
    finally:
        if editor is not None and editor.poll() is None:
            os.killpg(editor.pid, signal.SIGKILL)
        service.stop()


def test_start_commits_staged_untracked_and_modified_comments_only(tmp_path):
    site = git_site(tmp_path)
    comments = site / "content/comments"
    (comments / str(SEED) / "staged.md").write_text(
        "Author: الف\nDate: 1397/06/05 13:00\n\nدولت الکترونیک لازم است.\n", encoding="utf-8"
    )
    git(site, "add", "content/comments")
    (comments / str(SEED) / "untracked.md").write_text(
        "Author: ب\nDate: 1397/06/05 13:05\n\nدولت الکترونیک خوب است.\n", encoding="utf-8"
    )
    with open(comments / str(SEED) / "1.md", "a", encoding="utf-8") as f:
        f.write("Status: approved\n")  # (a header line here only for the diff)
    (comments / str(SEED) / "held.md").unlink()  # the service never commits a deletion
    (comments / str(SEED) / ".intake-0123.tmp").write_text("half", encoding="utf-8")
    (site / "content/news/1397/draft.md").write_text("an editor's staged change\n")
    git(site, "add", "content/news/1397/draft.md")

    committer = GitCommitter(comments)
    committer.start()
    assert committer.pending == 3  # staged, untracked, modified: not the deleted one, nor the .tmp
    committer.close()

    health = committer.health()
    assert health["ok"]
    assert health["error"] is None
    assert health["pending_commits"] == 0
    assert health["commits"] == 1
    head = set(git(site, "ls-tree", "-r", "--name-only", "HEAD", "content").split())
    assert {f"content/comments/{SEED}/{n}.md" for n in ("staged", "untracked", "held")} <= head
    assert f"content/comments/{SEED}/.intake-0123.tmp" not in head
    assert git(site, "show", f"HEAD:content/comments/{SEED}/1.md").endswith("Status: approved\n")
    status = git(site, "status", "--porcelain", "--untracked-files=all").splitlines()
    assert sorted(status) == sorted(
        [
            f" D content/comments/{SEED}/held.md",
            f"?? content/comments/{SEED}/.intake-0123.tmp",
            "M  content/news/1397/draft.md",
        ]
    )
    author = git(site, "log", "-1", "--format=%an")
    assert author.strip() == "Chapar comment intake"


def test_a_lock_is_stale_only_when_no_git_uses_the_repository(tmp_path):
    site = git_site(tmp_path)
    lock = site / ".git/index.lock"
    lock.write_text("")
    roots, git_dirs = [site, site / ".git"], [site / ".git"]
    assert locks.judge(lock, roots, min_age=3600).state == "young"
    # a git running here (waiting on its input), e.g. an editor's
    reader = subprocess.Popen(
        ["git", "hash-object", "--stdin"],
        cwd=site / "content",
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
    )
    try:
        until(lambda: locks.git_processes(roots), "the git process to show in /proc")
        verdict = locks.remove_if_stale(lock, roots, git_dirs, min_age=0)
        assert verdict.state == "held"
        assert verdict.holders[0][0] == reader.pid
        assert lock.exists()
    finally:
        reader.communicate(b"")
    assert locks.remove_if_stale(lock, roots, git_dirs, min_age=0).state == "stale"
    assert not lock.exists()
    # a lock outside the repository's git folder is never removed
    elsewhere = tmp_path / "other.lock"
    elsewhere.write_text("")
    assert locks.remove_if_stale(elsewhere, roots, git_dirs, min_age=0).state == "foreign"
    assert elsewhere.exists()


def test_healthz_is_503_while_comment_files_cannot_be_written(tmp_path):
    site = make_site(tmp_path, news=intake_news(), comments=EXISTING)
    folder = site / "content/comments" / str(OTHER)
    folder.write_text("not a folder")  # as a full or broken disk would: every write fails
    service = Service(site, "--rate-limit", 0)
    try:
        fields = {"name": "خواننده", "text": on_topic(7)}
        assert post(service.base, OTHER, fields, as_json=True)[0] == 500
        status, report = service.health()
        assert status == 503
        assert report["ok"] is False
        assert report["write_error"]
        folder.unlink()
        assert post(service.base, OTHER, fields, as_json=True)[0] == 202
        status, report = service.health()
        assert status == 200
        assert report["ok"]
        assert report["write_error"] is None
    finally:
        service.stop()


def test_healthz_is_503_with_the_push_error_while_pushes_fail(tmp_path):
    site = git_site(tmp_path)
    remote = tmp_path / "remote.git"
    git(site, "remote", "add", "origin", str(remote))  # not there yet: every push fails
    service = Service(site, "--push", "--rate-limit", 0)
    try:
        status, _, body = post(
            service.base, OTHER, {"name": "خواننده", "text": on_topic(9)}, as_json=True
        )
        assert status == 202
        key = json.loads(body)["id"]
        status, report = health_when(
            service, lambda st, _: st != 200, "/healthz to report the failing push"
        )
        assert status == 503
        assert report["push_error"]
        assert "remote.git" in report["push_error"]
        assert report["pending_commits"] == 0
        assert report["error"] is None
        assert f"{key}.md" in git(site, "ls-tree", "-r", "--name-only", "HEAD")
        git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
        status, report = health_when(service, lambda st, _: st == 200, "the push to go through")
        assert report["push_error"] is None
        assert git(remote, "rev-parse", "main") == git(site, "rev-parse", "HEAD")
    finally:
        service.stop()


def test_an_unexpected_failure_is_reported_and_retried_not_the_end_of_commits(tmp_path):
    site = git_site(tmp_path)
    comments = site / "content/comments"
    committer = GitCommitter(comments, max_pause=0.2)
    real, calls = committer._commit, []

    def flaky(batch):
        calls.append(len(batch))
        if len(calls) == 1:
            raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "a file name git printed")
        return real(batch)

    committer._commit = flaky
    committer.start()
    try:
        path = comments / str(SEED) / "new.md"
        path.write_text("Author: ج\nDate: 1397/06/05 13:10\n\nدولت الکترونیک.\n", encoding="utf-8")
        committer.add(path, f"{SEED}/new")
        until(lambda: len(calls) >= 2 and not committer.pending, "the retry to commit it")
    finally:
        committer.close()
    assert calls[:2] == [1, 1]
    assert f"content/comments/{SEED}/new.md" in git(site, "ls-tree", "-r", "--name-only", "HEAD")
    assert committer.health()["ok"]
    assert committer.health()["commits"] == 1
