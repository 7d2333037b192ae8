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

Lists and tuples (named tuples too: their fields in order, under their
class name) are digested item by item.  Other objects are digested by their
attributes, unless they define ``__page_key__(fingerprints)``: a string of
everything their pages show, for graphs of objects (the awards' agencies,
festivals and results point at each other) that a walk of attributes would
find cyclic (``chapar.awards.records.page_key`` writes it as JSON of plain
values; a TypeError or ValueError it raises means "cannot say").  An object
with neither attributes nor a ``repr`` of its own (``object.__repr__`` is
its address) is never digested by ``repr``.  A value that cannot be
digested with certainty raises :class:`Unfingerprintable` and its page is
rendered every time.

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
_PLAIN = (*_SCALAR, URLWrapper, Content)


def plain(value):
    """A value, or a collection of values, that is not an object of its own:
    what the site-wide context shows of an object (an agency's name and URL
    in an article's links, not the agency's awards).
    """
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, dict):
        return all(isinstance(k, _PLAIN) and isinstance(v, _PLAIN) for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(isinstance(v, _PLAIN) for v in value)
    return False


_REPR_EXACT = (str, int, float, bool, type(None), datetime.date, datetime.time, URLWrapper)


def _value_repr(mapping):
    """``repr`` of a dict whose values are plain values (or lists of them),
    whose ``repr`` shows them whole (a tag's repr is its name); else None.
    """
    for value in mapping.values():
        if isinstance(value, (list, tuple)):
            if not all(isinstance(v, _REPR_EXACT) for v in value):
                return None
        elif not isinstance(value, _REPR_EXACT):
            return None
    return repr(sorted(mapping.items()))


def _digest(parts):
    """The digest of ``parts``, each followed by a NUL (hashed in one call)."""
    data = "\x00".join(parts) + "\x00"
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class Unfingerprintable(Exception):
    """A value this module cannot digest with certainty (a cycle, a graph
    too deep): the page is rendered every time.
    """


MAX_DEPTH = 12


class Fingerprints:
    """One build's digests of the values pages are given, memoised by identity and mode."""

    def __init__(self):
        self._memo = {}

    def of(self, value, mode="page", depth=0):
        """The digest of ``value``; raises :class:`Unfingerprintable`."""
        if value is None or isinstance(value, (bool, int, float)):
            return repr(value)
        if isinstance(value, str):  # Markup too
            return "s" + value
        if mode == "page" and not isinstance(value, Content):
            mode = "item"  # "page" differs from "item" only for content itself
        key = (id(value), mode)
        hit = self._memo.get(key)
        if hit is not None:
            if hit[1] is None:
                raise Unfingerprintable(f"a cycle through {type(value).__qualname__}")
            return hit[1]
        if depth > MAX_DEPTH:
            raise Unfingerprintable(f"{type(value).__qualname__} nested too deep")
        self._memo[key] = (value, None)  # in progress
        try:
            digest = self._compute(value, mode, depth + 1)
        except Unfingerprintable:
            del self._memo[key]
            raise
        self._memo[key] = (value, digest)
        return digest

    def _compute(self, value, mode, depth):
        kind = type(value).__qualname__
        if isinstance(value, Content):
            return self._content(value, mode, depth)
        if isinstance(value, URLWrapper):
            return _digest((kind, value.name, value.slug))
        if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
            return _digest((kind, value.isoformat(), str(getattr(value, "tzinfo", ""))))
        if isinstance(value, bytes):
            return _digest((kind, value.hex()))
        if isinstance(value, dict):
            if all(type(k) is str for k in value):
                fast = _value_repr(value)
                if fast is not None:
                    return _digest((kind, fast))
                items = sorted(
                    ("s" + k, self.of(v, mode, depth))  # self.of of a str key
                    for k, v in value.items()
                )
            else:
                items = sorted(
                    (self.of(k, mode, depth), self.of(v, mode, depth)) for k, v in value.items()
                )
            return _digest([kind] + [part for pair in items for part in pair])
        if isinstance(value, (set, frozenset)):
            return _digest([kind, *sorted(self.of(v, mode, depth) for v in value)])
        if isinstance(value, (list, tuple)):
            return _digest([kind] + [self.of(v, mode, depth) for v in value])
        if isinstance(value, Paginator):
            # The pages it links to: which items, in which order.
            return _digest(
                (
                    kind,
                    value.name,
                    str(value.url),
                    str(value.per_page),
                    str(value.orphans),
                    self.of(value.object_list, "listing", depth),
                )
            )
        if isinstance(value, Page):
            return _digest(
                (
                    kind,
                    value.name,
                    str(value.number),
                    self.of(value.paginator, mode, depth),
                    self.of(value.object_list, mode, depth),
                )
            )
        if isinstance(
            value,
            (
                types.FunctionType,
                types.BuiltinFunctionType,
                type,
                types.ModuleType,
                types.MethodType,
            ),
        ):
            return _digest(
                (
                    kind,
                    getattr(value, "__module__", "") or "",
                    getattr(value, "__qualname__", getattr(value, "__name__", "")),
                )
            )
        if hasattr(value, "pattern") and hasattr(value, "flags"):  # compiled regex
            return _digest((kind, str(value.pattern), str(value.flags)))
        if mode != "site" and hasattr(value, "__page_key__"):
            # An object that knows what its pages show says so, in one string.
            try:
                key = value.__page_key__(self)
            except (TypeError, ValueError) as reason:  # a value it cannot write down
                raise Unfingerprintable(f"{kind}.__page_key__: {reason}") from None
            return _digest((kind, key))
        if dataclasses.is_dataclass(value):
            attributes = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        elif hasattr(value, "__dict__"):
            attributes = {k: v for k, v in vars(value).items() if k not in SITE_ATTRIBUTES}
        elif type(value).__repr__ is object.__repr__:
            # "<… object at 0x…>": an address, not what the page shows
            raise Unfingerprintable(f"{kind} has no fields to digest")
        else:
            return _digest((kind, repr(value)))
        if mode == "site":  # the site-wide context: names and URLs, not the graph behind
            attributes = {k: v for k, v in attributes.items() if plain(v)}
        if all(isinstance(v, _SCALAR) for v in attributes.values()):
            return _digest((kind, repr(sorted(attributes.items()))))  # one C-level pass
        return _digest((kind, self.of(attributes, mode, depth)))

    def _content(self, content, mode, depth):
        kind = type(content).__qualname__
        if mode == "site":
            return kind
        if mode == "listing":
            return _digest((kind, str(content.url)))
        if mode == "item":
            fast = _value_repr(content.metadata)
            if fast is None:
                fast = self.of(content.metadata, "item", depth)
            return _digest((kind, str(content.url), fast))
        metadata = content.metadata
        own = {
            k: v
            for k, v in vars(content).items()  # not twice what metadata holds
            if k not in SITE_ATTRIBUTES and (k not in metadata or v is not metadata[k])
        }
        return _digest((kind, str(content.url), str(content.save_as), self.of(own, "item", depth)))
