"""News photos (SPEC section 8, README.md "Photos"): wires chapar/photos to the build.

After the articles are read, every published item's lead photo (``Image``)
and body photos (``![what it shows](path "caption")``; an ``<img>`` written as
HTML is left as it is) are checked and
processed (only those not already in ``cache/photos/``); a bad one is an
error naming the file and line, which stops the build (chapar_safe_build).
Each article gets ``photo`` (a :class:`chapar.photos.process.Photo` or
None), also in its metadata so that the page cache re-renders every page
showing a changed photo (its derivatives' names carry the original's digest).
Feed items get the lead photo as an ``enclosure`` (RSS) or ``link rel="enclosure"``
(Atom), at the width of ``PHOTOS["feed_width"]``.  At the end the derivatives
used are linked into ``output/images/`` by a thread that starts once the
photos are known and runs while the pages render (joined at ``finalized``; stopped
at ``safe_build.run_over`` when a build fails), and each lead photo is named in
``sitemap.xml`` (Google's image extension).
"""

import logging
import os
import resource
import time
from urllib.parse import urlsplit

from blinker import signal
from feedgenerator import Enclosure
from pelican import signals

from chapar.news.item import header_lines, read_source
from chapar.photos.html import body_sources, markdown_images, rewrite_body
from chapar.photos.process import DEFAULTS, PhotoError, PhotoStore, Publisher
from chapar.photos.sitemap import add_images
from chapar.problems import Problem
from chapar.settings import concern

logger = logging.getLogger(__name__)

_stores = {}  # id(settings) -> the build's PhotoStore
_publishers = []  # the build's Publisher thread, while it runs
LAST = {}  # "store": the last build's PhotoStore (bench/bench_photos.py reads its counts)


def _settings(settings):
    """The site's ``PHOTOS`` over :data:`DEFAULTS` (chapar.settings.concern)."""
    return concern(settings, "PHOTOS", DEFAULTS)


def store_for(settings):
    """The :class:`PhotoStore` of the build with these settings, or None before
    :func:`attach` or after :func:`publish`.
    """
    return _stores.get(id(settings))


def _line_of(path, key=None, needle=None):
    try:
        text = read_source(path)
    except Exception:  # noqa: BLE001 (the reader reports an unreadable file itself)
        return 1
    if key is not None:
        return header_lines(text).get(key, 1)
    lines = text.splitlines()
    start = max(header_lines(text).values(), default=0)  # the body: after the header
    for form in (f"]({needle}", f'src="{needle}"', f"src='{needle}'", f"src={needle}", needle):
        for number, line in enumerate(lines[start:], start + 1):
            if form in line:
                return number
    return 1


def attach(generator):
    """An ``article_generator_finalized`` receiver: check and process every article's
    lead and body photos (cached ones are reused), log an error for each bad one, and
    set ``article.photo`` (a Photo or None; also ``metadata["photo"]``), rewriting the
    body's photos as ``<figure>``s.
    """
    settings = generator.settings
    options = _settings(settings)
    images_root = os.path.join(settings["PATH"], options["source"])
    cache_root = os.path.join(settings.get("CACHE_PATH") or "cache", "photos")
    started = time.perf_counter()
    cpu = _cpu()
    store = PhotoStore(images_root, cache_root, options)
    _stores[id(settings)] = store
    LAST["store"] = store
    _stores[id(generator.context)] = store  # what the feed signal is given
    wanted = []  # (article, kind, value, rel)
    for article in generator.articles:
        meta = article.metadata
        value = meta.get("image")
        if value:
            if not str(meta.get("imagealt", "")).strip():
                _error(
                    article,
                    "imagealt" if "imagealt" in meta else "image",
                    "Image needs ImageAlt: say what the photo shows, for readers who cannot see it",
                )
            try:
                wanted.append((article, "lead", value, store.resolve(value)))
            except PhotoError as exc:
                _error(article, "image", f"Image: {exc}")
        sources = body_sources(article._content)
        written = markdown_images(read_source(article.source_path)) if sources else set()
        for src, alt in sources:
            if src not in written:
                continue  # an <img> in the body's HTML: left as nh3 cleaned it (README.md)
            try:
                rel = store.resolve(src)
            except PhotoError as exc:
                _error(article, None, f"photo in the text: {exc}", needle=src)
                continue
            if not alt.strip():
                _error(
                    article,
                    None,
                    f"photo {src!r} in the text needs a description: ![what it shows]({src})",
                    needle=src,
                )
            wanted.append((article, "body", src, rel))
    store.prepare(rel for *_, rel in wanted)
    store.save_index()
    body = {}
    for article, kind, value, rel in wanted:
        if rel in store.errors:
            if kind == "lead":
                _error(article, "image", f"Image: {store.errors[rel]}")
            else:
                _error(article, None, f"photo in the text: {store.errors[rel]}", needle=value)
            continue
        photo = store.photos[rel]
        if kind == "lead":
            article.photo = photo
            article.metadata["photo"] = photo
            store.leads.append((article, photo))
        else:
            body.setdefault(id(article), (article, {}))[1][value] = photo
    for article, photos in body.values():
        article._content = rewrite_body(article._content, photos, settings.get("SITEURL", ""))
        article.metadata["body_photos"] = tuple(sorted(p.key for p in photos.values()))
    for article in generator.articles:
        if not hasattr(article, "photo"):
            article.photo = None
    stop()
    publisher = Publisher(store, settings["OUTPUT_PATH"])
    publisher.start()
    _publishers.append(publisher)
    store.started, store.seconds = started, time.perf_counter() - started  # bench_photos reads
    store.cpu_seconds = _cpu() - cpu
    if store.processed:
        logger.info(
            "photos: %d processed, %d reused from cache",
            store.processed,
            len(store.photos) - store.processed,
        )


