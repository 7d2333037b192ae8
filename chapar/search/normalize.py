"""The search normaliser: one form for what readers type and what pages say.

The ``search`` and ``search_page`` profiles of :mod:`chapar.persian.folding`;
``theme/static/js/search-normalize.js`` applies the same ``search`` profile
from the table the build exports, and a shared list of examples
(tests/data/search_normalize_examples.json) runs through both.
"""

from chapar.persian import folding

# One pass over a whole page: a regex finds the few characters that change
# (str.translate with a dict costs a lookup for every character: ~10 s on
# 100 MB of award pages).  The search job rebuilds fold_page from these two
# (chapar/search/job.py); a character missing from PAGE_FOLDS is dropped.
PAGE_FOLDS = {c: r for c, r in folding.SEARCH_PAGE.table.items() if r}
PAGE_CHANGES = folding.SEARCH_PAGE.changes


def fold_page(html):
    """Fold letters and digits in a whole page (markup included) for indexing."""
    return PAGE_CHANGES.sub(lambda m: PAGE_FOLDS.get(m[0], ""), html)


def normalize_for_search(text):
    """Fold letters and digits the way the browser folds the query."""
    return folding.SEARCH(text)
