"""Each article's comment thread kept between builds: decisions and HTML.

An article's entry holds its moderation decisions, its rendered thread and
the texts the privacy gate looks for (``chapar.comments.withheld``).
They depend on the article's text (the relevance rule), the bytes and names
of every one of its comment files (duplicates and replies look across the
thread; author, date and body are shown), the rules as loaded (the word lists
included), the thread template, the theme's catalogue and the settings the
thread shows, and the code of the engine, the renderer and the libraries
they call.  The key digests all of them, so an entry is reused only when
moderating and rendering again would give the same.  Follows Pelican's
content-cache settings: read when ``LOAD_CONTENT_CACHE`` is on, written when
``CACHE_CONTENT`` is on, in ``CACHE_PATH/comments.json``, holding only the
current build's articles.
"""

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from chapar import i18n as persian_i18n
from chapar import moderation
from chapar.comments import render, store
from chapar.persian import dates as persian_dates
from chapar.persian import folding as persian_folding
from chapar.persian import text as persian_text

FILE = "comments.json"
FORMAT = 4  # 3: a thread is a list of pages; 4: with its withheld texts
LIBRARIES = ("markdown-it-py", "mdurl", "nh3", "jinja2", "jdatetime", "babel", "persian-text-guard")


def _code(*modules):
    """The source of ``modules``; a package's is that of all its modules."""
    h = hashlib.sha256()
    for module in modules:
        path = Path(module.__file__)
        files = sorted(path.parent.glob("*.py")) if path.name == "__init__.py" else [path]
        for source in files:
            h.update(source.read_bytes())
    return h.hexdigest()


def rules_digest(rules):
    """The rules as loaded, word lists included, and the engine's code."""
    h = hashlib.sha256(_code(moderation, persian_text, persian_folding).encode())
    for r in rules.rules:
        lexicon = (
            [(sorted(x.whole), x.anywhere, sorted(x.allowed), sorted(x.phrases)) for x in lexicons]
            if (lexicons := [x for x in (r.lexicon, r.hold_lexicon) if x is not None])
            else None
        )
        h.update(
            repr(
                (
                    r.id,
                    r.check,
                    r.action,
                    sorted(r.params.items()),
                    lexicon,
                    sorted(r.stop_words),
                    r.names,
                )
            ).encode()
        )
    return h.hexdigest()


def _library_versions():
    versions = []
    for name in LIBRARIES:
        try:
            versions.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}: none")
    return versions


def _stable_repr(value):
    """A site's Jinja filter or global by its name, not its address (which
    changes every build).
    """
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    return repr(value)


def render_digest(conf):
    """Everything a thread's HTML depends on besides its comments: the
    template and the theme's catalogue as files, the thread settings, and
    the code that reads, renders and dates (``conf``: render.thread_settings).
    """
    h = hashlib.sha256(
        json.dumps(
            [FORMAT, conf, _library_versions()], sort_keys=True, default=_stable_repr
        ).encode()
    )
    h.update(_code(render, store, persian_dates, persian_i18n).encode())
    for folder in conf["templates"]:
        path = os.path.join(folder, render.THREAD_TEMPLATE)
        if os.path.exists(path):
            h.update(Path(path).read_bytes())
            break
    po = os.path.join(conf["translations"], conf["lang"], "LC_MESSAGES", "messages.po")
    h.update(Path(po).read_bytes() if os.path.exists(po) else b"none")
    return h.hexdigest()


def article_key(digest, code, article_text, files):
    """``files``: ``(path, bytes)`` of the article's comment files."""
    h = hashlib.sha256(f"{digest}\x00{code}\x00".encode())
    h.update(article_text.encode("utf-8", "surrogatepass"))
    for path, data in files:
        h.update(b"\x00" + os.path.basename(path).encode("utf-8", "surrogatepass") + b"\x00")
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class ThreadCache:
    """``{key: [[page html], count, {id: [status, rule, reason]}, [[path, line,
    message]], {label: text}]}`` (comments left out for their length, then the
    withheld texts): the last build's entries (read at the first :meth:`get`) and
    this build's.
    """

    def __init__(self, path, load=False, save=False):
        self.path, self.load, self.save = path, load, save
        self._previous = None
        self.current = {}

    @property
    def loaded(self):
        """Whether :attr:`previous` has been read (or found missing) here."""
        return self._previous is not None

    @property
    def previous(self):
        """The last build's cache entries, ``{key: entry}``, read from the file on first use.

        Empty when loading is off, the file is missing or unreadable, or of another format.
        """
        if self._previous is None:
            self._previous = {}
            if self.load:
                try:
                    with open(self.path, encoding="utf-8") as handle:
                        data = json.load(handle)
                    if data.get("format") == FORMAT:
                        self._previous = dict(data["articles"])
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    self._previous = {}
        return self._previous

    def get(self, key):
        """``([page html], count, {id: Decision}, [(path, line, message)], {label: text})``
        kept from the last build, or None.
        """
        kept = self.previous.get(key)
        if kept is None:
            return None
        pages, count, decisions, left_out, withheld = kept
        return (
            pages,
            count,
            {cid: moderation.Decision(*d) for cid, d in decisions.items()},
            [tuple(item) for item in left_out],
            withheld,
        )

    def put(self, key, pages, count, decisions, left_out=(), withheld=None):
        """Keep this build's entry for ``key``: ``decisions`` are ``{Id: Decision}``, ``left_out``
        ``(path, line, message)`` items, ``withheld`` ``{label: text}``; written by :meth:`write`.
        """
        self.current[key] = [
            pages,
            count,
            {cid: list(d) for cid, d in decisions.items()},
            [list(item) for item in left_out],
            dict(withheld or {}),
        ]

    def write(self):
        """Write this build's entries to ``path`` (atomically, by rename), if saving is on.

        Only this build's entries (:meth:`put`) are written: those it did not use are dropped.
        """
        if not self.save:
            return
        os.makedirs(os.path.dirname(self.path) or ".", exist_ok=True)
        partial = f"{self.path}.{os.getpid()}.partial"
        # dumps, not dump: only the one-shot encoder is the C one
        text = json.dumps(
            {"format": FORMAT, "articles": self.current},
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )
        with open(partial, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(partial, self.path)
