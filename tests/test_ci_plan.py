"""The CI workflow's plan: content pushes are checked and published, code pushes tested first."""

import re
import subprocess

import pytest

from conftest import ROOT, load_script

plan = load_script(".ci/plan.py")


def git(repo, *args):
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.invalid")
    git(tmp_path, "config", "user.name", "t")
    for rel in ("content/news/a.md", "pelicanconf.py", "data/awards/awards.csv"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-qm", "start")
    return tmp_path


def commit(repo, *paths):
    for rel in paths:
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(path.read_text() + "y\n" if path.exists() else "new\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "change")
    return git(repo, "rev-parse", "HEAD")


def run_plan(repo, monkeypatch, capsys, *argv):
    monkeypatch.chdir(repo)
    assert plan.main(list(argv)) == 0
    return dict(line.split("=", 1) for line in capsys.readouterr().out.split())


def test_a_content_only_push_is_checked_and_published_without_the_suite(repo, monkeypatch, capsys):
    before = git(repo, "rev-parse", "HEAD")
    commit(repo, "content/news/b.md")
    after = commit(repo, "content/comments/1/1.md", "data/awards/awards.csv")
    assert run_plan(
        repo, monkeypatch, capsys, "--event", "push", "--before", before, "--after", after
    ) == {"tests": "false", "publish": "true"}


def test_a_push_that_touches_code_runs_the_suite(repo, monkeypatch, capsys):
    before = git(repo, "rev-parse", "HEAD")
    commit(repo, "content/news/b.md")
    after = commit(repo, "pelicanconf.py")
    assert (
        run_plan(
            repo, monkeypatch, capsys, "--event", "push", "--before", before, "--after", after
        )["tests"]
        == "true"
    )


def test_an_unknown_history_runs_the_suite(repo, monkeypatch, capsys):
    after = commit(repo, "content/news/b.md")
    for before in (plan.NO_COMMIT, "", "1234567890abcdef1234567890abcdef12345678"):
        out = run_plan(
            repo, monkeypatch, capsys, "--event", "push", "--before", before, "--after", after
        )
        assert out["tests"] == "true", before


def test_the_schedule_publishes_and_a_manual_run_tests():
    assert plan.needs_tests("schedule", None) is False
    assert plan.needs_tests("workflow_dispatch", None) is True
    assert plan.needs_tests("push", ["content/x.md", "README.md"]) is True


def test_the_workflow_acts_on_the_plans_outputs():
    workflow = (ROOT / ".github/workflows/publish.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"steps\.plan\.outputs\.(\w+)", workflow))
    assert used == {"tests", "publish"}
    assert "python3 .ci/plan.py --event" in workflow
    assert "schedule:" in workflow
    assert re.search(r"if: steps\.plan\.outputs\.tests == 'true'\n\s+run: bash \.ci/run", workflow)
    assert re.search(
        r"if: steps\.plan\.outputs\.tests != 'true'\n\s+run: \|\n.*\n\s+\.venv/bin/invoke check",
        workflow,
    )
