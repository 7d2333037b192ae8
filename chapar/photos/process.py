"""Photos processed once: widths for ``srcset`` in WebP and the original
format, the JSON-LD crops, EXIF dropped and orientation applied.

A photo's derivatives live in ``<cache>/<key>/`` where ``key`` digests the
original's bytes and the processing settings, with a ``manifest.json``
naming them; a later build finds the manifest and processes nothing.  A
stat index (size and mtime of each original, with a one-string summary of
its manifest) saves reading the originals and the manifests again when they
are unchanged; a checkout that resets mtimes only costs a hash per photo,
never a new encode.
"""

import contextlib
import dataclasses
import hashlib
import json
import os
import posixpath
import shutil
import stat
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

# Bumped when the derivatives change for the same settings.
VERSION = "2"

# Hex digits of a photo's key in its derivatives' names.
KEY_IN_NAMES = 12

# The formats editors may give, as Pillow names them: (extension, MIME type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}

# What the stat index keeps for each original (PhotoStore._entry), and the
# index file's format (an index of another format is made again).
INDEX_ENTRY = ("size", "mtime_ns", "key", "summary")
INDEX_FORMAT = 3  # 3: the summary as one string

# A manifest's kinds of derivative, in order: WebP, the original's format, the crops.
BUCKETS = ("webp", "fallback", "crops")
MIME_TYPES = dict(FORMATS.values())  # extension -> MIME type

# JSON-LD image crops (Google's article rich results ask for 16:9, 4:3, 1:1).
CROPS = ((16, 9), (4, 3), (1, 1))

DEFAULTS = {
    "source": "images",  # folder inside PATH (content/)
    "output": "images",  # folder inside the output
    "widths": [360, 720, 1080, 1600],
    "crop_width": 1200,
    "min_width": 400,
    "webp_quality": 78,
    "jpeg_quality": 80,
    "workers": 2,
    "feed_width": 720,  # the feed items' enclosure
}


class PhotoError(ValueError):
    """A photo that cannot be used; the message is for editors."""


@dataclasses.dataclass(frozen=True, slots=True)
class Variant:
    """One derivative file of a photo: its URL, pixel size, MIME type and bytes."""

    url: str  # from the site root: images/…/name-<key>-720.webp
    width: int
    height: int
    mime: str
    size: int  # bytes


