"""The sign-in throttle: failed attempts per address and per account.

The first ``free`` failures cost nothing; each later one makes the next
attempt wait twice as long as the one before (1 s, 2 s, 4 s ...); after
``lock_after`` failures the address or account is locked for ``lock_for``
seconds, then starts again from nothing (README.md, Moderators' desk).  An
attempt made too early is refused without looking at the password; one
allowed counts as a failure until it succeeds, so attempts sent at once
cannot all slip through before the first fails.  The clock is injectable (``clock``: seconds, monotonic) for the tests.
"""

import threading
import time
from dataclasses import dataclass

MAX_RECORDS = 10_000  # the addresses and names remembered at most


@dataclass
class _Record:
    failures: int = 0
    last: float = 0.0
    not_before: float = 0.0  # the next attempt is refused until then
    locked: bool = False


class SignInThrottle:
    """Failed sign-ins counted per key (``"addr:<address>"``, ``"name:<name>"``)."""

    def __init__(self, free=3, lock_after=10, lock_for=900.0, max_delay=60.0, clock=None):
        self.free = free
        self.lock_after = lock_after
        self.lock_for = lock_for
        self.max_delay = max_delay
        self.clock = clock or time.monotonic
        self._records = {}
        self._lock = threading.Lock()

    def wait(self, *keys):
        """Seconds until an attempt for ``keys`` is allowed (0: allowed now)."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            return max(
                (max(0.0, r.not_before - now) for k in keys if (r := self._records.get(k))),
                default=0.0,
            )

    def locked(self, *keys):
        """Whether one of ``keys`` is locked (not only slowed) right now."""
        now = self.clock()
        with self._lock:
            return any(
                (r := self._records.get(k)) and r.locked and r.not_before > now for k in keys
            )

    def attempt(self, *keys):
        """Start an attempt for ``keys``: the seconds to wait (the attempt refused, not
        counted), or 0 and the attempt counted as failed until :meth:`succeeded` says
        otherwise, so that many attempts sent at once cannot all pass before the first fails.
        """
        now = self.clock()
        with self._lock:
            self._forget(now)
            wait = max(
                (max(0.0, r.not_before - now) for k in keys if (r := self._records.get(k))),
                default=0.0,
            )
            if wait <= 0:
                self._count(now, keys)
            return wait

    def failed(self, *keys):
        """Count a failed attempt against each of ``keys``."""
        now = self.clock()
        with self._lock:
            self._forget(now)
            self._count(now, keys)

    def _count(self, now, keys):
        """One more failure for each of ``keys`` (hold ``_lock``)."""
        for key in keys:
            record = self._records.setdefault(key, _Record())
            record.failures += 1
            record.last = now
            if record.failures >= self.lock_after:
                record.locked = True
                record.not_before = now + self.lock_for
            elif record.failures > self.free:
                delay = min(self.max_delay, 2.0 ** (record.failures - self.free - 1))
                record.not_before = now + delay

    def succeeded(self, *keys):
        """Forget the failures of ``keys`` (a successful sign-in)."""
        with self._lock:
            for key in keys:
                self._records.pop(key, None)

    def _forget(self, now):
        """Drop records quiet for ``lock_for`` seconds whose wait is over (a lock lifts, old
        failures expire); past ``MAX_RECORDS`` (names sprayed from many addresses) the oldest go.
        """
        stale = [
            k
            for k, r in self._records.items()
            if r.not_before <= now and now - r.last >= self.lock_for
        ]
        for key in stale:
            del self._records[key]
        if len(self._records) > MAX_RECORDS:
            by_age = sorted(self._records, key=lambda k: self._records[k].last)
            for key in by_age[: len(self._records) - MAX_RECORDS]:
                del self._records[key]