def _cpu():
    """CPU seconds of this process and its finished children (the photo workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _error(article, key, message, needle=None):
    line = (
        _line_of(article.source_path, key=key)
        if key
        else _line_of(article.source_path, needle=needle)
    )
    logger.error("%s", Problem(article.source_path, line, message))


def enclose(context, feed):
    """The lead photo of each feed item that has one, as its enclosure."""
    store = _stores.get(id(context))
    if store is None:
        return
    domain = (context.get("FEED_DOMAIN") or context.get("SITEURL") or "").rstrip("/")
    width = _settings(context)["feed_width"]
    for item in feed.items:
        path = urlsplit(item["link"]).path.lstrip("/")
        photo = store.by_url.get(path)
        if photo is not None:
            variant = photo.at_least(width)
            item["enclosures"] = [
                Enclosure(f"{domain}/{variant.url}", str(variant.size), variant.mime)
            ]


def publish(pelican):
    """The derivatives into the output, and the lead photos into the sitemap
    (connected late, so pelican-sitemap has written ``sitemap.xml``).
    """
    store = _stores.pop(id(pelican.settings), None)
    for key in [k for k, v in _stores.items() if v is store]:
        del _stores[key]
    if store is None:
        return
    started = time.perf_counter()
    while _publishers:
        publisher = _publishers.pop()
        try:
            publisher.finish()
        except OSError as exc:  # a derivative gone from cache/photos/: the build fails
            message = (
                f"the photo cache is damaged ({exc.strerror}); "
                f"remove {store.cache_root}/ and build again"
            )
            logger.error("%s", Problem(exc.filename or store.cache_root, 1, message))
            return
        store.link_seconds = publisher.seconds
    output = pelican.settings["OUTPUT_PATH"]
    sitemap = os.path.join(output, "sitemap.xml")
    if store.by_url and os.path.isfile(sitemap):
        with open(sitemap, encoding="utf-8") as handle:
            xml = handle.read()
        images = {url: photo.largest.url for url, photo in store.by_url.items()}
        with open(sitemap, "w", encoding="utf-8") as handle:
            handle.write(add_images(xml, images, pelican.settings.get("SITEURL", "")))
    store.finish_seconds = time.perf_counter() - started  # bench/bench_photos.py reads it


def stop(*_args, **_kwargs):
    """The ``safe_build.run_over`` receiver (and :func:`attach`'s, for a build that
    never finished): stop the linking thread and wait for it.
    """
    while _publishers:
        _publishers.pop().stop()


_connected = []


def connect_late(pelican):
    """``finalized`` receivers run in the order they connect: this one after every plugin's."""
    if not _connected:
        signals.finalized.connect(publish)
        _connected.append(publish)


def register():
    """Connect :func:`attach`, the feed enclosures, (at ``initialized``) the late
    ``finalized`` receiver that publishes the derivatives, and :func:`stop`.
    """
    signals.article_generator_finalized.connect(attach)
    signals.feed_generated.connect(enclose)
    signals.initialized.connect(connect_late)
    signal("safe_build.run_over").connect(stop)
