"""Publishing a built site to a branch of a git remote.

Not a Pelican plugin: ``invoke publish`` and the tests use it.  Plain git,
no checkout of the branch: the output folder is committed as a tree on top
of the branch's last commit, in a scratch repository, and pushed.  An
unchanged site makes no commit, so publishing the same source twice leaves
the branch as it was.

The scratch repository may be kept between publishes (``invoke publish``
keeps it in ``cache/publish.git``): its objects make the next fetch small,
and its index makes ``git add`` read only the files whose size, time or
inode changed, which a rebuild's reused pages keep (plugins/chapar_page_cache
hard-links them from the last build; linking changes a file's ctime, so git
is told not to trust it).  After a push it records the pushed commit as the
branch's tip, so the next fetch of an unchanged branch brings nothing.  A
kept repository git cannot use is made again.
"""

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# Host-specific files that are not part of the built site.
EXTRA_FILES = {".nojekyll": b""}  # GitHub Pages: serve files as they are

IDENTITY = {
    "GIT_AUTHOR_NAME": "Chapar publisher",
    "GIT_AUTHOR_EMAIL": "publisher@chapar.invalid",
    "GIT_COMMITTER_NAME": "Chapar publisher",
    "GIT_COMMITTER_EMAIL": "publisher@chapar.invalid",
}


class PublishError(RuntimeError):
    """A git command of the publish failed; the message has git's stderr."""


def git(*args, cwd=None, env=None, input=None):
    """Run ``git args`` and return its stdout, decoded and stripped.

    ``env`` is added to the environment, ``input`` (bytes) is fed to stdin.
    Raises :class:`PublishError` with git's stderr on a non-zero exit.
    """
    result = subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        input=input,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise PublishError(
            f"git {' '.join(args)} failed: {result.stderr.decode(errors='replace').strip()}"
        )
    return result.stdout.decode().strip()


def resolve_remote(remote, repo="."):
    """A remote name of ``repo`` (``origin``) or a URL/path as given."""
    try:
        return git("remote", "get-url", remote, cwd=repo)
    except PublishError:
        return remote


def publish_folder(folder, remote, branch, message, repo=".", dry_run=False, date=None, keep=None):
    """Commit ``folder`` as the whole tree of ``branch`` on ``remote`` and push.
    ``date`` (git date format; the source commit's date, say) makes the
    publish commit reproducible; by default it is the current time.  ``keep``:
    a folder for the scratch repository kept between publishes (default: a
    temporary one).
    Returns the new commit id, or ``None`` when the branch already holds
    exactly this site (nothing is committed or pushed then).
    """
    folder = Path(folder).resolve()
    url = resolve_remote(remote, repo)
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="chapar-publish-") as scratch:
            return _publish(folder, url, branch, message, dry_run, date, scratch)
    keep = Path(keep)
    try:
        return _publish(folder, url, branch, message, dry_run, date, keep)
    except PublishError:
        if not (keep / "HEAD").is_file():
            raise
    # a kept repository that failed (a lock left by a killed publish, say): once more, anew
    shutil.rmtree(keep, ignore_errors=True)
    return _publish(folder, url, branch, message, dry_run, date, keep)


def _publish(folder, url, branch, message, dry_run, date, scratch):
    """:func:`publish_folder` with the scratch repository at ``scratch`` (made if missing)."""
    scratch = str(scratch)
    if not os.path.isfile(os.path.join(scratch, "HEAD")):
        os.makedirs(scratch, exist_ok=True)
        git("init", "-q", "--bare", scratch)
    env = {
        "GIT_DIR": scratch,
        "GIT_WORK_TREE": str(folder),
        "GIT_INDEX_FILE": os.path.join(scratch, "publish-index"),
        **IDENTITY,
    }
    parent = None
    try:
        git(
            "fetch",
            "-q",
            "--depth=1",
            url,
            f"+refs/heads/{branch}:refs/remotes/site/{branch}",
            env=env,
        )
        parent = git("rev-parse", f"refs/remotes/site/{branch}", env=env)
    except PublishError as error:
        if "couldn't find remote ref" not in str(error):
            raise  # unreachable remote: fail; a missing branch is created
        with contextlib.suppress(PublishError):  # a branch deleted since the last publish
            git("update-ref", "-d", f"refs/remotes/site/{branch}", env=env)
    # ctime changes when the page cache links a reused page: size, mtime and inode say enough
    git("-c", "core.trustctime=false", "add", "--all", "--force", ".", env=env)
    for name, data in EXTRA_FILES.items():
        blob = git("hash-object", "-w", "--stdin", env=env, input=data)
        git("update-index", "--add", "--cacheinfo", f"100644,{blob},{name}", env=env)
    tree = git("write-tree", env=env)
    if parent and git("rev-parse", f"{parent}^{{tree}}", env=env) == tree:
        return None
    dates = {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date} if date else {}
    args = ["commit-tree", tree, "-m", message] + (["-p", parent] if parent else [])
    commit = git(*args, env={**env, **dates})
    if not dry_run:
        # No delta search: pages differ little from each other, and git spent most of a
        # cold push finding it (5,000 stories: 14.5 s, 52 MB; without: 6.2 s, 69 MB).
        # zlib's fastest level: git compresses every new page again as it packs
        # (5,000 stories: 8.1 s and 69 MB at git's default level, 5.5 s and 78 MB).
        # The upload is larger, the remote repacks as it likes (GitHub does).
        git(
            *("-c", "pack.window=0", "-c", "pack.compression=1"),
            *("push", "-q", url, f"{commit}:refs/heads/{branch}"),
            env=env,
        )
        # The remote's tip is now this commit: the next fetch has nothing to send.
        # Without the ref it would fetch the whole tree again (3 s at 5,000 articles).
        git("update-ref", f"refs/remotes/site/{branch}", commit, env=env)
    return commit


def source_revision(repo):
    """``(short commit id, commit date)`` of the source, or ``("unknown", None)``."""
    try:
        return (
            git("rev-parse", "--short=12", "HEAD", cwd=repo),
            git("log", "-1", "--format=%cI", cwd=repo),
        )
    except (PublishError, FileNotFoundError):
        return "unknown", None
