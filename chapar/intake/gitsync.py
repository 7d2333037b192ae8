"""Git mode: every written comment committed (and pushed) by one worker thread.

Posts only queue their file; a single thread commits whatever is waiting in
one commit, so concurrent posts never race for ``.git/index.lock``.  Each
commit sweeps every comment file under the comments folder that differs from
``HEAD`` (new, staged or modified; never a deletion, never anything outside
the folder), so whatever a killed service left written or staged but not
committed goes into the next commit, the first one made at start.

A commit that fails stays pending: it is retried after a pause that grows to
``max_pause`` seconds, and :meth:`GitCommitter.health` reports the error and
the count until one succeeds (README, "Git mode").  The moderators' desk
runs its decisions in the same thread (:meth:`GitCommitter.run`), each
committed with the moderator as its author (:meth:`GitCommitter.commit_as`).  A lock a killed git left
behind is removed only when :mod:`.locks` finds no live git using the
repository.
"""

import logging
import os
import subprocess
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from chapar.intake.locks import locks_named, remove_if_stale

logger = logging.getLogger(__name__)

# The service commits as itself: a reader's name or address never reaches git metadata.
IDENTITY = {
    "GIT_AUTHOR_NAME": "Chapar comment intake",
    "GIT_AUTHOR_EMAIL": "intake@chapar.invalid",
    "GIT_COMMITTER_NAME": "Chapar comment intake",
    "GIT_COMMITTER_EMAIL": "intake@chapar.invalid",
    # reads (status, diff) never take index.lock, so they never make a commit wait
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",  # a push needing a password fails instead of waiting
}


class GitError(RuntimeError):
    """A git command that failed: ``git <verb>: <git's error, or the lock that stopped it>``."""


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


