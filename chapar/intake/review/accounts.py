"""Moderators: ``data/moderation/moderators.toml``, a name and an Argon2 hash each.

The file holds no password, only ``PasswordHasher().hash(password)``; it is
written by ``invoke moderator`` and re-read by the desk when it changes, so
an account added, removed or given a new password takes effect at once.
"""

import functools
import os
import re
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
EMAIL = re.compile(r"^[^@\s\"<>]+@[^@\s\"<>]+$")
HEADER = (
    "# The moderators' desk accounts (README.md, Moderators' desk): written by\n"
    "# `invoke moderator`; only Argon2 hashes, never a password.\n"
)

_hasher = PasswordHasher()


@functools.cache
def _dummy():
    """A hash to verify against when the name is unknown, so that an unknown name costs
    what a known one does (made at the first need: a hash costs a few tenths of a second).
    """
    return _hasher.hash("not a password: the name is unknown")


class AccountError(ValueError):
    """A bad moderator name, e-mail address or password, or an unknown or existing account."""


@dataclass(frozen=True)
class Moderator:
    """One account: its name, its Argon2 hash and the e-mail its git commits carry."""

    name: str
    hash: str
    email: str = ""

    @property
    def git_email(self):
        """The address of this moderator's commits: the configured one, else ``<name>@desk``."""
        return self.email or f"{self.name}@desk"


def check_name(name):
    """``name`` if it is a valid account name (lower-case Latin letters, digits, ``._-``)."""
    if not isinstance(name, str) or not NAME.fullmatch(name):
        raise AccountError(
            f"moderator name {name!r}: 2 to 32 characters, a lower-case Latin letter "
            "first, then letters, digits, '.', '_' or '-'"
        )
    return name


def hash_password(password):
    """The Argon2id hash of ``password`` (at least 10 characters)."""
    if len(password) < 10:  # noqa: PLR2004
        raise AccountError("the password must have at least 10 characters")
    return _hasher.hash(password)


def read(path):
    """``{name: Moderator}`` from the file at ``path`` (empty when it does not exist)."""
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    found = {}
    for name, entry in (data.get("moderators") or {}).items():
        if isinstance(entry, dict) and isinstance(entry.get("hash"), str) and NAME.fullmatch(name):
            found[name] = Moderator(name, entry["hash"], str(entry.get("email", "")))
    return found


def write(path, moderators):
    """Write ``moderators`` (``{name: Moderator}``) to ``path``, atomically by rename."""
    lines = [HEADER]
    for name in sorted(moderators):
        m = moderators[name]
        lines.append(f'\n[moderators."{m.name}"]\nhash = "{m.hash}"\n')
        if m.email:
            lines.append(f'email = "{m.email}"\n')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    partial.write_text("".join(lines), encoding="utf-8")
    os.replace(partial, path)


def add(path, name, password, email=""):
    """Add moderator ``name`` with ``password`` to the file at ``path``."""
    moderators = read(path)
    check_name(name)
    if name in moderators:
        raise AccountError(f"moderator {name!r} already exists (--password changes a password)")
    if email and not EMAIL.fullmatch(email):
        raise AccountError(f"{email!r} is not an e-mail address")
    moderators[name] = Moderator(name, hash_password(password), email)
    write(path, moderators)


def remove(path, name):
    """Remove moderator ``name``: their sessions end at their next request."""
    moderators = read(path)
    if name not in moderators:
        raise AccountError(f"no moderator {name!r}")
    del moderators[name]
    write(path, moderators)


def set_password(path, name, password):
    """Give moderator ``name`` a new password: their open sessions end."""
    moderators = read(path)
    if name not in moderators:
        raise AccountError(f"no moderator {name!r}")
    old = moderators[name]
    moderators[name] = Moderator(name, hash_password(password), old.email)
    write(path, moderators)


class Accounts:
    """The moderators file as the desk sees it: re-read when its modification time changes."""

    def __init__(self, path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp = None
        self._moderators = {}

    def all(self):
        """``{name: Moderator}`` as the file holds them now."""
        try:
            st = self.path.stat()
            stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
        except FileNotFoundError:
            stamp = None
        with self._lock:
            if stamp != self._stamp:
                self._moderators = read(self.path) if stamp else {}
                self._stamp = stamp
            return self._moderators

    def get(self, name):
        """The :class:`Moderator` called ``name``, or ``None``."""
        return self.all().get(name)

    def verify(self, name, password):
        """The :class:`Moderator` when ``password`` is ``name``'s, else ``None`` (slow: Argon2)."""
        moderator = self.get(name) if isinstance(name, str) else None
        try:
            _hasher.verify(moderator.hash if moderator else _dummy(), password)
        except (VerificationError, InvalidHashError):
            return None
        return moderator
