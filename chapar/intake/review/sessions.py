"""Server-side sessions: the signed cookie names one, the desk keeps the rest.

The cookie (Starlette's SessionMiddleware: signed with itsdangerous,
HttpOnly, Secure, SameSite=Strict, expiring) holds only a random session id
and the form token.  A session is valid while its id is in the
:class:`SessionBook`, younger than ``max_age`` seconds, and its moderator's
account still has the password hash it was opened with: signing out,
removing the account or changing its password ends it, whatever cookie a
browser still holds (README.md, Moderators' desk).
"""

import hashlib
import secrets
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Session:
    """An open session: who, since when (clock seconds) and the hash it was opened with."""

    id: str
    name: str
    opened: float
    hash_digest: str


def _digest(hash_):
    return hashlib.sha256(hash_.encode()).hexdigest()[:16]


class SessionBook:
    """The open sessions of this process; ``clock`` (seconds) injectable for the tests."""

    def __init__(self, max_age, clock=None):
        self.max_age = max_age
        self.clock = clock or time.time
        self._open = {}
        self._lock = threading.Lock()

    def open(self, moderator):
        """A new session for ``moderator`` (a fresh id: no fixation); its id."""
        session = Session(
            secrets.token_urlsafe(32), moderator.name, self.clock(), _digest(moderator.hash)
        )
        with self._lock:
            self._expire()
            self._open[session.id] = session
        return session.id

    def find(self, session_id, accounts):
        """The :class:`Session` and its Moderator for ``session_id``, or ``(None, None)``."""
        if not isinstance(session_id, str):
            return None, None
        with self._lock:
            session = self._open.get(session_id)
            if session is not None and self.clock() - session.opened >= self.max_age:
                del self._open[session_id]
                session = None
        if session is None:
            return None, None
        moderator = accounts.get(session.name)
        if moderator is None or _digest(moderator.hash) != session.hash_digest:
            self.close(session_id)
            return None, None
        return session, moderator

    def close(self, session_id):
        """End the session ``session_id`` (sign-out): its cookie is refused from now on."""
        with self._lock:
            self._open.pop(session_id, None)

    def _expire(self):
        now = self.clock()
        for sid in [s for s, v in self._open.items() if now - v.opened >= self.max_age]:
            del self._open[sid]
