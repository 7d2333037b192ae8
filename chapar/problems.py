"""Editor-facing problems: ``path:line: message``."""

import os
from typing import NamedTuple


class Problem(NamedTuple):
    """One problem in an input file, for an editor; ``str()`` gives ``path:line: message``.

    ``path`` is shown relative to the working directory when inside it; ``line`` is 1-based.
    """

    path: str
    line: int
    message: str

    def __str__(self):
        return f"{display_path(self.path)}:{self.line}: {self.message}"


class ContentError(ValueError):
    """Every problem found in one input file, raised by a reader so that
    Pelican skips the file; the safe_build plugin turns it into a failure.
    """

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(map(str, self.problems)))


def display_path(path):
    """Relative to the working directory when inside it, else as given."""
    path = os.fspath(path)
    if os.path.isabs(path):
        rel = os.path.relpath(path)
        if not rel.startswith(".."):
            return rel
    return path
