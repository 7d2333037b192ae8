"""Make the output's page folders ahead of the writer, in a thread.

Every news item, agency and festival page is ``<path>/index.html`` in a
folder of its own (the URLs README.md gives), and on this project's disk making a folder
costs about as much as rendering a page.  Once every generator has built its
context the folders of the pages it will write are known; a background
thread makes them while the main thread renders, so Pelican's own
``os.makedirs(..., exist_ok=True)`` finds them made.  Nothing is written
here, only folders Pelican would make itself.

A generator says which pages it will write through its content (anything
with a ``save_as`` in ``articles``, ``pages`` … ) or an ``output_names()``
method (the awards generator).  The thread is joined when the build is over:
at Pelican's ``finalized``, or at ``safe_build``'s ``run_over`` (sent also
when a build fails) before the staging folder is removed.
"""

import logging
import os
import threading

from blinker import signal
from pelican import signals

logger = logging.getLogger(__name__)

CONTENT_LISTS = (
    "articles",
    "translations",
    "drafts",
    "drafts_translations",
    "hidden_articles",
    "hidden_translations",
    "pages",
    "hidden_pages",
    "draft_pages",
    "draft_translations",
)
LAST_BUILD = {}  # folders made by the thread in the last build, for tests and benchmarks


def output_names(generator):
    """The pages ``generator`` will write, as far as its content says."""
    if hasattr(generator, "output_names"):
        yield from generator.output_names()
        return
    for attribute in CONTENT_LISTS:
        for item in getattr(generator, attribute, ()) or ():
            name = getattr(item, "save_as", None)
            if isinstance(name, str) and name:
                yield name


def folders(root, names):
    """Every folder the pages need under ``root``, parents first, in the
    order the pages come.
    """
    seen, ordered = set(), []
    for name in names:
        parts = os.path.dirname(name.replace("\\", "/")).split("/")
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder and folder not in seen and ".." not in parts[:depth]:
                seen.add(folder)
                ordered.append(os.path.join(root, folder))
    return ordered


class FolderMaker(threading.Thread):
    """Daemon thread making ``paths`` in order, one ``os.mkdir`` each (parents come first).

    ``made`` counts the folders it made itself; one already there is passed over.
    """

    def __init__(self, paths):
        super().__init__(name="output folders", daemon=True)
        self.paths, self.made = paths, 0
        self.stopped = threading.Event()

    def run(self):
        """Make the folders in turn; return when stopped or at an ``OSError`` but "exists"."""
        for path in self.paths:
            if self.stopped.is_set():
                return
            try:
                os.mkdir(path)
                self.made += 1
            except FileExistsError:
                pass
            except OSError:  # the output is going away (a failed build): stop
                return

    def stop(self):
        """Ask the thread to stop after the folder it is making, and wait until it has."""
        self.stopped.set()
        self.join()


_current = []


def start(generators):
    """The ``all_generators_finalized`` receiver: start the thread for this build's folders.

    Stops an earlier build's thread first; the folders are those of every page the
    generators will write (:func:`output_names`), under the first generator's output path.
    """
    stop()
    if not generators:
        return
    root = generators[0].output_path
    names = [name for generator in generators for name in output_names(generator)]
    maker = FolderMaker(folders(root, names))
    maker.start()
    _current.append(maker)


def stop(*_args, **_kwargs):
    """The ``finalized`` and ``safe_build.run_over`` receiver: stop and join the thread.

    Records its ``folders`` (planned) and ``made`` counts in :data:`LAST_BUILD`; any
    arguments are ignored, so it also serves both signals' senders.
    """
    while _current:
        maker = _current.pop()
        maker.stop()
        LAST_BUILD.clear()
        LAST_BUILD.update(folders=len(maker.paths), made=maker.made)


def register():
    """Plugin entry point: :func:`start` at ``all_generators_finalized``, :func:`stop` at
    ``finalized`` and at ``safe_build.run_over``.
    """
    signals.all_generators_finalized.connect(start)
    signals.finalized.connect(stop)
    signal("safe_build.run_over").connect(stop)
