"""Accessibility checks in Chromium with axe-core, injected from the tests' own copy (offline)."""

from __future__ import annotations

from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: The impacts a page may not have: axe's "serious" and "critical".
BLOCKING = ("serious", "critical")


def serious_violations(page) -> list[str]:
    """axe's serious and critical violations on the page as it is now, one line each (rule: nodes)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [
        f"{violation['id']} ({violation['impact']}): {', '.join(node['target'][0] for node in violation['nodes'][:5])}"
        for violation in violations
        if violation["impact"] in BLOCKING
    ]
