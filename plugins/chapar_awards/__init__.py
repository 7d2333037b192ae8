"""Award pages from CSV: every agency's record, every festival's winners, open data.

Editors keep festival results in ``data/awards/*.csv`` (README.md, "Awards (for editors)").
This plugin reads them with pandas, reports every problem as
``path:line: message`` (the safe_build plugin then fails the build), and
writes ``awards/``, a page per agency and per festival, and the validated
rows as CSV, JSON and a Frictionless data package.  Articles name agencies
in their ``Agencies`` header; templates find them in ``awards_agencies``
(id → agency) and a news code's festivals in ``awards_festivals_by_news``.

One concern per module: files (where the tables are), reading, validation,
matching, collation, records (page objects), chart, opendata, heap (the
garbage collector), kept (the objects and open data kept between builds while
the tables are the same), generator.
"""

from pelican import signals

from chapar.awards import heap
from chapar_awards.generator import AwardsGenerator


def get_generators(pelican):
    """A ``get_generators`` receiver: adds :class:`AwardsGenerator` to the build."""
    return AwardsGenerator


def register():
    """Connect the generator and, on ``finalized``, ``heap.thaw`` (undo the build's gc freeze)."""
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(heap.thaw)
