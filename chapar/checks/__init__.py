"""Checks over a built site, as pure functions that return lists of problems.

Not a Pelican plugin: the test suite and ``invoke publish`` import these
(``plugins/`` is on their path) and fail when a list is not empty.

* :func:`site_checks.links.broken_links` — internal links and ``#anchors``
* :func:`site_checks.html.vnu_errors` — the Nu HTML checker over the output
* :func:`site_checks.budgets.budget_problems` — page weight, fonts, external resources
* :func:`site_checks.a11y.axe_violations` — axe-core in a playwright page
"""
