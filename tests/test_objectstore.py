"""invoke publish --to: only changed files reach an S3-compatible store (a local moto server)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chapar.publishing import PublishError
from chapar.publishing.objectstore import rclone_binary, upload


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    """A moto S3 server on loopback, and the rclone remote ``store:`` pointing at it."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                pytest.fail("moto_server did not start")
            time.sleep(0.2)
    env = {
        "RCLONE_CONFIG_STORE_TYPE": "s3",
        "RCLONE_CONFIG_STORE_PROVIDER": "Other",
        "RCLONE_CONFIG_STORE_ACCESS_KEY_ID": "test",
        "RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY": "test",
        "RCLONE_CONFIG_STORE_ENDPOINT": f"http://127.0.0.1:{port}",
        "RCLONE_CONFIG_STORE_REGION": "us-east-1",
        "RCLONE_CONFIG": os.devnull,
    }
    subprocess.run([rclone_binary(), "mkdir", "store:site"], env={**os.environ, **env}, check=True)
    yield env
    server.kill()
    server.wait()


def listing(env, path="store:site"):
    run = subprocess.run(
        [rclone_binary(), "lsf", "-R", "--files-only", path],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return sorted(run.stdout.split())


def cat(env, path):
    return subprocess.run(
        [rclone_binary(), "cat", path],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def write(root, rel, text):
    path = Path(root) / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_a_second_publish_uploads_only_what_changed_and_deletes_what_went(s3, tmp_path):
    site = tmp_path / "output"
    for n in range(1, 6):
        write(site, f"news/{n}/index.html", f"<p>خبر {n}</p>")
    write(site, "index.html", "<p>خانه</p>")
    first = upload(site, "store:site", env=s3)
    assert first["transfers"] == 6
    assert listing(s3) == sorted([*(f"news/{n}/index.html" for n in range(1, 6)), "index.html"])

    os.utime(site / "index.html", (1, 1))  # a rebuild's new times alone upload nothing
    write(site, "news/3/index.html", "<p>خبر ۳، اصلاح شد</p>")
    (site / "news/5/index.html").unlink()
    write(site, "news/6/index.html", "<p>خبر ۶</p>")
    second = upload(site, "store:site", env=s3)
    assert (second["transfers"], second["deletes"]) == (2, 1)
    assert "news/5/index.html" not in listing(s3)
    assert "news/6/index.html" in listing(s3)
    assert cat(s3, "store:site/news/3/index.html") == "<p>خبر ۳، اصلاح شد</p>"

    assert upload(site, "store:site", env=s3)["transfers"] == 0


def test_a_dry_run_uploads_nothing(s3, tmp_path):
    write(tmp_path / "out", "index.html", "x")
    counts = upload(tmp_path / "out", "store:dry", dry_run=True, env=s3)
    assert counts["transfers"] == 1
    assert (
        subprocess.run(
            [rclone_binary(), "lsf", "store:dry"],
            env={**os.environ, **s3},
            capture_output=True,
            check=False,
        ).returncode
        != 0
    )  # the bucket was never made


def test_a_bad_destination_is_one_clear_error(s3, tmp_path):
    write(tmp_path / "out", "index.html", "x")
    with pytest.raises(PublishError, match="expected an rclone remote"):
        upload(tmp_path / "out", "no-colon", env=s3)
    with pytest.raises(PublishError, match="rclone sync to nowhere:bucket failed"):
        upload(tmp_path / "out", "nowhere:bucket", env=s3)
