"""Migration helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable


def postgres_only(sql: str) -> Callable:
    """A RunPython function executing `sql` on PostgreSQL only: SQLite (the embedded run) has no
    transition-table triggers, partial-index tuning or storage parameters, and does without them."""

    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return apply
