"""Checks over a built site, as pure functions that return lists of problems.

Not a Pelican plugin: the test suite and ``invoke publish`` import these
and fail when a list is not empty.

* :func:`chapar.checks.links.broken_links` — internal links and ``#anchors``
* :func:`chapar.checks.html.vnu_errors` — the Nu HTML checker over the output
* :func:`chapar.checks.budgets.budget_problems` — page weight, fonts, external resources
* :func:`chapar.checks.a11y.axe_violations` — axe-core in a playwright page
"""
