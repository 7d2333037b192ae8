"""The one place that names Pelican's (and pelican-sitemap's) private names.

Chapar runs on Pelican 4.12 and, in a few places, on things Pelican does not
promise to keep: a private method, a private attribute, a sentinel.  Every
one of them is named here and nowhere else; plugins import what they need
from this module.  Each has a test in ``tests/test_pelican_compat.py`` that
says it still exists and behaves as used (see README.md, "Pelican and
persian-text-guard internals").  persian-text-guard's private module is read
in :mod:`chapar.guard_compat`, a module of its own that does not import
Pelican, because ``chapar.moderation`` (used without Pelican by the comment
intake service) needs it; its version helpers are shared from there.

The internals, and who uses them:

* ``Writer._open_w`` and its bookkeeping (``_written_files``,
  ``_overridden_files``): :class:`OpeningWriter`, for the page cache
  (plugins/chapar_page_cache), which links the previous build's file
  instead of opening a new one.  Pelican 4.12 has no public hook between
  rendering a page and writing it.  A speed-up.
* ``pelican.readers._DISCARD`` (a metadata value Pelican drops) and
  ``MarkdownReader._parse_metadata`` (with the ``_md`` and ``_source_path``
  it reads): :func:`discard_marker` and :func:`markdown_metadata`, for the
  Persian reader (plugins/chapar_persian/reader.py).  Needed: news cannot be
  read without them.
* ``Generator._update_context``: :func:`update_context`, for
  plugins/chapar_taxonomy_lists, which swaps the tag, category and author
  lists for faster ones after Pelican put them in the context.  A speed-up.
* ``FileStampDataCacher``'s ``_filestamp_func``, ``_cache_data_policy`` and
  ``_cache`` on a generator: :func:`skip_unused_stamps`, for
  plugins/chapar_taxonomy_lists.  A generator whose own cache is off (the
  reader layer caches, Pelican's default) still hashes every file twice a
  build.  A speed-up.
* ``None`` in ``context["generated_content"]``, the mark Pelican's
  ``_add_failed_source_path`` leaves for a file it failed to read:
  :func:`failed_source_paths`, for plugins/chapar_comments.
* pelican-sitemap's module singleton ``sitemap.generator`` and its
  ``_main_pelican``: :func:`sitemap_generator` and :func:`restart_sitemap`,
  for plugins/chapar_sitemap_pin.  Needed for a sitemap after a failed build.

On a Pelican other than the tested series (4.12.x), or when a probe finds an
internal changed, :func:`speedups_enabled` is False: the page cache and the
taxonomy lists step aside and Pelican builds the site its own way, with one
warning naming the version.  What cannot work without its internal raises
:class:`MissingInternal` saying so, instead of building a wrong site.
plugins/chapar_output_folders uses only Pelican's public signals and
attributes, so it stays on whatever the version.
"""

import functools
import inspect
import logging

from pelican import readers
from pelican.generators import Generator
from pelican.writers import Writer

from chapar.guard_compat import (
    MissingInternal,
    forget_warnings,
    in_series,
    installed_version,
    warn_once,
)

__all__ = [
    "TESTED_PELICAN",
    "MissingInternal",
    "OpeningWriter",
    "discard_marker",
    "failed_source_paths",
    "forget",
    "markdown_metadata",
    "pelican_version",
    "restart_sitemap",
    "sitemap_generator",
    "skip_unused_stamps",
    "speedups_enabled",
    "update_context",
]

logger = logging.getLogger(__name__)

TESTED_PELICAN = "4.12"  # the Pelican release series these internals were tested with
TESTED_SITEMAP = "1.2"  # and the pelican-sitemap one
SPEEDUPS = (
    "the page reuse of chapar_page_cache and the set lookups and single file reads "
    "of chapar_taxonomy_lists"
)


def pelican_version():
    """The installed Pelican's version string ("4.12.0"), or None if not installed."""
    return installed_version("pelican")


def forget():
    """Forget the version checks and warnings made so far (tests fake versions)."""
    forget_warnings()
    _speedups.cache_clear()


# --- the version gate ---------------------------------------------------------


def _probe():
    """None if the internals the speed-ups use look as tested, else what changed."""
    try:
        parameters = list(inspect.signature(Writer._open_w).parameters)
    except (AttributeError, TypeError, ValueError):
        return "Writer._open_w is gone"
    if parameters != ["self", "filename", "encoding", "override"]:
        return f"Writer._open_w takes {parameters}"
    writer = Writer("", settings={})
    for name in ("_written_files", "_overridden_files"):
        if not isinstance(getattr(writer, name, None), set):
            return f"Writer.{name} is not a set"
    if not callable(getattr(Generator, "_update_context", None)):
        return "Generator._update_context is gone"
    from pelican.cache import FileStampDataCacher

    if not callable(getattr(FileStampDataCacher, "_get_file_stamp", None)):
        return "FileStampDataCacher._get_file_stamp is gone"
    return None


@functools.cache
def _speedups():
    version = pelican_version()
    if not in_series(version, TESTED_PELICAN):
        reason = f"Pelican {version} is not the version Chapar was tested with ({TESTED_PELICAN}.x)"
    else:
        changed = _probe()
        if changed is None:
            return True
        reason = f"Pelican {version} has changed: {changed}"
    warn_once(
        ("pelican", version),
        "%s: %s are off, and the site is built the plain Pelican way "
        "(slower, the same pages; see README.md)",
        reason,
        SPEEDUPS,
    )
    return False


def speedups_enabled():
    """Whether the speed-ups built on Pelican's internals may run in this
    process; if not, warns once, naming the version.
    """
    return _speedups()


