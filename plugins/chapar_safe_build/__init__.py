"""Safe builds: an error logged anywhere in a build fails the build.

Pelican logs a broken file and carries on; a newsroom must not publish a
site with a story silently missing.  This plugin collects every error record
of a build (from Pelican and from every plugin) and, once all contexts are
built and before anything is written, raises :class:`BuildError` listing
them all.  Errors raised while writing are collected the same way and fail
the build at the end.  ``runner.build`` adds the other half: it builds into
a staging folder and only then replaces ``output/``.
"""

import logging

from pelican import signals

from chapar.build.collector import ProblemCollector
from chapar.build.errors import BuildError

__all__ = ["BuildError", "ProblemCollector", "register"]


# One collector per build (per settings dict); a build's generators share its
# settings object, which is how the later signals find their collector.
_collectors = {}


def start(pelican):
    collector = ProblemCollector()
    _collectors[id(pelican.settings)] = collector
    logging.getLogger().addHandler(collector)


def before_writing(generators):
    if generators:
        collector = _collectors.get(id(generators[0].settings))
        if collector is not None:
            try:
                collector.raise_if_any()
            except BuildError:
                stop(generators[0].settings)
                raise


def after_writing(pelican):
    collector = _collectors.get(id(pelican.settings))
    stop(pelican.settings)
    if collector is not None:
        collector.raise_if_any()


def stop(settings):
    collector = _collectors.pop(id(settings), None)
    if collector is not None:
        logging.getLogger().removeHandler(collector)


def register():
    """Plugin entry point: collect errors from ``initialized``; raise :class:`BuildError` at
    ``all_generators_finalized`` (before writing) and at ``finalized`` if any were logged.
    """
    signals.initialized.connect(start)
    signals.all_generators_finalized.connect(before_writing)
    signals.finalized.connect(after_writing)