class Photo:
    """One processed photo, as pages show it, made from its :func:`summary`.

    The summary is one string, read and its variants built when a page first
    asks for them, so a rebuild whose pages come from the page cache builds
    none and makes few objects (README.md, "Photos").  Two photos are equal
    when their path, key, URL folder and summary are.
    """

    __slots__ = ("_parent", "_sizes", "_summary", "_variants", "key", "path")

    def __init__(self, path, key, parent, summary):
        self.path = path  # under content/images/, posix
        self.key = key  # in the derivatives' names
        self._parent = parent  # the derivatives' URL folder: images/1397/…
        self._summary = summary
        self._sizes = self._variants = None  # made at the first use

    def _bucket_sizes(self, bucket):
        """``[(width, height, bytes)]`` of ``bucket`` (one of :data:`BUCKETS`)."""
        if self._sizes is None:
            _ext, *parts = self._summary.split(";")
            self._sizes = {
                name: [tuple(map(int, item.split(","))) for item in part.split()]
                for name, part in zip(BUCKETS, parts, strict=True)
            }
        return self._sizes[bucket]

    def _variant(self, bucket, index):
        """The ``index``-th derivative of ``bucket``."""
        width, height, size = self._bucket_sizes(bucket)[index]
        if bucket == "crops":
            label, ext = "{}x{}".format(*CROPS[index]), "jpg"
        else:
            label, ext = width, "webp" if bucket == "webp" else self._summary.partition(";")[0]
        stem = posixpath.splitext(posixpath.basename(self.path))[0]
        name = derivative_name(stem, self.key, label, ext)
        return Variant(f"{self._parent}/{name}", width, height, MIME_TYPES[ext], size)

    def _bucket(self, bucket):
        if self._variants is None:
            self._variants = {}
        built = self._variants.get(bucket)
        if built is None:
            count = len(self._bucket_sizes(bucket))
            built = self._variants[bucket] = tuple(self._variant(bucket, i) for i in range(count))
        return built

    @property
    def webp(self):
        """The WebP variants, narrowest first."""
        return self._bucket("webp")

    @property
    def fallback(self):
        """The original format's variants, narrowest first; empty when the original is WebP."""
        return self._bucket("fallback")

    @property
    def crops(self):
        """The JSON-LD crops, 16:9, 4:3 and 1:1, JPEG."""
        return self._bucket("crops")

    def _readable(self):
        """The bucket every client reads: the fallback format, else WebP."""
        return "fallback" if self._bucket_sizes("fallback") else "webp"

    @property
    def largest(self):
        """The widest derivative in a format every client reads (og:image, the sitemap),
        built alone: the sitemap asks it of every lead photo.
        """
        bucket = self._readable()
        return self._variant(bucket, len(self._bucket_sizes(bucket)) - 1)

    @property
    def smallest(self):
        """The narrowest derivative in a format every client reads (the search results)."""
        return self._variant(self._readable(), 0)

    @property
    def width(self):
        """The largest derivative's width."""
        return self._bucket_sizes(self._readable())[-1][0]

    @property
    def height(self):
        """The largest derivative's height."""
        return self._bucket_sizes(self._readable())[-1][1]

    def srcset(self, base=""):
        """The fallback format's ``srcset`` (the ``<img>``), URLs from ``base``."""
        return ", ".join(f"{base}/{v.url} {v.width}w" for v in (self.fallback or self.webp))

    def webp_srcset(self, base=""):
        """The WebP ``srcset`` (the ``<source>``), URLs from ``base``; empty without WebP."""
        return ", ".join(f"{base}/{v.url} {v.width}w" for v in self.webp)

    def at_least(self, width):
        """The narrowest fallback-format variant at least ``width`` wide (or the widest)."""
        for variant in self.fallback or self.webp:
            if variant.width >= width:
                return variant
        return self.largest

    def __page_key__(self, _fingerprints):
        """What pages show of the photo (chapar_page_cache): its path, its key (the
        original's digest and the settings that make the derivatives, which name the
        files), the URL folder and the derivatives' sizes.
        """
        return f"{self.path}\x00{self.key}\x00{self._parent}\x00{self._summary}"

    def __eq__(self, other):
        if not isinstance(other, Photo):
            return NotImplemented
        return (self.path, self.key, self._parent, self._summary) == (
            other.path,
            other.key,
            other._parent,
            other._summary,
        )

    def __hash__(self):
        return hash((self.path, self.key))

    def __repr__(self):
        return f"Photo({self.path!r}, key={self.key!r}, folder={self._parent!r})"


def resolve(images_root, value, folders=None):
    """The path under ``images_root`` that ``value`` names, posix, checked;
    :class:`PhotoError` for a path outside it (symbolic links followed), missing,
    or not a photo.  ``folders`` (a dict kept by the caller) remembers each folder's
    real path, so a build with thousands of photos follows each folder's links once.
    """
    return locate(images_root, value, folders)[0]


def locate(images_root, value, folders=None):
    """``(path, os.stat_result)``: :func:`resolve`'s path, and the photo file's
    status, read once (the build needs its size and time next).
    """
    text = str(value).strip()
    if not text:
        raise PhotoError("the photo's path is empty")
    if "://" in text or text.startswith(("/", "\\")) or ":" in text.split("/")[0]:
        raise PhotoError(
            f"{text!r} is not a path under content/images/; put the photo there "
            "and give its path from that folder (e.g. 1405/09/name.jpg)"
        )
    folders = {} if folders is None else folders
    rel = text.replace("\\", "/")
    root = _real_folder(folders, images_root, "")
    folder, name = posixpath.split(rel)
    status = None
    if name in ("", ".", ".."):
        full = os.path.realpath(os.path.join(root, rel))
    else:
        full = os.path.join(_real_folder(folders, images_root, folder), name)
        try:
            status = os.lstat(full)
        except OSError:
            pass
        else:
            if stat.S_ISLNK(status.st_mode):
                full, status = os.path.realpath(full), None
    if full != root and not full.startswith(root.rstrip(os.sep) + os.sep):
        raise PhotoError(f"{text!r} is outside content/images/")
    if os.path.splitext(full)[1].lower() not in EXTENSIONS:
        raise PhotoError(f"{text!r} is not a JPEG, PNG or WebP photo (.jpg, .png, .webp)")
    if status is None:
        with contextlib.suppress(OSError):
            status = os.stat(full)
    if status is None or not stat.S_ISREG(status.st_mode):
        raise PhotoError(f"photo {text!r} not found in content/images/")
    return full[len(root.rstrip(os.sep)) + 1 :].replace(os.sep, "/"), status