# --- Writer._open_w -----------------------------------------------------------


class OpeningWriter(Writer):
    """Pelican's writer with its file opening (the private ``_open_w``,
    which ``write_file`` calls once per page, after rendering it) routed to
    :meth:`open_output`, which subclasses override.
    """

    def _open_w(self, filename, encoding, override=False):
        return self.open_output(filename, encoding, override)

    def open_output(self, filename, encoding, override=False):
        """Pelican's own: checks overwrites, records the file, opens it."""
        return Writer._open_w(self, filename, encoding, override)

    def was_written(self, filename):
        """Whether this build has written (or overridden) ``filename`` already."""
        return filename in self._written_files or filename in self._overridden_files

    def record_written(self, filename, override=False):
        """Record ``filename`` as Pelican's ``_open_w`` does a file written the
        first time, for a file written some other way.
        """
        if override:
            self._overridden_files.add(filename)
        self._written_files.add(filename)


# --- the Markdown reader's metadata ---------------------------------------------


def discard_marker():
    """The metadata value Pelican drops (``pelican.readers._DISCARD``): a
    reader's ``process_metadata`` returns it for a key that is to be left out.
    """
    try:
        return readers._DISCARD
    except AttributeError:
        raise MissingInternal(
            f"Pelican {pelican_version()} has no pelican.readers._DISCARD, which the Persian "
            f"reader returns for a dropped header (tested with {TESTED_PELICAN}.x); "
            "pin Pelican as requirements.txt does (see README.md)"
        ) from None


def markdown_metadata(reader, md, source_path):
    """Pelican's metadata of the file ``source_path`` that ``md`` (a
    ``markdown.Markdown`` with the meta extension) has just converted,
    processed by ``reader.process_metadata``: what ``MarkdownReader.read``
    does after converting, through its private ``_parse_metadata``.

    That method reads the converter and the path from the reader and
    deregisters the meta preprocessor (so formatted fields are converted
    without it); it is registered again here, at the meta extension's own
    priority, so ``md`` can convert the next file.
    """
    parse = getattr(reader, "_parse_metadata", None)
    if parse is None or list(inspect.signature(parse).parameters) != ["meta"]:
        raise MissingInternal(
            f"Pelican {pelican_version()} has no MarkdownReader._parse_metadata(meta), which "
            f"the Persian reader uses (tested with {TESTED_PELICAN}.x); see README.md"
        )
    meta_preprocessor = md.preprocessors["meta"] if "meta" in md.preprocessors else None  # noqa: SIM401 (a Markdown Registry, no .get)
    reader._md, reader._source_path = md, source_path
    try:
        return parse(getattr(md, "Meta", {}))
    finally:
        if meta_preprocessor is not None and "meta" not in md.preprocessors:
            md.preprocessors.register(meta_preprocessor, "meta", 27)


# --- generators -----------------------------------------------------------------


def update_context(generator, names):
    """Put the generator's attributes ``names`` into its context as Pelican
    itself does (a dict becomes a list of its items).
    """
    generator._update_context(names)


def skip_unused_stamps(generator):
    """Stop ``generator`` hashing its files for a cache it neither loaded nor keeps;
    returns whether it did.

    With ``CONTENT_CACHING_LAYER = "reader"`` the readers keep the content cache;
    the generator's own ``FileStampDataCacher`` is empty and drops what it is given,
    yet its ``get_cached_data`` and ``cache_data`` each hash the file
    (``CHECK_MODIFIED_METHOD``): two reads of every news file a build, for nothing.
    Its stamp function then returns None, which equals the empty cache's, so every
    lookup still returns the default, as before.
    """
    cache = getattr(generator, "_cache", None)
    if (
        not speedups_enabled()
        or not hasattr(generator, "_filestamp_func")
        or getattr(generator, "_cache_data_policy", True)
        or cache != {}
    ):
        return False
    generator._filestamp_func = _no_stamp
    return True


def _no_stamp(_filename):
    return None


def failed_source_paths(context):
    """The source paths (relative to ``PATH``) Pelican's generators failed to
    read: ``generated_content`` holds ``None`` for them.
    """
    return [
        path for path, content in context.get("generated_content", {}).items() if content is None
    ]


# --- pelican-sitemap ------------------------------------------------------------


def sitemap_generator():
    """pelican-sitemap's one ``SitemapGenerator`` (its module's ``generator``),
    checked to have what :func:`restart_sitemap` and the clock pin set.
    """
    from pelican.plugins.sitemap import sitemap

    generator = getattr(sitemap, "generator", None)
    missing = [a for a in ("_main_pelican", "page_queue", "now") if not hasattr(generator, a)]
    if missing:
        raise MissingInternal(
            f"pelican-sitemap {installed_version('pelican-sitemap')} has no "
            f"sitemap.generator.{missing[0]}, which chapar_sitemap_pin sets to make the sitemap "
            f"of every build (tested with {TESTED_SITEMAP}.x); see README.md"
        )
    return generator


def restart_sitemap(pelican):
    """Make pelican-sitemap start over for the build of ``pelican``: it keeps
    the first Pelican it saw until that one's ``finalized``, which a failed
    build never sends.
    """
    version = installed_version("pelican-sitemap")
    if not in_series(version, TESTED_SITEMAP):
        warn_once(
            ("pelican-sitemap", version),
            "pelican-sitemap %s is not the version Chapar was tested with (%s.x); "
            "chapar_sitemap_pin still resets it for every build (see README.md)",
            version,
            TESTED_SITEMAP,
        )
    generator = sitemap_generator()
    generator._main_pelican = pelican
    generator.page_queue = []
