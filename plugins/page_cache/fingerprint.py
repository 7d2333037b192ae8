"""Fingerprints of what a template is given: equal fingerprints, equal page.

A page is rendered from its own objects (the ``article``, ``tag``,
``articles_page``, ``agency`` … passed to ``write_file``) and from the
site-wide context.  :class:`Fingerprints` digests any such value.  How deep it
looks into a piece of content depends on how the page uses it (``mode``):

``page``
    the page's own content: its HTML body, its metadata and every attribute
    a plugin gave it (related news, neighbours, comments …);
``item``
    content shown in a list on another page (related, a page of an archive):
    its URL and metadata (title, date, lead, kicker, tags …), not its body;
``listing``
    a whole list seen only through a paginator: which items, in which order;
``site``
    the site-wide context (navigation): names and URLs, no content at all.

Values are digested once per build (memoised by identity, the object kept
alive so an id is never reused) since every page shares most of them.
"""

import dataclasses
import datetime
import hashlib
import types

from pelican.contents import Content
from pelican.paginator import Page, Paginator
from pelican.urlwrappers import URLWrapper

# Attributes that point back at the whole site: covered by the site key.
SITE_ATTRIBUTES = frozenset({"settings", "_context"})


_SCALAR = (str, int, float, bool, type(None), datetime.date, datetime.time)
_PLAIN = _SCALAR + (URLWrapper, Content)


def plain(value):
    """A value, or a collection of values, that is not an object of its own:
    what an object shows of another object it points to (an award's agency:
    its name and URL, not the agency's other awards)."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, _PLAIN) and isinstance(v, _PLAIN) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(isinstance(v, _PLAIN) for v in value)
    return False


def _digest(parts):
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return h.hexdigest()


class Fingerprints:
    def __init__(self):
        self._memo = {}

    def of(self, value, mode="page", nested=False):
        """The digest of ``value``.  ``nested``: inside another object, where
        an object is seen by its plain attributes only (see :func:`plain`)."""
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, str):  # Markup too
            return "s" + value
        key = (id(value), mode, nested)
        hit = self._memo.get(key)
        if hit is not None:
            return hit[1]
        self._memo[key] = (value, "cycle:" + type(value).__name__)
        digest = self._compute(value, mode, nested)
        self._memo[key] = (value, digest)
        return digest

    def _compute(self, value, mode, nested):
        kind = type(value).__qualname__
        if isinstance(value, Content):
            return self._content(value, mode)
        # Only content handed to the page itself is seen in full.
        mode = "item" if mode == "page" else mode
        if isinstance(value, URLWrapper):
            return _digest((kind, value.name, value.slug))
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return _digest((kind, value.isoformat(), str(getattr(value, "tzinfo", ""))))
        if isinstance(value, bytes):
            return _digest((kind, value.hex()))
        if isinstance(value, dict):
            items = sorted((self.of(k, mode, nested), self.of(v, mode, nested))
                           for k, v in value.items())
            return _digest([kind] + [part for pair in items for part in pair])
        if isinstance(value, (set, frozenset)):
            return _digest([kind] + sorted(self.of(v, mode, nested) for v in value))
        if isinstance(value, (list, tuple)):
            return _digest([kind] + [self.of(v, mode, nested) for v in value])
        if isinstance(value, Paginator):
            # The pages it links to: which items, in which order.
            return _digest((kind, value.name, str(value.url), str(value.per_page),
                            str(value.orphans), self.of(value.object_list, "listing")))
        if isinstance(value, Page):
            return _digest((kind, value.name, str(value.number), self.of(value.paginator, mode),
                            self.of(value.object_list, mode)))
        if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type,
                              types.ModuleType, types.MethodType)):
            return _digest((kind, getattr(value, "__module__", "") or "",
                            getattr(value, "__qualname__", getattr(value, "__name__", ""))))
        if hasattr(value, "pattern") and hasattr(value, "flags"):  # compiled regex
            return _digest((kind, str(value.pattern), str(value.flags)))
        if dataclasses.is_dataclass(value):
            attributes = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        elif hasattr(value, "__dict__"):
            attributes = {k: v for k, v in vars(value).items() if k not in SITE_ATTRIBUTES}
        else:
            return _digest((kind, repr(value)))
        if nested or mode == "site":  # a graph of objects (agencies, awards …) ends here
            attributes = {k: v for k, v in attributes.items() if plain(v)}
            if all(isinstance(v, _SCALAR) for v in attributes.values()):
                return _digest((kind, repr(sorted(attributes.items()))))  # one C-level pass
        return _digest((kind, self.of(attributes, mode, nested=True)))

    def _content(self, content, mode):
        kind = type(content).__qualname__
        if mode == "site":
            return kind
        if mode == "listing":
            return _digest((kind, str(content.url)))
        if mode == "item":
            return _digest((kind, str(content.url), self.of(content.metadata, "item")))
        own = {k: v for k, v in vars(content).items() if k not in SITE_ATTRIBUTES}
        return _digest((kind, str(content.url), str(content.save_as), self.of(own, "item")))
