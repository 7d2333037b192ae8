"""axe-core in a playwright page: WCAG 2.1 A and AA violations by impact."""

import functools
from pathlib import Path

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


@functools.cache
def axe_source():
    """The axe-core script bundled by PyPI ``axe-playwright-python`` (read once)."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def start_axe(page, tags=WCAG_TAGS):
    """Start axe-core on the page loaded in ``page`` and return at once: the
    run goes on in the page's own renderer while the caller opens the next
    page (:func:`axe_results` waits for it).  The script is injected with
    ``evaluate`` so a strict CSP cannot block it.
    """
    page.evaluate(axe_source())
    page.evaluate(
        "tags => { window.__chaparAxe = axe.run(document,"
        " {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}); }",
        list(tags),
    )


def axe_results(page, impacts=("serious", "critical")):
    """``["rule-id (impact): help — selector", ...]`` of the run :func:`start_axe`
    started in ``page``, once it has finished.
    """
    result = page.evaluate("() => window.__chaparAxe")
    problems = []
    for violation in result["violations"]:
        if violation.get("impact") not in impacts:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        problems.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
        )
    return problems


def axe_violations(page, impacts=("serious", "critical"), tags=WCAG_TAGS):
    """``["rule-id (impact): help — selector", ...]`` for the page loaded in ``page``."""
    start_axe(page, tags)
    return axe_results(page, impacts)
