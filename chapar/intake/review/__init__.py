"""The moderators' desk: ``/desk/`` in the intake service (README.md, Moderators' desk).

Modules: :mod:`.accounts` the moderators and their Argon2 hashes,
:mod:`.signin` the sign-in throttle, :mod:`.sessions` server-side sessions,
:mod:`.queue` what waits and what was decided, :mod:`.audit` the audit log,
:mod:`.decide` a decision written (and committed in git mode), :mod:`.web`
HTTP (routes, templates, headers).
"""
