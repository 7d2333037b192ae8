"""Every error a build logs, kept to fail the build with all of them at once."""

import logging
import sys

from chapar.build.errors import BuildError


class ProblemCollector(logging.Handler):
    """Keeps the message of every error record, ``path:line: message`` first."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.problems = []

    def emit(self, record):
        """Keep the record's problems: those of the exception it reports, else its message.

        A :class:`~chapar.problems.ContentError` (attached or being handled) gives each of
        its ``path:line: message`` problems; any other error record gives its message.
        """
        # Pelican logs a reader's exception without attaching it; the
        # exception is still the one being handled while the record is emitted.
        exc = record.exc_info[1] if record.exc_info else sys.exc_info()[1]
        problems = getattr(exc, "problems", None)
        if problems:
            self.problems.extend(str(p) for p in problems)
        else:
            self.problems.append(record.getMessage())

    def raise_if_any(self):
        """Raise :class:`BuildError` with the problems kept so far, each once, in order.

        The problems are forgotten first; with none kept, does nothing.
        """
        if self.problems:
            problems = list(dict.fromkeys(self.problems))  # once each, in order
            self.problems.clear()
            raise BuildError(problems)
