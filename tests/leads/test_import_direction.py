"""Imports in leads point one way: tasks → services → events. A service announces what should be sent
(`leads.events`); it never imports the Celery tasks, the receivers or the webhooks."""

import ast
from pathlib import Path

import pytest

LEADS = Path(__file__).resolve().parents[2] / "leads"
SERVICES = [
    *sorted((LEADS / "jobs").glob("*.py")),
    LEADS / "engine" / "runner.py",
    LEADS / "web" / "jobs.py",
    LEADS / "webhooks.py",
    LEADS / "exports.py",
    LEADS / "heartbeats.py",
]
FORBIDDEN = {"leads.tasks", "leads.signals", "leads.webhooks"}


def imported_modules(path: Path) -> set[str]:
    package = ".".join(path.relative_to(LEADS.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("path", SERVICES, ids=lambda path: str(path.relative_to(LEADS.parent)))
def test_services_do_not_import_tasks_receivers_or_webhooks(path):
    own = ".".join(path.relative_to(LEADS.parent).with_suffix("").parts)
    assert imported_modules(path) & (FORBIDDEN - {own}) == set()
