"""The audit log: ``data/moderation/audit.log``, one JSON object a line per decision.

Each line: ``time`` (UTC, ISO 8601), ``moderator``, ``comment``
(``<NewsCode>/<Id>``), ``decision`` (approved | rejected), ``before`` (the
file's Status before it, ``""`` for none), ``was`` (the rules' decision the
moderator saw: held | published | rejected) and ``rule``.  Appended under the
desk's lock, flushed and synced before the decision is answered; in git mode
committed with the decision (README.md, Moderators' desk).
"""

import json
import os
from datetime import UTC, datetime
from pathlib import Path


class AuditLog:
    """Appends decisions to the log at ``path`` and finds the last one on a comment."""

    def __init__(self, path, clock=None):
        self.path = Path(path)
        self.clock = clock or (lambda: datetime.now(UTC))

    def append(self, moderator, key, decision, before, was, rule):
        """Write one decision's line; returns the entry written."""
        entry = {
            "time": self.clock().isoformat(timespec="seconds"),
            "moderator": moderator,
            "comment": key,
            "decision": decision,
            "before": before,
            "was": was,
            "rule": rule,
        }
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())
        return entry

    def entries(self):
        """Every entry, oldest first (a line that is not JSON is skipped)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict):
                found.append(entry)
        return found

    def last(self, key):
        """The latest entry on comment ``key``, or ``None``."""
        return next((e for e in reversed(self.entries()) if e.get("comment") == key), None)
