"""Photos processed once: widths for ``srcset`` in WebP and the original
format, the JSON-LD crops, EXIF dropped and orientation applied.

A photo's derivatives live in ``<cache>/<key>/`` where ``key`` digests the
original's bytes and the processing settings, with a ``manifest.json``
naming them; a later build finds the manifest and processes nothing.  A
stat index (size and mtime of each original) saves reading the originals
again when they are unchanged; a checkout that resets mtimes only costs a
hash per photo, never a new encode.
"""

import dataclasses
import hashlib
import json
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path, PurePosixPath

# Bumped when the derivatives change for the same settings.
VERSION = "2"

# The formats editors may give, as Pillow names them: (extension, MIME type).
FORMATS = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}

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


@dataclasses.dataclass(frozen=True)
class Variant:
    """One derivative file of a photo: its URL, pixel size, MIME type and bytes."""

    url: str  # from the site root: images/…/name-<key>-720.webp
    width: int
    height: int
    mime: str
    size: int  # bytes


@dataclasses.dataclass(frozen=True)
class Photo:
    """One processed photo, as pages show it."""

    path: str  # under content/images/, posix
    key: str
    width: int  # of the largest derivative
    height: int
    webp: tuple  # Variants, narrowest first
    fallback: tuple  # the original format; empty when the original is WebP
    crops: tuple  # 16:9, 4:3, 1:1, JPEG

    def _srcset(self, variants):
        return ", ".join(f"{v.url} {v.width}w" for v in variants)

    @property
    def largest(self):
        """The widest derivative in a format every client reads (og:image)."""
        return (self.fallback or self.webp)[-1]

    @property
    def smallest(self):
        """The narrowest derivative in a format every client reads (fallback, else WebP)."""
        return (self.fallback or self.webp)[0]

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


def resolve(images_root, value):
    """The path under ``images_root`` that ``value`` names, posix, checked;
    :class:`PhotoError` for a path outside it, missing, or not a photo.
    """
    text = str(value).strip()
    if not text:
        raise PhotoError("the photo's path is empty")
    if "://" in text or text.startswith(("/", "\\")) or ":" in text.split("/")[0]:
        raise PhotoError(
            f"{text!r} is not a path under content/images/; put the photo there "
            "and give its path from that folder (e.g. 1405/09/name.jpg)"
        )
    rel = PurePosixPath(text.replace("\\", "/"))
    root = Path(images_root).resolve()
    full = (root / rel).resolve()
    if full != root and root not in full.parents:
        raise PhotoError(f"{text!r} is outside content/images/")
    if full.suffix.lower() not in EXTENSIONS:
        raise PhotoError(f"{text!r} is not a JPEG, PNG or WebP photo (.jpg, .png, .webp)")
    if not full.is_file():
        raise PhotoError(f"photo {text!r} not found in content/images/")
    return full.relative_to(root).as_posix()


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
        save(resized, f"{stem}-{key}-{width}.webp", "WEBP", "webp", "image/webp")
        if kind != "WEBP":
            save(resized, f"{stem}-{key}-{width}.{ext}", kind, "fallback", mime)
    crop_width = min(settings["crop_width"], image.width)
    for ratio_w, ratio_h in CROPS:
        target = (crop_width, round(crop_width * ratio_h / ratio_w))
        cropped = ImageOps.fit(image, target, Image.Resampling.LANCZOS)
        save(cropped, f"{stem}-{key}-{ratio_w}x{ratio_h}.jpg", "JPEG", "crops", "image/jpeg")
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
    and copied into the output.  ``processed`` counts this build's encodes.
    """

    def __init__(self, images_root, cache_root, settings):
        self.images_root = Path(images_root)
        self.cache_root = Path(cache_root)
        self.settings = settings
        self.tag = settings_tag(settings)
        self.processed = 0
        self.photos = {}  # rel -> Photo
        self.by_url = {}  # an article's URL -> its lead Photo (for the feeds)
        self.errors = {}  # rel -> message
        self._index_path = self.cache_root / "index.json"
        try:
            self._index = json.loads(self._index_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self._index = {}

    def _key(self, rel):
        full = self.images_root / rel
        stat = full.stat()
        known = self._index.get(rel)
        if (
            known
            and known[0] == stat.st_size
            and known[1] == stat.st_mtime_ns
            and known[2].endswith(self.tag)
        ):
            return known[2]
        key = f"{file_digest(full)}{self.tag}"
        self._index[rel] = [stat.st_size, stat.st_mtime_ns, key]
        return key

    def prepare(self, rels):
        """Process every photo of ``rels`` not yet in the cache, in parallel."""
        jobs = []
        for rel in sorted(set(rels) - set(self.photos) - set(self.errors)):
            key = self._key(rel)
            folder = self.cache_root / key
            manifest = self._manifest(folder)
            if manifest is not None:
                self.photos[rel] = self._photo(manifest, rel)
            else:
                jobs.append(
                    (str(self.images_root / rel), rel, key[:12], str(folder), self.settings)
                )
        if not jobs:
            return
        self.cache_root.mkdir(parents=True, exist_ok=True)
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
                    self.photos[job[1]] = self._photo(manifest, job[1])
        finally:
            if workers > 1:
                pool.shutdown()

    def _manifest(self, folder):
        try:
            return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _photo(self, manifest, rel):
        parent = PurePosixPath(self.settings["output"]) / PurePosixPath(rel).parent

        def variants(bucket):
            return tuple(
                Variant(str(parent / v["name"]), v["width"], v["height"], v["mime"], v["size"])
                for v in manifest[bucket]
            )

        webp, fallback = variants("webp"), variants("fallback")
        widest = (fallback or webp)[-1]
        return Photo(
            rel, manifest["key"], widest.width, widest.height, webp, fallback, variants("crops")
        )

    def save_index(self):
        """Write the stat index to ``<cache>/index.json`` (atomically); nothing when empty."""
        if self._index:
            self.cache_root.mkdir(parents=True, exist_ok=True)
            tmp = self._index_path.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._index, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self._index_path)

    def publish(self, output_root, rels=None):
        """Link (or copy) the derivatives of ``rels`` (default: all) into ``output_root``."""
        output_root = Path(output_root)
        for rel in sorted(self.photos if rels is None else rels):
            photo = self.photos.get(rel)
            if photo is None:
                continue
            folder = self.cache_root / self._index[rel][2]
            for variant in photo.webp + photo.fallback + photo.crops:
                target = output_root / variant.url
                if target.exists():
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                source = folder / PurePosixPath(variant.url).name
                try:
                    os.link(source, target)
                except OSError:
                    shutil.copyfile(source, target)
