"""The award pages' objects kept between builds (README.md, "What a publish costs").

Reading, checking and building 50,000 award rows takes about a second a
build, and an editor's commit rarely touches the tables.  So once a build has
read them without a problem, it keeps in ``CACHE_PATH/awards/``

* ``site.pickle``: the agency index and the :class:`~chapar.awards.records.AwardSite`
  as :func:`chapar.awards.records.build` made it, before any article was
  linked (the articles are linked again every build, :meth:`AwardSite.link_news`),
  under a key of everything that built it (:func:`inputs_key`);
* ``data-<key>/``: the open data written from it
  (:func:`chapar.awards.opendata.write`), linked into each build's output.

The next build whose key is the same loads them instead of reading the tables
(pandas is then not imported at all).  Anything else (another key, a file
that cannot be read or unpickled) builds everything again; a build with a
problem keeps nothing, so its problems are reported by every build until they
are mended.  The cache follows Pelican's content-cache settings, as the page
cache does: loaded when ``LOAD_CONTENT_CACHE`` is on, saved when
``CACHE_CONTENT`` is on.  ``CACHE_PATH`` is the build's own folder; what is
in it is trusted as the code is (Pelican's content cache is a pickle too).
"""

import contextlib
import hashlib
import json
import os
import pickle
import platform
import shutil
from importlib.metadata import PackageNotFoundError, version

import chapar
from chapar.awards.files import table_paths
from chapar.sources import update_with_tree

FORMAT = 1
SITE = "site.pickle"
DATA = "data"


def _package_version(name):
    try:
        return version(name)
    except PackageNotFoundError:
        return "none"


def code_digest():
    """The source of the ``chapar`` package (reading, checks, records, open data,
    collation) and the versions of Python, pandas and jdatetime.
    """
    h = hashlib.blake2b(digest_size=16)
    for part in (
        str(FORMAT),
        platform.python_version(),
        *map(_package_version, ("pandas", "jdatetime")),
    ):
        h.update(part.encode() + b"\0")
    update_with_tree(h, os.path.dirname(chapar.__file__), (".py",))
    return h.hexdigest()


def inputs_key(folder, settings, today_year):
    """The digest of what the award objects are built from: the tables'
    names and bytes, the ``AWARDS`` settings, the Jalali year the checks
    take as this year, and :func:`code_digest`.
    """
    h = hashlib.blake2b(digest_size=16)
    h.update(code_digest().encode())
    h.update(json.dumps(settings, sort_keys=True, ensure_ascii=False, default=str).encode())
    h.update(str(today_year).encode() + b"\0")
    for path in table_paths(folder):
        h.update(os.path.basename(path).encode() + b"\0")
        try:
            with open(path, "rb") as handle:
                h.update(hashlib.blake2b(handle.read(), digest_size=16).digest())
        except FileNotFoundError:
            h.update(b"missing\0")
    return h.hexdigest()


class Kept:
    """The award objects of ``CACHE_PATH/awards`` for one build: ``site.pickle``
    names its key, and the open data of that key is in ``data-<key>/``.
    """

    def __init__(self, cache_path, load=True, save=True):
        self.root = os.path.join(cache_path, "awards")
        self.load_on, self.save_on = load, save

    def _data(self, key):
        return os.path.join(self.root, f"{DATA}-{key}")

    def load(self, key):
        """``(index, site)`` kept under ``key``, or None."""
        if not self.load_on or not os.path.isdir(self._data(key)):
            return None
        try:
            with open(os.path.join(self.root, SITE), "rb") as handle:
                kept_format, kept_key, index, site = pickle.load(handle)
        except (
            OSError,
            EOFError,
            ValueError,
            TypeError,
            AttributeError,
            ImportError,
            pickle.UnpicklingError,
        ):
            return None
        if kept_format != FORMAT or kept_key != key:
            return None
        return index, site

    def save(self, key, index, site, write_data):
        """Keep ``index`` and ``site`` (with no articles linked yet) under ``key``,
        and the open data ``write_data(folder)`` writes; nothing when saving is off.

        Each file is complete before it is renamed into place, and the pickle
        names the key of its data folder: a build that dies half way leaves
        the previous objects or the new ones, never a mixture.
        """
        if not self.save_on:
            return
        os.makedirs(self.root, exist_ok=True)
        data = self._data(key)
        if not os.path.isdir(data):
            partial = data + ".partial"
            shutil.rmtree(partial, ignore_errors=True)
            write_data(partial)
            os.rename(partial, data)
        rows, site.rows = site.rows, []  # only the open data reads them: kept as files
        try:
            with open(os.path.join(self.root, SITE + ".partial"), "wb") as handle:
                pickle.dump((FORMAT, key, index, site), handle, protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            site.rows = rows
        os.replace(os.path.join(self.root, SITE + ".partial"), os.path.join(self.root, SITE))
        for name in os.listdir(self.root):  # the data of other keys
            if name.startswith(f"{DATA}-") and os.path.join(self.root, name) != data:
                shutil.rmtree(os.path.join(self.root, name), ignore_errors=True)

    def place_data(self, key, target):
        """Link (or copy) the open data kept under ``key`` into the folder ``target``."""
        source = self._data(key)
        os.makedirs(target, exist_ok=True)
        for name in sorted(os.listdir(source)):
            path = os.path.join(target, name)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
            try:
                os.link(os.path.join(source, name), path)
            except OSError:  # another file system, or one without links
                shutil.copyfile(os.path.join(source, name), path)
