"""A moderator's decision: the comment's ``Status`` line, the audit log, and in git mode a commit.

Decisions are made one at a time (a lock, or the git worker's thread in git
mode).  Each compares the ``Status`` the moderator's page showed with the
file's current one: when another moderator (or an editor) decided in
between, nothing is written and the moderator is told who did.  The file is
written by :func:`chapar.comments.status.set_status`, the function ``invoke
moderation --approve/--reject`` uses (README.md, Moderators' desk).
"""

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from chapar.comments.status import Conflict, find_comment, set_status
from chapar.intake.review.queue import valid_key

logger = logging.getLogger(__name__)

DECISIONS = ("approved", "rejected")


@dataclass
class Outcome:
    """What became of one comment: ``done``, ``conflict`` (decided in between), ``missing``."""

    key: str
    result: str
    status: str = ""  # the file's Status now
    by: str = ""  # conflict: who decided it, if the audit log says
    error: str = ""  # git mode: why the commit failed (the decision is written)


@dataclass(frozen=True)
class Choice:
    """One comment the moderator decides: its key, the Status the page showed, and the
    rules' decision (status and rule) the desk listed it under.
    """

    key: str
    seen: str
    was: str = ""
    rule: str = ""


class Decider:
    """Writes decisions on the comments of the site at ``root``.

    ``audit``: an :class:`~chapar.intake.review.audit.AuditLog`;
    ``committer``: the service's :class:`~chapar.intake.gitsync.GitCommitter` (git mode), or ``None``.
    """

    def __init__(self, root, audit, committer=None):
        self.root = Path(root).resolve()
        self.comments = self.root / "content" / "comments"
        self.audit = audit
        self.committer = committer
        self._lock = threading.Lock()

    def decide(self, moderator, choices, decision):
        """Decide every :class:`Choice` in ``choices`` (``decision``: approved | rejected).

        Returns an :class:`Outcome` per choice.  ``ValueError`` for a bad
        decision or key (nothing is read or written then).
        """
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}")
        for choice in choices:
            if not valid_key(choice.key) or choice.seen not in ("", *DECISIONS):
                raise ValueError(f"bad comment {choice.key!r}")

        def job():
            with self._lock:
                return self._decide(moderator, choices, decision)

        if self.committer is not None:
            return self.committer.run(job)
        return job()

    def _conflict(self, key, status):
        """The :class:`Outcome` of a comment decided in between, naming who if the log says."""
        last = self.audit.last(key)
        by = last["moderator"] if last and last.get("decision") == status else ""
        return Outcome(key, "conflict", status, by)

    def _decide(self, moderator, choices, decision):
        outcomes, written = [], []
        for choice in choices:
            try:
                path, comment = find_comment(self.root, choice.key)
            except LookupError:
                outcomes.append(Outcome(choice.key, "missing"))
                continue
            if not Path(path).resolve().is_relative_to(self.comments):
                outcomes.append(Outcome(choice.key, "missing"))
                continue
            if comment.status == decision:
                outcomes.append(self._conflict(choice.key, comment.status))
                continue
            try:  # compared again under the file's lock: an editor's invoke moderation too
                written.append(set_status(self.root, choice.key, decision, expect=choice.seen))
            except Conflict as conflict:
                outcomes.append(self._conflict(choice.key, conflict.status))
                continue
            self.audit.append(
                moderator.name, choice.key, decision, comment.status, choice.was, choice.rule
            )
            outcomes.append(Outcome(choice.key, "done", decision))
        if written and self.committer is not None:
            done = [o.key for o in outcomes if o.result == "done"]
            verb = "approved" if decision == "approved" else "rejected"
            title = (
                f"Comment {done[0]} {verb}" if len(done) == 1 else f"Comments: {len(done)} {verb}"
            )
            message = (
                f"{title} by {moderator.name} on the moderators' desk\n\n" + "\n".join(done) + "\n"
            )
            paths = [*written]
            if self.audit.path.resolve().is_relative_to(self.committer.repo):
                paths.append(self.audit.path)
            try:
                self.committer.commit_as(paths, message, moderator.name, moderator.git_email)
            except Exception as exc:  # noqa: BLE001 (written and logged: the next commit takes it)
                logger.error("git: could not commit %s's decision: %s", moderator.name, exc)
                for outcome in outcomes:
                    if outcome.result == "done":
                        outcome.error = str(exc)
        return outcomes