def _real_folder(folders, images_root, folder):
    """The real path of ``folder`` under ``images_root``, remembered in ``folders``."""
    real = folders.get(folder)
    if real is None:
        real = folders[folder] = os.path.realpath(os.path.join(images_root, folder))
    return real


def settings_tag(settings):
    """8 hex digits digesting the derivatives' version and the settings that change
    them (widths, crop width, qualities, minimum width): part of each photo's key.
    """
    parts = [VERSION] + [
        str(settings[k])
        for k in ("widths", "crop_width", "webp_quality", "jpeg_quality", "min_width")
    ]
    return hashlib.blake2b("|".join(parts).encode(), digest_size=4).hexdigest()


def file_digest(path):
    """16 hex digits digesting the bytes of the file at ``path`` (read 1 MiB at a time)."""
    digest = hashlib.blake2b(digest_size=8)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def derivative_name(stem, key, label, ext):
    """A derivative's file name: ``<stem>-<key>-<label>.<ext>``, ``label`` its width
    (``720``) or a crop's ratio (``16x9``).
    """
    return f"{stem}-{key}-{label}.{ext}"


def summary(manifest):
    """What the stat index keeps of a manifest, in one string (a string is one object
    to read, where lists are many): the fallback format's extension ("" for a WebP
    original), then for each of :data:`BUCKETS` its derivatives'
    ``width,height,bytes``, space-separated: ``jpg;360,240,822 720,480,5784;…``.
    The files' names follow from these (:func:`derivative_name`).
    """
    fallback = manifest["fallback"]
    ext = posixpath.splitext(fallback[0]["name"])[1][1:] if fallback else ""
    parts = [
        " ".join(f"{v['width']},{v['height']},{v['size']}" for v in manifest[bucket])
        for bucket in BUCKETS
    ]
    return ";".join([ext, *parts])


def widths_for(original, widths):
    """The widths to make: each of ``widths`` narrower than the original,
    and the original's own width when it is narrower than the widest.
    """
    chosen = {w for w in widths if w < original}
    if original <= max(widths):
        chosen.add(original)
    return sorted(chosen)


