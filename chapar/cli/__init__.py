"""Application: the command-line tools behind ``invoke`` (``invoke moderation``)."""
