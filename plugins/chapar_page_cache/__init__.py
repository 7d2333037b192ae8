"""Reuse the pages a rebuild would render the same.

Pelican's content cache skips *reading* unchanged files; every page is still
rendered on every build.  This plugin's writer also skips *rendering*: each
page written through ``Writer.write_file`` gets a key made of

* the **site key**: Pelican's version, the source of every plugin, every
  file of the theme (templates, translations, static), the settings, and the
  site-wide context in ``site`` mode (navigation names and URLs — see
  :mod:`page_cache.fingerprint`), and
* the **page key**: the template's name, the page's path and what the page
  itself was handed (its article, tag, page of a paginated list, agency …).

When the previous build wrote the same path with the same key, and that file
is still the one it wrote (same size and modification time), that file is
hard-linked into the new output instead of rendering the template and
writing its text (copied where links are not possible).  Everything else
about writing is Pelican's own: its bookkeeping of written files, then
``content_written``.  On this project's disk creating a page's folder and
file costs more than rendering many pages; a link skips writing the data.

Site-wide lists are not part of any key: a template uses the articles,
dates, tags, authors and pages of the whole site only through the objects
its page is given (``articles_page``, ``tag``, ``article.related`` …), and of
the categories only their names and URLs (the navigation).  A theme that
breaks this rule must turn the cache off (``PAGE_CACHE = {"enabled": False}``).  The
same holds for ``all_articles``, the whole site's news that Pelican hands every tag
and category page: it is left out of their keys, so a new story re-renders its own
tags' and category's pages, not every one.  A paginated list (``articles`` beside
``articles_paginator``) and the pages before and after (linked, not shown) count by
which items they hold, in which order.

The cache follows Pelican's content-cache settings: pages are reused when
``LOAD_CONTENT_CACHE`` is on and the manifest (``CACHE_PATH/pages.json``) is
saved when ``CACHE_CONTENT`` is on.  The previous pages are read from
``PAGE_CACHE["previous_output"]`` (``safe_build`` sets it to the folder a
staged build will replace), else from ``OUTPUT_PATH``.

Pelican has no public hook between rendering a page and opening its file,
so the writer goes through :class:`chapar.pelican_compat.OpeningWriter`; on a
Pelican other than the tested one this plugin hands Pelican no writer (its
own renders every page) and warns once (see README.md).
"""

import contextlib
import hashlib
import json
import logging
import os
import shutil

import pelican
from pelican import signals

import chapar
from chapar.pelican_compat import OpeningWriter, speedups_enabled
from chapar.settings import concern
from chapar.sources import update_with_tree
from chapar.writer import ListDepth, ListDepthWriter
from chapar_page_cache.fingerprint import Fingerprints, Unfingerprintable

logger = logging.getLogger(__name__)

MANIFEST = "pages.json"
LAST_BUILD = {}  # counts and rendered pages of the last build, for tools and tests
FORMAT = 1
# Settings that name this build's folders, not what its pages say.
PLACE_SETTINGS = frozenset({"OUTPUT_PATH", "PAGE_CACHE", "CACHE_PATH", "PATH"})
DEFAULTS = {  # PAGE_CACHE in pelicanconf.py (chapar.settings.concern)
    "enabled": True,
    "previous_output": "",  # the pages reused; empty: OUTPUT_PATH
}
# Site-wide content lists (see the module docstring) and per-page scratch values.
NOT_SITE_WIDE = frozenset(
    {
        "articles",
        "dates",
        "drafts",
        "hidden_articles",
        "pages",
        "hidden_pages",
        "draft_pages",
        "tags",
        "authors",
        "period_archives",
        "related_posts",
        "static_content",
        "static_links",
        "staticfiles",
        "generated_content",
        "jalali_archive",
        "localsiteurl",
        "output_file",
    }
)
# Whole-site lists Pelican hands some pages (tag and category pages get every
# article as ``all_articles``): by the rule above, not part of their keys.
SITE_LISTS = frozenset({"all_articles"})


