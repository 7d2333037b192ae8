"""Build into a staging folder and replace ``output/`` only on success."""

import contextlib
import logging
import os
import shutil
import tempfile
import threading
from pathlib import Path

from blinker import signal
from pelican import Pelican
from pelican.settings import read_settings

from chapar.build.collector import ProblemCollector
from chapar.build.errors import BuildError
from chapar.settings import SettingsError

logger = logging.getLogger(__name__)

# Sent when Pelican's run is over, whether it succeeded or not, before the
# output folder is kept, swapped or removed: plugins stop any background work
# on it (plugins/chapar_output_folders).  Pelican sends ``finalized`` only on success.
run_over = signal("safe_build.run_over")


def load_settings(settings_file="pelicanconf.py", **overrides):
    """Pelican's settings from ``settings_file``, with ``overrides`` (setting names) on top."""
    return read_settings(str(settings_file), override=overrides or None)


def build(settings_file="pelicanconf.py", output=None, **overrides):
    """Build the site; on success ``output`` holds it, on failure it is untouched.

    Raises :class:`BuildError` (bad input) or whatever Pelican raised.
    Returns the output folder.
    """
    settings = load_settings(settings_file, **overrides)
    output = Path(output or settings["OUTPUT_PATH"]).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-", dir=output.parent))
    try:
        # The page cache (plugins/chapar_page_cache) reuses pages of the build being replaced.
        given = settings.get("PAGE_CACHE") or {}  # not a dict: the plugin says so
        page_cache = {**given, "previous_output": str(output)} if isinstance(given, dict) else given
        run(
            load_settings(
                settings_file, **{**overrides, "PAGE_CACHE": page_cache}, OUTPUT_PATH=str(staging)
            )
        )
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a web server must read it
        replace_folder(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return output


def check(settings_file="pelicanconf.py", **overrides):
    """Everything ``build`` does, into a throw-away folder."""
    with tempfile.TemporaryDirectory(prefix="chapar-check-") as scratch:
        run(load_settings(settings_file, **overrides, OUTPUT_PATH=scratch))


def run(settings):
    """Run Pelican; raise BuildError listing every error logged on the way.

    The safe_build plugin stops a bad build before it writes anything; this
    collector also covers what happens before plugins are loaded (a plugin
    that fails to import, say).
    """
    if "chapar_safe_build" not in settings["PLUGINS"]:
        raise BuildError(["PLUGINS must include 'chapar_safe_build'"])
    collector = ProblemCollector()
    root = logging.getLogger()
    root.addHandler(collector)
    try:
        Pelican(settings).run()
    except BuildError:
        if not collector.problems:
            raise
    except SettingsError as exc:  # a plugin's settings dict (chapar/settings.py)
        raise BuildError(exc.problems) from None
    finally:
        root.removeHandler(collector)
        run_over.send(settings)
    collector.raise_if_any()


def replace_folder(new, target):
    """Swap ``new`` into ``target``'s place with two renames.

    The replaced site is deleted by a background thread: ``target`` is
    complete once the renames are done, and unlinking thousands of files
    (about a second per 2,000 pages here) need not hold up the caller — a
    livereload server or the next command.  The thread is not a daemon, so
    the process still finishes the deletion before it exits;
    :func:`wait_for_cleanup` waits for it explicitly.  Inside
    :func:`deferred_cleanup` the deletion starts only when that block ends.
    """
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.rmdir(old)
        os.rename(target, old)
    os.rename(new, target)
    if old is None:
        return
    if _deferred:
        _deferred[-1].append(old)
    else:
        _remove_in_background(old)


def _remove_in_background(folder):
    thread = threading.Thread(
        target=shutil.rmtree,
        args=(folder,),
        kwargs={"ignore_errors": True},
        name=f"remove {folder.name}",
    )
    thread.start()
    _cleanups.append(thread)


_cleanups = []
_deferred = []  # one list of replaced sites per open deferred_cleanup block


@contextlib.contextmanager
def deferred_cleanup():
    """Within this block a replaced site is deleted only when the block ends.

    ``invoke publish`` builds inside it: the old site's tens of thousands of
    files are then unlinked after the gates and the push, instead of on the
    second core while the HTML checker and chromium need it (the site is live
    by then; the process still waits for the deletion before it exits).
    """
    _deferred.append([])
    try:
        yield
    finally:
        for folder in _deferred.pop():
            _remove_in_background(folder)


def wait_for_cleanup():
    """Wait until every replaced site has been deleted."""
    while _cleanups:
        _cleanups.pop().join()
