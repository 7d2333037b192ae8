"""Git mode: every written comment committed (and pushed) by one worker thread.

Posts only queue their file; a single thread commits whatever is queued in
one commit, so concurrent posts never race for ``.git/index.lock`` and no
comment is left out.  Files written before a crash (on disk, never
committed) are committed at start.
"""

import logging
import os
import subprocess
import threading
import time
from pathlib import Path

logger = logging.getLogger(__name__)

# The service commits as itself: a reader's name or address never reaches git metadata.
IDENTITY = {
    "GIT_AUTHOR_NAME": "Chapar comment intake",
    "GIT_AUTHOR_EMAIL": "intake@chapar.invalid",
    "GIT_COMMITTER_NAME": "Chapar comment intake",
    "GIT_COMMITTER_EMAIL": "intake@chapar.invalid",
}


class GitError(RuntimeError):
    pass


class GitCommitter:
    def __init__(self, folder, push=False, remote="origin", retries=20):
        self.folder = Path(folder)
        self.push = push
        self.remote = remote
        self.retries = retries
        self.repo = Path(self._git("rev-parse", "--show-toplevel", cwd=self.folder).strip())
        self._queue = []  # (path, key)
        self._busy = False
        self._stop = False
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="intake-git", daemon=True)
        self.commits = 0

    def start(self):
        leftovers = self._untracked()
        if leftovers:
            logger.warning("committing %d comment file(s) written but never committed",
                           len(leftovers))
            with self._cond:
                self._queue += [(p, str(p.relative_to(self.folder))) for p in leftovers]
        self._thread.start()

    def add(self, path, key):
        """Queue a new comment file (called by the desk after writing it)."""
        with self._cond:
            self._queue.append((Path(path), key))
            self._cond.notify()

    @property
    def pending(self):
        with self._cond:
            return len(self._queue) + (1 if self._busy else 0)

    def close(self, timeout=60):
        """Commit what is queued, then stop."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self):
        while True:
            with self._cond:
                while not self._queue and not self._stop:
                    self._cond.wait()
                if not self._queue and self._stop:
                    return
                batch, self._queue = self._queue, []
                self._busy = True
            try:
                self._commit(batch)
            except Exception:  # keep serving; the files stay on disk and are retried at start
                logger.exception("git: could not commit %d comment(s)", len(batch))
            finally:
                with self._cond:
                    self._busy = False

    def _commit(self, batch):
        paths = [str(p.relative_to(self.repo)) for p, _ in batch]
        keys = [key for _, key in batch]
        title = (f"Comment {keys[0]}" if len(keys) == 1
                 else f"Comments: {len(keys)} new")
        message = title + "\n\nWritten by the comment intake service (invoke intake).\n\n" + \
            "\n".join(keys) + "\n"
        self._git_retry("add", "--", *paths)
        # --only: the comments alone, whatever else an editor has staged
        self._git_retry("commit", "--quiet", "--no-verify", "-m", message, "--only", "--", *paths)
        self.commits += 1
        logger.info("git: committed %d comment(s)", len(keys))
        if self.push:
            self._push()

    def _push(self):
        try:
            self._git("push", "--quiet", self.remote, "HEAD")
        except GitError as first:
            # someone else pushed: replay our commits on theirs, once
            logger.warning("git: push refused (%s); rebasing on %s", first, self.remote)
            try:
                self._git("pull", "--rebase", "--quiet", self.remote,
                          self._git("rev-parse", "--abbrev-ref", "HEAD").strip())
                self._git("push", "--quiet", self.remote, "HEAD")
            except GitError:
                self._git("rebase", "--abort", check=False)
                logger.error("git: push to %s failed; will try again after the next comment",
                             self.remote)

    def _untracked(self):
        out = self._git("ls-files", "--others", "--exclude-standard", "-z", "--", ".",
                        cwd=self.folder)
        return [self.folder / p for p in out.split("\0") if p.endswith(".md")]

    def _git_retry(self, *args):
        """Run git, waiting while another git process holds the index lock."""
        for attempt in range(self.retries):
            try:
                return self._git(*args)
            except GitError as exc:
                if "index.lock" not in str(exc) or attempt == self.retries - 1:
                    raise
                time.sleep(0.1 * (attempt + 1))

    def _git(self, *args, cwd=None, check=True):
        env = {**os.environ, **IDENTITY}
        result = subprocess.run(["git", *args], cwd=cwd or self.repo, env=env,
                                capture_output=True, text=True)
        if check and result.returncode != 0:
            raise GitError(f"git {' '.join(args[:2])}: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout
