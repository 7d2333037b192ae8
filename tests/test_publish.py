"""`invoke publish` into a local bare repository, gates that stop it."""

import os
import random
import shutil
import subprocess
import sys
import zlib

import pytest

from chapar.publishing import publish_folder
from conftest import ROOT, make_site, news_item


def git(*args, cwd=None):
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.strip()


def invoke(site, *args):
    (site / "tasks.py").write_text((ROOT / "tasks.py").read_text())
    return subprocess.run(
        [sys.executable, "-m", "invoke", *args],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture
def bare(tmp_path):
    repo = tmp_path / "remote.git"
    git("init", "-q", "--bare", str(repo))
    return repo


def published_files(bare, branch="gh-pages"):
    return set(
        git(
            "-c", "core.quotePath=false", "ls-tree", "-r", "--name-only", branch, cwd=bare
        ).splitlines()
    )


def site_files(output):
    return {p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file()}


def test_publish_pushes_exactly_the_site_then_nothing_new(tmp_path, bare):
    site = make_site(tmp_path, news={"a.md": news_item(5, extra="Tags: بجنورد\n")})
    first = invoke(site, "publish", "--remote", str(bare), "--branch", "gh-pages")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "gate links: ok" in first.stdout
    assert "gate html: ok" in first.stdout
    # from the build's comment pass: no second moderation of every comment
    assert "privacy gate: 0 withheld comment text(s), named by the build" in first.stdout
    assert published_files(bare) == site_files(site / "output") | {".nojekyll"}
    page = git("show", "gh-pages:news/5/index.html", cwd=bare)
    assert 'href="https://chapar.example.ir/' in page  # publishconf's absolute SITEURL
    head = git("rev-parse", "gh-pages", cwd=bare)

    again = invoke(site, "publish", "--remote", str(bare))
    assert again.returncode == 0, again.stderr
    assert "already holds this site" in again.stdout
    assert git("rev-parse", "gh-pages", cwd=bare) == head
    assert git("rev-list", "--count", "gh-pages", cwd=bare) == "1"


def test_a_failed_gate_pushes_nothing(tmp_path, bare):
    broken = news_item(5, body="[خبر قبلی](/news/999/) را ببینید.")
    site = make_site(tmp_path, news={"a.md": broken})
    result = invoke(site, "publish", "--remote", str(bare))
    assert result.returncode != 0
    assert "/news/999/" in result.stderr
    assert "nothing was pushed" in result.stderr
    assert git("branch", "--list", cwd=bare) == ""


def test_a_failed_build_pushes_nothing(tmp_path, bare):
    site = make_site(tmp_path, news={"a.md": news_item(5, date="1402/12/30")})
    result = invoke(site, "publish", "--remote", str(bare))
    assert result.returncode != 0
    assert "content/news/a.md:2:" in result.stderr
    assert git("branch", "--list", cwd=bare) == ""


def test_dry_run_pushes_nothing_and_each_change_is_one_commit(tmp_path, bare):
    out = tmp_path / "out"
    (out / "news").mkdir(parents=True)
    (out / "index.html").write_text("<p>1</p>")
    date = "2026-11-28T10:00:00+03:30"  # the source commit's date, as tasks.py passes it
    first = publish_folder(out, str(bare), "pages", "one", date=date)
    (out / "index.html").write_text("<p>2</p>")
    second = publish_folder(out, str(bare), "pages", "two", dry_run=True, date=date)
    assert second != first
    assert git("rev-parse", "pages", cwd=bare) == first  # dry run pushed nothing
    assert publish_folder(out, str(bare), "pages", "two", date=date) == second
    assert git("rev-list", "--count", "pages", cwd=bare) == "2"


def test_the_push_sends_whole_objects_not_deltas(tmp_path, bare):
    # A cold push of a large site spent most of its time on git's delta search.
    git("config", "receive.unpackLimit", "1", cwd=bare)  # keep the pack as it arrived
    out = tmp_path / "out"
    out.mkdir()
    text = "".join(f"<p>خبر {n} از استان خراسان شمالی</p>\n" for n in range(400))
    for n in range(5):  # pages that differ in one line: each a good delta of another
        (out / f"{n}.html").write_text(text + f"<p>{n}</p>\n", "utf-8")
    publish_folder(out, str(bare), "pages", "one")
    packs = list((bare / "objects" / "pack").glob("*.idx"))
    assert packs
    listed = git("verify-pack", "-v", *map(str, packs), cwd=bare).splitlines()
    blobs = [line.split() for line in listed if " blob " in line]
    assert len(blobs) == 6  # five pages and .nojekyll
    assert all(len(fields) == 5 for fields in blobs)  # no delta depth and base named


def test_the_push_compresses_at_zlibs_fastest_level(tmp_path, bare):
    """Pushing, git packs every new page again: at its default level, a third of a cold push."""
    git("config", "receive.unpackLimit", "1", cwd=bare)  # keep the pack as it arrived
    rng = random.Random(1397)
    words = ("استاندار", "خراسان", "شمالی", "جشنواره", "شهید", "رجایی", "دستگاه", "تقدیر", "برتر")
    text = "".join(f"<p>{' '.join(rng.choice(words) for _ in range(20))}</p>\n" for _ in range(200))
    data = text.encode("utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_bytes(data)
    publish_folder(out, str(bare), "pages", "one")
    packs = list((bare / "objects" / "pack").glob("*.idx"))
    listed = git("verify-pack", "-v", *map(str, packs), cwd=bare).splitlines()
    blob = git("hash-object", str(out / "index.html"), cwd=tmp_path)
    packed = next(int(line.split()[3]) for line in listed if line.startswith(blob))
    header = 1 + (len(data).bit_length() - 4 + 6) // 7  # the pack entry's type and size
    fastest, default = len(zlib.compress(data, 1)), len(zlib.compress(data, 6))
    assert default + 1000 < fastest  # news text: the levels differ by more than 1 KB
    assert abs(packed - header - fastest) < 32


def test_a_kept_scratch_repository_publishes_exactly_each_new_site(tmp_path, bare):
    """As ``invoke publish`` keeps it in cache/publish.git: the next site reuses its
    index, where a page the page cache hard-linked keeps its size, time and inode
    (only its ctime changes), and a changed, a removed and a new file all land.
    """
    keep = tmp_path / "cache" / "publish.git"
    out = tmp_path / "output"
    (out / "news").mkdir(parents=True)
    for name, text in {"index.html": "<p>1</p>", "news/a.html": "a", "news/b.html": "b"}.items():
        (out / name).write_text(text)
    first = publish_folder(out, str(bare), "pages", "one", keep=keep)
    assert (keep / "publish-index").is_file()
    # the next build, into a new folder swapped in: unchanged pages linked from the last
    new = tmp_path / "staging"
    (new / "news").mkdir(parents=True)
    os.link(out / "news" / "a.html", new / "news" / "a.html")
    (new / "index.html").write_text("<p>2</p>")  # same size, other bytes
    (new / "news" / "c.html").write_text("c")
    shutil.rmtree(out)
    new.rename(out)
    second = publish_folder(out, str(bare), "pages", "two", keep=keep)
    assert second != first
    assert published_files(bare, "pages") == {
        "index.html",
        "news/a.html",
        "news/c.html",
        ".nojekyll",
    }
    assert git("show", "pages:index.html", cwd=bare) == "<p>2</p>"
    assert publish_folder(out, str(bare), "pages", "three", keep=keep) is None  # nothing new
    # a lock left by a killed publish: the kept repository is made again
    (keep / "publish-index.lock").write_text("")
    (out / "news" / "c.html").write_text("cc")
    third = publish_folder(out, str(bare), "pages", "four", keep=keep)
    assert git("show", "pages:news/c.html", cwd=bare) == "cc"
    assert git("rev-list", "--count", "pages", cwd=bare) == "3"
    assert third is not None


def test_a_kept_repository_knows_the_tip_it_pushed_and_fetches_nothing_next(tmp_path, bare):
    """After a push the kept repository records the pushed commit as the branch's tip:
    the next publish's fetch brings no pack (it brought the whole tree again, 3 s
    at 5,000 articles, bench/bench_publish.py).
    """
    keep = tmp_path / "cache" / "publish.git"
    out = tmp_path / "output"
    (out / "news").mkdir(parents=True)
    for number in range(20):
        (out / "news" / f"{number}.html").write_text(f"<p>{number}</p>")
    publish_folder(out, str(bare), "pages", "one", keep=keep)
    (out / "index.html").write_text("<p>home</p>")
    second = publish_folder(out, str(bare), "pages", "two", keep=keep)
    env = {**os.environ, "GIT_DIR": str(keep)}
    tip = subprocess.run(
        ["git", "rev-parse", "refs/remotes/site/pages"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert tip == second == git("rev-parse", "pages", cwd=bare)
    packs = sorted((keep / "objects" / "pack").glob("*.pack"))
    assert publish_folder(out, str(bare), "pages", "three", keep=keep) is None
    assert sorted((keep / "objects" / "pack").glob("*.pack")) == packs
