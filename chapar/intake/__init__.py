"""Chapar's comment intake service (not a Pelican plugin).

The static comment form posts to ``{COMMENTS["endpoint"]}/comments/<NewsCode>``;
this service checks the post with the build's own moderation rules and
writes ``content/comments/<NewsCode>/<Id>.md`` atomically, optionally
committing it to git.  Starlette (routing, requests) on uvicorn (ASGI
server); run it with ``invoke intake`` or ``python -m chapar.intake``.

Modules: :mod:`.config` settings, :mod:`.desk` checks and writes (no HTTP),
:mod:`.site` what is known of news and comments, :mod:`.app` HTTP,
:mod:`.limits` rate limit, :mod:`.gitsync` git mode, :mod:`.openapi`;
:mod:`.review` the moderators' desk it serves at ``/desk/`` (README.md,
Moderators' desk).
"""

from chapar.intake.config import Config

__all__ = ["Config", "create_app"]


def create_app(config):
    """The service's Starlette ASGI app for ``config`` (a :class:`Config`).

    Imports :mod:`.app` (and Starlette) only when called.
    """
    from chapar.intake.app import create_app as make

    return make(config)
