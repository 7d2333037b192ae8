"""Git lock files: the one a killed git left behind, and the one a live git holds.

A git killed with SIGKILL leaves its ``*.lock`` file (``index.lock``,
``refs/heads/<branch>.lock``, ...) and every later git command in that
repository fails.  :func:`judge` takes a lock for stale only when all of
these hold (README, "Git mode"):

* no live git process is using the repository: none whose working folder is
  inside it, or that names it in its arguments or in ``GIT_DIR``,
  ``GIT_WORK_TREE``, ``GIT_INDEX_FILE`` or ``GIT_COMMON_DIR`` (read from
  ``/proc``); a git process that cannot be inspected (another user's) counts
  as using it;
* the lock is the same file (inode, size, modification time) before and after
  that scan, so it is not one a git started after the scan has just made;
* it has not changed for ``min_age`` seconds, some room for a git this
  process cannot see at all (another container sharing the folder).

Without ``/proc`` nothing is ever taken for stale: the lock stays and the
service reports the failing commit.
"""

import logging
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

PROC = Path("/proc")
LOCK_MESSAGE = re.compile(r"Unable to create '([^']+\.lock)': File exists")
_GIT_ENV = (b"GIT_DIR", b"GIT_WORK_TREE", b"GIT_INDEX_FILE", b"GIT_COMMON_DIR")
_PATH_OPTIONS = ("--git-dir=", "--work-tree=")


def locks_named(message):
    """The lock files a git error message says exist (``Unable to create ...``)."""
    return [Path(p) for p in dict.fromkeys(LOCK_MESSAGE.findall(message))]


@dataclass
class Verdict:
    """What :func:`judge` found of a git lock file.

    ``state`` is one of gone, stale, young, held, unknown, foreign; ``wait`` (young) is the
    seconds until it may be taken for stale; ``holders`` (held) the ``(pid, command line)``.
    """

    state: str  # gone | stale | young | held | unknown | foreign
    wait: float = 0.0  # young: seconds until it may be taken for stale
    holders: list = field(default_factory=list)  # held: (pid, command line)

    def describe(self, lock):
        """A sentence on ``lock`` (its path) in this state, for the error of the git it blocked."""
        if self.state == "held" and self.holders:
            pid, command = self.holders[0]
            more = f" and {len(self.holders) - 1} more" if len(self.holders) > 1 else ""
            return f"{lock} exists and git process {pid} ({command}){more} is running here"
        if self.state == "held":
            return f"{lock} changed while it was being checked: a git is using it"
        if self.state == "foreign":
            return f"{lock} exists, outside this repository's git folder (never removed)"
        if self.state == "unknown":
            return f"{lock} exists and without /proc no one can tell whether a git holds it"
        return f"{lock}: {self.state}"


def git_processes(roots):
    """``(pid, command line)`` of the live git processes using any folder in
    ``roots``; ``None`` when there is no ``/proc`` to look in.
    """
    if not PROC.is_dir():
        return None
    roots = [os.path.realpath(r) for r in roots]
    me = os.getpid()
    found = []
    for entry in os.listdir(PROC):
        if not entry.isdigit() or int(entry) == me:
            continue
        base = PROC / entry
        try:
            argv = [a for a in (base / "cmdline").read_bytes().split(b"\0") if a]
        except OSError:
            continue  # gone
        if not argv:
            continue  # a kernel thread or a zombie: holds nothing
        program = os.path.basename(argv[0].decode("utf-8", "replace"))
        if program != "git" and not program.startswith("git-"):
            continue
        if _uses(base, argv, roots):
            found.append((int(entry), " ".join(a.decode("utf-8", "replace") for a in argv)))
    return found


def _inside(path, roots):
    return any(path == r or path.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _uses(base, argv, roots):
    try:
        cwd = os.readlink(base / "cwd")
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: assume it does
    if _inside(cwd, roots):
        return True
    for arg in argv[1:]:
        text = arg.decode("utf-8", "replace")
        for option in _PATH_OPTIONS:
            if text.startswith(option):
                text = text[len(option) :]
        if text and _inside(os.path.realpath(os.path.join(cwd, text)), roots):
            return True
    try:
        environ = (base / "environ").read_bytes().split(b"\0")
    except FileNotFoundError:
        return False
    except OSError:
        return True
    for item in environ:
        key, _, value = item.partition(b"=")
        if key in _GIT_ENV and value:
            path = os.path.realpath(os.path.join(cwd, value.decode("utf-8", "replace")))
            if _inside(path, roots):
                return True
    return False


def _identity(lock):
    st = os.stat(lock)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def judge(lock, roots, min_age=2.0):
    """A :class:`Verdict` on ``lock`` in the repository made of ``roots``
    (its working tree and git folders).
    """
    try:
        before = _identity(lock)
    except FileNotFoundError:
        return Verdict("gone")
    holders = git_processes(roots)
    if holders is None:
        return Verdict("unknown")
    if holders:
        return Verdict("held", holders=holders)
    try:
        after = _identity(lock)
    except FileNotFoundError:
        return Verdict("gone")
    if after != before:
        return Verdict("held")
    age = time.time() - after[2] / 1e9
    if age < min_age:
        return Verdict("young", wait=min_age - age)
    return Verdict("stale")


def remove_if_stale(lock, roots, git_dirs, min_age=2.0):
    """Judge ``lock`` and delete it when stale; the :class:`Verdict`.  Only a
    ``*.lock`` file inside one of ``git_dirs`` is ever deleted.
    """
    lock = Path(lock)
    real = os.path.realpath(lock)
    if not real.endswith(".lock") or not _inside(real, [os.path.realpath(d) for d in git_dirs]):
        return Verdict("foreign")  # not a lock of this repository's: never touched
    verdict = judge(lock, roots, min_age)
    if verdict.state == "stale":
        try:
            age = time.time() - os.stat(lock).st_mtime
            os.unlink(lock)
        except FileNotFoundError:
            return Verdict("gone")
        logger.warning(
            "git: removed %s, left %.0f s ago by a git that is no longer running", lock, age
        )
    return verdict
