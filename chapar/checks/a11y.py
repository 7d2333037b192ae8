"""axe-core in a playwright page: WCAG 2.1 A and AA violations by impact."""

from pathlib import Path

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def axe_source():
    """The axe-core script bundled by PyPI ``axe-playwright-python``."""
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page, impacts=("serious", "critical"), tags=WCAG_TAGS):
    """``["rule-id (impact): help — selector", ...]`` for the page loaded in
    ``page``.  The script is injected with ``evaluate`` so a strict CSP cannot
    block it.
    """
    page.evaluate(axe_source())
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        list(tags),
    )
    problems = []
    for violation in result["violations"]:
        if violation.get("impact") not in impacts:
            continue
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        problems.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}"
        )
    return problems
