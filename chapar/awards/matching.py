"""Finding an agency by id, name or alias as editors type them.

Names are compared by :func:`persian.text.fold` (Arabic/Persian letters,
digits, ZWNJ and runs of spaces normalised); a name that matches nothing
gets the closest registered names as a suggestion; an article's
``Agencies`` header is checked against the index (:func:`check_article_agencies`).
"""

import difflib

from chapar.persian.text import fold
from chapar.problems import Problem


class AgencyIndex:
    """``fold(id | name | alias)`` → agency id."""

    def __init__(self):
        self._ids = {}
        self._claims = {}  # folded key -> (agency id, the spelling that claimed it)
        self._names = {}  # folded name -> display name, for suggestions

    def add_id(self, agency_id):
        """Register an agency id; :meth:`lookup` finds it by any spelling that folds the same."""
        self._ids[fold(agency_id)] = agency_id

    def ids(self):
        """Every registered agency id, as it was given (a new set)."""
        return set(self._ids.values())

    def claim(self, agency_id, name):
        """Register a name or alias; returns the other agency's claim on it, if any."""
        key = fold(name)
        owner = self._claims.get(key)
        if owner and owner[0] != agency_id:
            return owner
        self._claims.setdefault(key, (agency_id, name))
        self._names.setdefault(key, name)
        return None

    def lookup(self, text):
        """The agency id that ``text`` (an id, name or alias, folded) names, or None."""
        key = fold(text)
        if key in self._ids:
            return self._ids[key]
        claim = self._claims.get(key)
        return claim[0] if claim else None

    def closest(self, text, n=3):
        """Up to ``n`` registered names (display spelling) nearest to ``text``."""
        found = difflib.get_close_matches(fold(text), list(self._names), n=n, cutoff=0.5)
        if not found:  # a misspelt id is nearer to the ids
            found = difflib.get_close_matches(fold(text), list(self._ids), n=n, cutoff=0.5)
            return [self._ids[k] for k in found]
        return [self._names[k] for k in found]


def suggest(options):
    """``; closest: «a», «b»`` or "" when there is nothing to suggest."""
    return "; closest: " + ", ".join(f"«{o}»" for o in options) if options else ""


def check_article_agencies(articles, index, read_lines):
    """Problems for articles whose ``Agencies`` names an unknown id.

    ``read_lines(path)`` gives the article's header ``{key: line}``.
    """
    problems = []
    known = index.ids()
    for article in articles:
        unknown = [a for a in getattr(article, "agencies", None) or [] if a not in known]
        if not unknown:
            continue
        line = read_lines(article.source_path).get("agencies", 1)
        for agency_id in unknown:
            hint = index.closest(agency_id)
            problems.append(
                Problem(
                    article.source_path,
                    line,
                    f"Agencies: unknown agency id {agency_id!r} "
                    "(ids are in data/awards/agencies.csv)" + suggest(hint),
                )
            )
    return problems