def code_digest(settings):
    """Pelican's version, the source of every plugin and of the chapar package,
    and every theme file.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(pelican.__version__.encode())
    folders = [
        settings["THEME"],
        os.path.dirname(chapar.__file__),
        *list(settings.get("PLUGIN_PATHS", [])),
    ]
    for folder in folders:
        suffixes = None if folder == settings["THEME"] else (".py",)
        update_with_tree(h, folder, suffixes, follow_links=True)
    return h.hexdigest()


class PageCache:
    """The keys of one build, and the pages of the previous one."""

    def __init__(self, settings):
        self.settings = settings
        conf = concern(settings, "PAGE_CACHE", DEFAULTS)
        self.enabled = conf["enabled"]
        self.load = self.enabled and settings.get("LOAD_CONTENT_CACHE", False)
        self.save = self.enabled and settings.get("CACHE_CONTENT", False)
        self.manifest_path = os.path.join(settings["CACHE_PATH"], MANIFEST)
        self.previous_root = conf["previous_output"] or settings["OUTPUT_PATH"]
        self.fingerprints = Fingerprints()
        self.site_key = None
        self.keys = {}  # path inside the output -> key, for this build
        self.previous = self._load_manifest() if self.load else {}
        self.reused = self.rendered = 0
        self.rendered_pages = []
        self.pending = None  # the Reused page being written (see ReusingWriter.open_output)

    def _load_manifest(self):
        try:
            with open(self.manifest_path, encoding="utf-8") as handle:
                manifest = json.load(handle)
        except (OSError, ValueError):
            return {}
        return manifest.get("pages", {}) if manifest.get("format") == FORMAT else {}

    def key(self, template_name, name, localcontext, context):
        """The page's key (32 hex digits), or None when it is always to be rendered.

        Digests the site key (computed on the first call; a site-wide context that
        cannot be digested turns the cache off for the build, with a warning) and
        what the page was handed beyond the site-wide context.
        """
        if self.site_key is None:  # every generator has built its context by now
            try:
                self.site_key = self._site_key(context)
            except Unfingerprintable as reason:
                logger.warning("page cache off for this build: the site-wide context: %s", reason)
                self.site_key = ""
        if not self.site_key:
            return None
        own = {k: v for k, v in localcontext.items() if k not in context or v is not context[k]}
        own.pop("output_file", None)
        own.pop("localsiteurl", None)
        for site_list in SITE_LISTS:
            own.pop(site_list, None)
        paginated = [k[: -len("_paginator")] for k in own if k.endswith("_paginator")]
        listed = set().union(*({k, k + "_previous_page", k + "_next_page"} for k in paginated))
        parts = [self.site_key, template_name, name, str(localcontext.get("localsiteurl"))]
        try:
            for k in sorted(own):
                mode = "listing" if k in listed else "page"
                parts += [k, self.fingerprints.of(own[k], mode)]
        except Unfingerprintable as reason:
            logger.debug("page cache: %s is always rendered: %s", name, reason)
            return None
        return hashlib.blake2b(
            "\x00".join(parts).encode("utf-8", "surrogatepass"), digest_size=16
        ).hexdigest()

    def _site_key(self, context):
        settings = {k: v for k, v in context.items() if k.isupper() and k not in PLACE_SETTINGS}
        site = {k: v for k, v in context.items() if not k.isupper() and k not in NOT_SITE_WIDE}
        if isinstance(site.get("categories"), list):
            # The navigation: the categories' names and URLs, not how many
            # articles each holds (a new article changed every page's key).
            site["categories"] = [
                pair[0] if isinstance(pair, tuple) and pair else pair for pair in site["categories"]
            ]
        return "|".join(
            (
                code_digest(self.settings),
                self.fingerprints.of(settings, "site"),
                self.fingerprints.of(site, "site"),
            )
        )

    def previous_page(self, name, key):
        """The :class:`Reused` file the previous build wrote at ``name`` under
        ``key``, or None.
        """
        entry = self.previous.get(name)
        if not entry or entry[0] != key:
            return None
        path = os.path.join(self.previous_root, name)
        try:
            stat = os.stat(path)
        except OSError:
            return None
        if [stat.st_size, stat.st_mtime_ns] != entry[1:]:
            return None
        return Reused(path, name)

    def save_manifest(self, output_path):
        """Write the manifest (each keyed page's key, size and mtime in ``output_path``)
        atomically to ``CACHE_PATH/pages.json``; nothing unless saving is on
        (``CACHE_CONTENT`` and the cache enabled).
        """
        if not self.save:
            return
        pages = {}
        for name, key in self.keys.items():
            try:
                stat = os.stat(os.path.join(output_path, name))
            except OSError:
                continue
            pages[name] = [key, stat.st_size, stat.st_mtime_ns]
        os.makedirs(os.path.dirname(self.manifest_path) or ".", exist_ok=True)
        partial = self.manifest_path + ".partial"
        with open(partial, "w", encoding="utf-8") as handle:
            json.dump({"format": FORMAT, "pages": pages}, handle, sort_keys=True)
        os.replace(partial, self.manifest_path)


class Reused:
    """What a reused page's template "renders": the previous build's file,
    which :meth:`ReusingWriter.open_output` links instead of writing text.
    """

    __slots__ = ("name", "path")

    def __init__(self, path, name):
        self.path, self.name = path, name  # the file, and the page's path in the output

    def text(self):
        """The previous build's file as text (UTF-8): written out instead of linked when
        this build's writer already wrote that path.
        """
        with open(self.path, encoding="utf-8") as handle:
            return handle.read()


class _LinkedPage:
    """The file ``open_output`` gives Pelican's writer for a reused
    page: writing the :class:`Reused` page links its file.
    """

    def __init__(self, filename):
        self.filename = filename

    def write(self, reused):
        if os.path.abspath(reused.path) == os.path.abspath(self.filename):
            return  # built in place: the file is already there
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.filename)  # a stale file at this path
        try:
            os.link(reused.path, self.filename)
        except OSError:  # another file system, or one without links
            shutil.copyfile(reused.path, self.filename)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return False


class _TextFile:
    """A file Pelican opened, given a reused page's text when it gets one."""

    def __init__(self, handle):
        self.handle = handle

    def write(self, output):
        self.handle.write(output.text() if isinstance(output, Reused) else output)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.handle.close()
        return False


class _ReusableTemplate:
    """Stands in for a Jinja template inside ``Writer.write_file``."""

    def __init__(self, template, cache, context):
        self.template, self.cache, self.context = template, cache, context
        self.name = template.name

    def render(self, localcontext):
        name = localcontext["output_file"]
        key = self.cache.key(self.template.name, name, localcontext, self.context)
        reused = None
        if key is not None:
            self.cache.keys[name] = key
            reused = self.cache.previous_page(name, key)
        if reused is None:
            self.cache.rendered += 1
            self.cache.rendered_pages.append(name)
            return self.template.render(localcontext)
        self.cache.reused += 1
        self.cache.pending = reused  # for open_output, next
        return reused

    def __getattr__(self, attribute):
        return getattr(self.template, attribute)


class ReusingWriter(ListDepth, OpeningWriter):
    """Pelican's writer, rendering only the pages whose key changed (and
    keeping the lists' depth, :mod:`chapar.writer`).
    """

    current = None  # this build's writer, for saving its manifest at the end

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self.page_cache = PageCache(settings)
        ReusingWriter.current = self

    def write_file(self, name, template, context, *args, **kwargs):
        """Pelican's ``write_file``, with the template wrapped so that a page whose key is
        unchanged is reused instead of rendered (when the cache is enabled).
        """
        if self.page_cache.enabled:
            template = _ReusableTemplate(template, self.page_cache, context)
        return super().write_file(name, template, context, *args, **kwargs)

    def open_output(self, filename, encoding, override=False):
        """Pelican's, except that a reused page written for the first time
        (the usual case; Pelican's own checks decide the others) is linked,
        see :class:`_LinkedPage`.
        """
        reused, self.page_cache.pending = self.page_cache.pending, None
        if reused is None or not filename.replace(os.sep, "/").endswith(reused.name):
            return super().open_output(filename, encoding, override)
        if self.was_written(filename):
            return _TextFile(super().open_output(filename, encoding, override))
        self.record_written(filename, override)
        return _LinkedPage(filename)


def page_key(name):
    """This build's key of the page written at ``name`` (its path in the output,
    with ``/``), or None: not written yet, rendered every time, or the page cache
    is not this build's writer.  Equal keys in two builds mean equal bytes (the
    search reads only the pages whose key changed, ``chapar/search/job.py``).
    """
    writer = ReusingWriter.current
    return writer.page_cache.keys.get(name) if writer is not None else None


def get_writer(pelican_object):
    """This plugin's writer, unless the Pelican installed is not the one its
    internals were tested with (chapar/pelican_compat.py): then Pelican's own
    writer (with the lists' depth kept, :mod:`chapar.writer`) renders every
    page, and no manifest is saved.  Pelican takes one writer: this is the site's.
    """
    LAST_BUILD.clear()
    return ReusingWriter if speedups_enabled() else ListDepthWriter


def save(pelican_object):
    """A ``finalized`` receiver: save this build's manifest and put its counts (and the
    rendered pages) in :data:`LAST_BUILD`; nothing when the plugin's writer was not used.
    """
    writer, ReusingWriter.current = ReusingWriter.current, None
    if writer is not None:
        cache = writer.page_cache
        cache.save_manifest(pelican_object.output_path)
        LAST_BUILD.clear()
        LAST_BUILD.update(
            rendered=cache.rendered,
            reused=cache.reused,
            rendered_pages=sorted(cache.rendered_pages),
        )
        logger.info("page cache: %d pages rendered, %d reused", cache.rendered, cache.reused)


def register():
    """Connect :func:`get_writer` (``get_writer``), :func:`save` (``finalized``) and
    :func:`.templates.keep_compiled` (``generator_init``).
    """
    from chapar_page_cache.templates import keep_compiled

    signals.get_writer.connect(get_writer)
    signals.finalized.connect(save)
    signals.generator_init.connect(keep_compiled)
