"""Posts per client per minute: a sliding window per client address."""

import math
import time
from collections import deque


class RateLimiter:
    """At most ``limit`` posts in any ``window`` seconds per key; ``limit`` 0
    lets everything through.  Used from the event loop only (no lock).
    """

    def __init__(self, limit, window=60.0, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self.clock = clock
        self._hits = {}
        self._calls = 0

    def hit(self, key):
        """Count a post; ``0`` if allowed, else the seconds to wait."""
        if not self.limit:
            return 0
        now = self.clock()
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = deque()
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        self._calls += 1
        if self._calls % 4096 == 0:
            self._forget(now)
        if len(hits) >= self.limit:
            return max(1, math.ceil(hits[0] + self.window - now))
        hits.append(now)
        return 0

    def _forget(self, now):
        """Drop clients with no post in the window (memory stays bounded)."""
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window]
        for key in stale:
            del self._hits[key]