def derive(source, rel, key, folder, settings):
    """Process the photo at ``source`` into ``folder`` (made here); returns
    the manifest (a dict).  :class:`PhotoError` for an unusable photo.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as opened:
            kind = opened.format
            if kind not in FORMATS:
                raise PhotoError(f"{rel!r} is a {kind} image; use JPEG, PNG or WebP")
            opened.load()
            image = ImageOps.exif_transpose(opened)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        if isinstance(exc, PhotoError):
            raise
        raise PhotoError(
            f"{rel!r} cannot be read as an image ({exc.__class__.__name__}); export it again as JPEG"
        ) from None
    if image.width < settings["min_width"]:
        raise PhotoError(
            f"{rel!r} is {image.width} px wide; a photo must be at least {settings['min_width']} px wide"
        )
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    image = image.convert("RGBA" if has_alpha else "RGB")
    stem = PurePosixPath(rel).stem
    tmp = Path(f"{folder}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    ext, mime = FORMATS[kind]
    outputs = {"webp": [], "fallback": [], "crops": []}

    def save(img, name, fmt, bucket, mime_type):
        options = {"WEBP": {"quality": settings["webp_quality"], "method": 4}}.get(fmt, {})
        if fmt == "JPEG":
            img = img.convert("RGB")
            options = {"quality": settings["jpeg_quality"], "optimize": True, "progressive": True}
        if fmt == "PNG":
            options = {"optimize": True}
        img.save(tmp / name, fmt, **options)  # no exif= given: none is written
        size = (tmp / name).stat().st_size
        outputs[bucket].append(
            {
                "name": name,
                "width": img.width,
                "height": img.height,
                "mime": mime_type,
                "size": size,
            }
        )

    for width in widths_for(image.width, settings["widths"]):
        height = round(image.height * width / image.width)
        resized = (
            image
            if width == image.width
            else image.resize((width, height), Image.Resampling.LANCZOS)
        )
        save(resized, derivative_name(stem, key, width, "webp"), "WEBP", "webp", "image/webp")
        if kind != "WEBP":
            save(resized, derivative_name(stem, key, width, ext), kind, "fallback", mime)
    crop_width = min(settings["crop_width"], image.width)
    for ratio_w, ratio_h in CROPS:
        target = (crop_width, round(crop_width * ratio_h / ratio_w))
        cropped = ImageOps.fit(image, target, Image.Resampling.LANCZOS)
        label = f"{ratio_w}x{ratio_h}"
        save(cropped, derivative_name(stem, key, label, "jpg"), "JPEG", "crops", "image/jpeg")
    manifest = {"path": rel, "key": key, **outputs}
    (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return manifest


def _derive_job(args):
    try:
        return derive(*args), None
    except PhotoError as exc:
        return None, str(exc)


class PhotoStore:
    """The build's photos: found, processed (only those not in ``cache``),
    and linked into the output.  ``processed`` counts this build's encodes.

    The stat index (``<cache>/index.json``) keeps, for each original, its size,
    mtime, key and the :func:`summary` of its manifest, so a rebuild that finds
    every original unchanged reads one small file and decodes nothing.
    """

    def __init__(self, images_root, cache_root, settings):
        self.images_root = str(images_root)
        self.cache_root = str(cache_root)
        self.settings = settings
        self.tag = settings_tag(settings)
        self.processed = 0
        self.photos = {}  # rel -> Photo
        self.leads = []  # (article, its lead Photo), in the articles' order
        self._by_url = None
        self.errors = {}  # rel -> message
        self.folders = {}  # real paths of the folders under images_root (resolve)
        self._status = {}  # rel -> the original's os.stat_result, from resolve
        self._index_path = os.path.join(self.cache_root, "index.json")
        self._changed = False
        try:
            with open(self._index_path, encoding="utf-8") as handle:
                data = json.load(handle)
        except (OSError, ValueError):
            data = None
        fits = isinstance(data, dict) and data.get("format") == INDEX_FORMAT
        self._index = data["photos"] if fits else {}

    @property
    def by_url(self):
        """``{an article's URL: its lead Photo}`` (the feeds, the sitemap), made at the
        first use: by then chapar_reader_theme has given every item its URL once, so
        asking here costs nothing more.
        """
        if self._by_url is None:
            self._by_url = {str(article.url): photo for article, photo in self.leads}
        return self._by_url

    def resolve(self, value):
        """:func:`resolve` under this store's images folder (the file's status is kept
        for :meth:`prepare`, which then reads nothing more about the original).
        """
        rel, status = locate(self.images_root, value, self.folders)
        self._status[rel] = status
        return rel

    def _entry(self, rel):
        """The index entry of ``rel``, ``[size, mtime_ns, key, summary or None]``,
        made again (the original hashed) when the original or the settings changed.
        """
        status = self._status.get(rel) or os.stat(os.path.join(self.images_root, rel))
        known = self._index.get(rel)
        if (
            known
            and len(known) == len(INDEX_ENTRY)  # an older index's entry is made again
            and known[0] == status.st_size
            and known[1] == status.st_mtime_ns
            and known[2].endswith(self.tag)
        ):
            return known
        key = f"{file_digest(os.path.join(self.images_root, rel))}{self.tag}"
        self._index[rel] = entry = [status.st_size, status.st_mtime_ns, key, None]
        self._changed = True
        return entry

    def prepare(self, rels):
        """Process every photo of ``rels`` not yet in the cache, in parallel."""
        jobs = []
        try:  # the photos' folders, listed once (a folder removed by hand is processed again)
            present = set(os.listdir(self.cache_root))
        except OSError:
            present = set()
        for rel in sorted(set(rels) - set(self.photos) - set(self.errors)):
            entry = self._entry(rel)
            folder = os.path.join(self.cache_root, entry[2])
            if entry[3] is None or entry[2] not in present:
                manifest = self._manifest(folder)
                entry[3] = None if manifest is None else summary(manifest)
                self._changed = True
            if entry[3] is not None:
                self.photos[rel] = self._photo(entry, rel)
            else:
                jobs.append(
                    (
                        os.path.join(self.images_root, rel),
                        rel,
                        entry[2][:KEY_IN_NAMES],
                        folder,
                        self.settings,
                    )
                )
        if not jobs:
            return
        os.makedirs(self.cache_root, exist_ok=True)
        self.processed += len(jobs)
        workers = max(1, min(self.settings["workers"], len(jobs)))
        if workers == 1:
            results = map(_derive_job, jobs)
        else:
            pool = ProcessPoolExecutor(workers)
            results = pool.map(_derive_job, jobs, chunksize=max(1, len(jobs) // (workers * 8)))
        try:
            for job, (manifest, error) in zip(jobs, results, strict=True):
                if error:
                    self.errors[job[1]] = error
                else:
                    entry = self._index[job[1]]
                    entry[3] = summary(manifest)
                    self.photos[job[1]] = self._photo(entry, job[1])
        finally:
            if workers > 1:
                pool.shutdown()

    def _manifest(self, folder):
        try:
            with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError):
            return None

    def _photo(self, entry, rel):
        parent = "/".join(p for p in (self.settings["output"], posixpath.dirname(rel)) if p)
        return Photo(rel, entry[2][:KEY_IN_NAMES], parent, entry[3])

    def save_index(self):
        """Write the stat index to ``<cache>/index.json`` (atomically) when this
        build changed it; nothing when empty.
        """
        if self._index and self._changed:
            os.makedirs(self.cache_root, exist_ok=True)
            tmp = f"{self._index_path}.tmp{os.getpid()}"
            with open(tmp, "w", encoding="utf-8") as handle:
                json.dump({"format": INDEX_FORMAT, "photos": self._index}, handle, sort_keys=True)
            os.replace(tmp, self._index_path)
            self._changed = False

    def publish(self, output_root, rels=None, stopped=None):
        """Link (or copy) the derivatives of ``rels`` (default: all) into ``output_root``;
        a file already there is kept.  Returns early once ``stopped`` (an Event) is set.
        """
        output_root = str(output_root)
        made = set()
        for rel in sorted(self.photos if rels is None else rels):
            photo = self.photos.get(rel)
            if photo is None:
                continue
            folder = os.path.join(self.cache_root, self._index[rel][2])
            for variant in photo.webp + photo.fallback + photo.crops:
                if stopped is not None and stopped.is_set():
                    return
                target = os.path.join(output_root, variant.url)
                parent = os.path.dirname(target)
                if parent not in made:
                    os.makedirs(parent, exist_ok=True)
                    made.add(parent)
                source = os.path.join(folder, variant.url.rpartition("/")[2])
                try:
                    os.link(source, target)
                except FileExistsError:
                    continue
                except OSError:
                    shutil.copyfile(source, target)


class Publisher(threading.Thread):
    """:meth:`PhotoStore.publish` in a thread, so the derivatives are linked into
    the output while the pages render.  :meth:`finish` waits for it and raises
    what it raised; :meth:`stop` (a failed build) asks it to stop and waits.
    """

    def __init__(self, store, output_root):
        super().__init__(name="photos into the output", daemon=True)
        self.store, self.output_root = store, output_root
        self.stopped = threading.Event()
        self.error = None
        self.seconds = 0.0  # the thread's own time (bench/bench_photos.py)

    def run(self):
        """Link every derivative; keep the exception, if any, for :meth:`finish`."""
        started = time.perf_counter()
        try:
            self.store.publish(self.output_root, stopped=self.stopped)
        except Exception as exc:  # noqa: BLE001 (raised again in the build's thread by finish)
            self.error = exc
        self.seconds = time.perf_counter() - started

    def finish(self):
        """Wait for the links; raise the error the thread met, if any."""
        self.join()
        if self.error is not None:
            raise self.error

    def stop(self):
        """Ask the thread to stop after the file it is linking, and wait until it has."""
        self.stopped.set()
        self.join()