class GitCommitter:
    """Commits (and pushes) the comment files under ``folder`` from one worker thread.

    Posts queue their file with :meth:`add`; :meth:`start` queues what an earlier run left
    uncommitted and starts the thread; :meth:`health` reports failures, :meth:`close` stops
    it.  ``lock_wait``, ``stale_age`` and ``max_pause`` are seconds.  Raises
    :class:`GitError` if ``folder`` is not in a git repository.
    """

    def __init__(
        self, folder, push=False, remote="origin", lock_wait=5.0, stale_age=2.0, max_pause=30.0
    ):
        self.folder = Path(folder).resolve()
        self.push = push
        self.remote = remote
        self.lock_wait = lock_wait  # seconds a commit waits for a live git's lock
        self.stale_age = stale_age  # a lock unchanged this long, with no git running, is stale
        self.max_pause = max_pause  # the longest pause between two failed attempts
        top, git_dir, common = self._git(
            "rev-parse",
            "--path-format=absolute",
            "--show-toplevel",
            "--git-dir",
            "--git-common-dir",
            cwd=self.folder,
        ).splitlines()
        self.repo = Path(top)
        self.git_dirs = list(dict.fromkeys([Path(git_dir), Path(common)]))
        self.roots = [self.repo, *self.git_dirs]
        rel = self.folder.relative_to(self.repo).as_posix()
        self.pathspec = f":(glob){rel}/**/*.md" if rel != "." else ":(glob)**/*.md"
        self._pending = {}  # repo-relative path -> key: acknowledged, not yet in HEAD
        self._jobs = []  # (job, done event, result box): the desk's decisions
        self._inline = threading.Lock()  # jobs run without the worker, one at a time
        self._sweep = False  # commit what is on disk even with nothing queued
        self._unpushed = False
        self._stop = False
        self._failures = 0
        self._retry_at = 0.0
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="intake-git", daemon=True)
        self.commits = 0
        self.last_commit = None
        self.error = None
        self.failing_since = None
        self.push_error = None

    # -- the desk's side ----------------------------------------------------

    def start(self):
        """Queue what an earlier run left uncommitted, then start the worker."""
        for lock in self.git_dirs[0].glob("next-index-*.lock"):  # a killed `commit --only`'s
            remove_if_stale(lock, self.roots, self.git_dirs, self.stale_age)
        try:
            leftovers = self._changed()
        except Exception as exc:  # noqa: BLE001 (reported by health(), retried by the worker)
            logger.error("git: cannot list uncommitted comments: %s", exc)
            self._record_failure(exc)
            leftovers = []
            self._sweep = True
        if leftovers:
            logger.warning(
                "git: committing %d comment file(s) written but never committed", len(leftovers)
            )
            with self._cond:
                for path in leftovers:
                    self._pending.setdefault(path, self._key(path))
        self._thread.start()

    def add(self, path, key):
        """Queue a new comment file (called by the desk after writing it)."""
        rel = Path(path).resolve().relative_to(self.repo).as_posix()
        with self._cond:
            self._pending[rel] = key
            self._cond.notify()

    @property
    def pending(self):
        """Comments written (and acknowledged) that are not in ``HEAD`` yet."""
        with self._cond:
            return len(self._pending)

    def health(self):
        """What ``/healthz`` reports (README, "Git mode")."""
        with self._cond:
            return {
                "ok": self.error is None and self.push_error is None,
                "pending_commits": len(self._pending),
                "commits": self.commits,
                "last_commit": self.last_commit,
                "error": self.error,
                "failing_since": self.failing_since,
                "push_error": self.push_error,
            }

    def run(self, job):
        """Run ``job()`` in the worker thread, between two commits; its result or its exception.

        A job may write comment files and commit them (:meth:`commit_as`): no
        commit of the service's own can take them halfway.  Without a running
        worker (not started, or closed) the job runs here.
        """
        done, box = threading.Event(), {}
        with self._cond:
            inline = self._stop or not self._thread.is_alive()
            if not inline:
                self._jobs.append((job, done, box))
                self._cond.notify()
        if inline:
            with self._inline:
                return job()
        done.wait()
        if "error" in box:
            raise box["error"]
        return box["result"]

    def commit_as(self, paths, message, name, email):
        """Commit ``paths`` (files in the repository) alone, with ``name <email>`` as the
        author (the committer stays the service); call it from a :meth:`run` job.
        """
        rels = [Path(p).resolve().relative_to(self.repo).as_posix() for p in paths]
        env = {"GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email}
        self._locked("--literal-pathspecs", "add", "--", *rels)
        self._commit_only(message, rels, env=env)
        with self._cond:
            self.commits += 1
            self.last_commit = _now()
            self._unpushed = True
            for rel in rels:
                self._pending.pop(rel, None)
        logger.info("git: committed a decision by %s (%d file(s))", name, len(rels))

    def close(self, timeout=60):
        """Commit what is queued (one last attempt), then stop."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

    # -- the worker ---------------------------------------------------------

    def _due(self):
        return bool(self._pending) or self._sweep or (self.push and self._unpushed)

    def _run(self):
        while True:
            with self._cond:
                while not self._stop:
                    if self._jobs:
                        break
                    if not self._due():
                        self._cond.wait()
                        continue
                    pause = self._retry_at - time.monotonic()
                    if pause <= 0:
                        break
                    self._cond.wait(pause)
                jobs, self._jobs = self._jobs, []
                final = self._stop
                if final and not self._due() and not jobs:
                    return
                batch, sweep = dict(self._pending), self._sweep
            for job, done, box in jobs:
                try:
                    box["result"] = job()
                except BaseException as exc:  # noqa: BLE001 (handed to the caller of run())
                    box["error"] = exc
                done.set()
            if jobs and not final:
                continue  # what else is due, after its pause
            self._attempt(batch, sweep)
            if final:
                left = self.pending
                if left:
                    logger.error(
                        "git: %d comment(s) are on disk but not committed; the next "
                        "start commits them",
                        left,
                    )
                return

    def _attempt(self, batch, sweep):
        if batch or sweep:
            try:
                committed = self._commit(batch)
            except Exception as exc:
                pause = self._record_failure(exc)
                logger.error(
                    "git: could not commit %d comment(s), retrying in %.0f s: %s",
                    len(batch),
                    pause,
                    exc,
                    exc_info=not isinstance(exc, GitError),
                )
                return
            with self._cond:
                for path in [*batch, *committed]:
                    self._pending.pop(path, None)
                self._sweep = False
                self.error = self.failing_since = None
                if committed:
                    self.commits += 1
                    self.last_commit = _now()
                    self._unpushed = True
                if self.push_error is None:
                    self._failures = 0
        if self.push and self._unpushed:
            try:
                self._push()
            except Exception as exc:
                pause = self._record_failure(exc, push=True)
                logger.error(
                    "git: push to %s failed, retrying in %.0f s: %s",
                    self.remote,
                    pause,
                    exc,
                    exc_info=not isinstance(exc, GitError),
                )
                return
            with self._cond:
                self._unpushed = False
                self.push_error = None
                self._failures = 0

    def _record_failure(self, exc, push=False):
        with self._cond:
            self._failures += 1
            pause = min(self.max_pause, 2.0 ** (self._failures - 1))
            self._retry_at = time.monotonic() + pause
            text = str(exc) if isinstance(exc, GitError) else f"{type(exc).__name__}: {exc}"
            text = text.encode("utf-8", "replace").decode("utf-8")  # a file name's stray bytes
            if push:
                self.push_error = text
            else:
                self.error = text
                self.failing_since = self.failing_since or _now()
        return pause

    def _key(self, rel):
        path = (self.repo / rel).relative_to(self.folder).as_posix()
        return path[:-3] if path.endswith(".md") else path

    def _changed(self):
        """Comment files (repo-relative) that differ from ``HEAD`` and exist:
        untracked, staged or modified.
        """
        out = self._git(
            "status",
            "--porcelain",
            "-z",
            "--untracked-files=all",
            "--no-renames",
            "--",
            self.pathspec,
        )
        found = []
        for entry in out.split("\0"):
            if len(entry) > 3 and (self.repo / entry[3:]).is_file():  # noqa: PLR2004
                found.append(entry[3:])
        return found

    def _commit(self, batch):
        """Commit every comment file that differs from ``HEAD``; the paths committed."""
        self._locked("add", "--ignore-removal", "--", self.pathspec)
        out = self._git(
            "diff", "--cached", "--name-status", "--no-renames", "-z", "--", self.pathspec
        )
        fields = out.split("\0")
        changes = [
            (s, p) for s, p in zip(fields[0::2], fields[1::2], strict=False) if s and s != "D"
        ]
        if not changes:
            return []
        paths = [p for _, p in changes]
        new = [self._key(p) for s, p in changes if s == "A"]
        changed = [self._key(p) for s, p in changes if s != "A"]
        if len(changes) == 1:
            title = f"Comment {(new or changed)[0]}" + ("" if new else " changed")
        else:
            title = f"Comments: {len(new)} new" + (f", {len(changed)} changed" if changed else "")
        late = len(set(paths) - set(batch))
        message = (
            title
            + "\n\nWritten by the comment intake service (invoke intake)"
            + (f"; {late} written before this commit was started" if late else "")
            + ".\n\n"
            + "\n".join(new + changed)
            + "\n"
        )
        self._commit_only(message, paths)
        logger.info("git: committed %d comment file(s)", len(paths))
        return paths

    def _commit_only(self, message, paths, env=None):
        """Commit ``paths`` (relative to the repository) and nothing else: ``--only``,
        whatever else an editor has staged; ``env`` sets the author, if given.
        """
        self._locked(
            "--literal-pathspecs",
            "commit",
            "--quiet",
            "--no-verify",
            "-m",
            message,
            "--only",
            "--pathspec-from-file=-",
            "--pathspec-file-nul",
            input="\0".join(paths),
            env=env,
        )

    def _push(self):
        try:
            self._locked("push", "--quiet", self.remote, "HEAD")
        except GitError as first:
            # someone else pushed: replay our commits on theirs, once
            logger.warning("git: push refused (%s); rebasing on %s", first, self.remote)
            try:
                self._locked(
                    "pull",
                    "--rebase",
                    "--quiet",
                    self.remote,
                    self._git("rev-parse", "--abbrev-ref", "HEAD").strip(),
                )
                self._locked("push", "--quiet", self.remote, "HEAD")
            except GitError:
                self._git("rebase", "--abort", check=False)
                raise

    def _locked(self, *args, input=None, env=None):
        """Run git; while a lock is in the way, wait for a live git that holds
        it (up to ``lock_wait`` seconds) or remove it when a dead git left it.
        """
        deadline = time.monotonic() + self.lock_wait
        give_up = deadline + self.stale_age + 5  # a lock that keeps coming back
        pause = 0.05
        while True:
            try:
                return self._git(*args, input=input, env=env)
            except GitError as exc:
                locks = locks_named(str(exc))
                if not locks:
                    raise
                verdicts = [
                    (lock, remove_if_stale(lock, self.roots, self.git_dirs, self.stale_age))
                    for lock in locks
                ]
                blocked = [
                    (lock, v) for lock, v in verdicts if v.state in ("held", "unknown", "foreign")
                ]
                now = time.monotonic()
                if (blocked and now >= deadline) or now >= give_up:
                    lock, verdict = (blocked or verdicts)[0]
                    verb = next((a for a in args if not a.startswith("-")), "")
                    raise GitError(f"git {verb}: {verdict.describe(lock)}") from exc
                young = [v.wait for _, v in verdicts if v.state == "young"]
                if blocked:
                    time.sleep(pause)
                    pause = min(pause * 2, 1.0)
                elif young:
                    time.sleep(max(young) + 0.05)  # then it is stale, unless it changed

    def _git(self, *args, cwd=None, check=True, input=None, env=None):
        env = {**os.environ, **IDENTITY, **(env or {})}
        result = subprocess.run(
            ["git", *args],
            cwd=cwd or self.repo,
            env=env,
            input=input,
            capture_output=True,
            encoding="utf-8",
            errors="surrogateescape",
            check=False,
        )
        if check and result.returncode != 0:
            verb = next((a for a in args if not a.startswith("-")), "")
            raise GitError(f"git {verb}: {result.stderr.strip() or result.stdout.strip()}")
        return result.stdout
