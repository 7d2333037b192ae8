"""The error a build raises when its input has problems."""


class BuildError(Exception):
    """The build found bad input; ``problems`` holds one line per problem."""

    def __init__(self, problems):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' if count != 1 else ''}:\n" + "\n".join(self.problems)
        )
