"""Keeping Python's cyclic garbage collector off the award objects.

Building the pages of 100,000 award rows allocates some 400,000 containers
(agencies, results, rows, chart bars) that all live until the build ends.
The collector cannot know that: each full collection walks every one of
them again, and the more rows, the more collections, so building took about
twice as long with the collector on, and more per row the more rows.

So the data is read and the objects are built with the collector paused
(:func:`paused`; reference counting still frees whatever is dropped), then
everything alive is moved out of its reach (:func:`freeze`, Python's
``gc.freeze``) until the build is over (:func:`thaw`, on Pelican's
``finalized`` signal, or at the next build's start if one failed half way).
Nothing is frozen if something else in the process already uses
``gc.freeze``, so its choice is never undone here.  A build that fails after
the freeze (say, a news item with an error) sends no ``finalized``: its
objects stay frozen until the next build starts (reference counting still
frees them; only their cycles wait), never longer.
"""

import contextlib
import gc

_frozen = False  # whether the objects frozen now were frozen here


@contextlib.contextmanager
def paused():
    """No cyclic garbage collection inside the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def freeze():
    """Keep every object alive now out of the collector's walks until :func:`thaw`."""
    global _frozen  # noqa: PLW0603 (one process-wide switch, as gc.freeze is)
    if not _frozen and gc.get_freeze_count() == 0:
        gc.freeze()
        _frozen = True


def thaw(*_signal_args):
    """Give the collector back what :func:`freeze` took (a ``finalized`` receiver)."""
    global _frozen  # noqa: PLW0603 (one process-wide switch, as gc.freeze is)
    if _frozen:
        _frozen = False
        gc.unfreeze()
