"""Counts by current state (tasks by status, publishers by status and sex), kept exactly by triggers.

On PostgreSQL, triggers (campaigns.stats.triggers) append `StateCount` delta rows; a count is the sum
of its key's rows, so a read is a few dozen rows whatever the size of the counted table. Beat folds
the deltas every minute to keep them few. SQLite (the embedded run) has no transition tables, hence
no triggers: there the counts are plain COUNT queries over the counted table.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count

from accounts.models import Publisher
from tasks.models import Task

from . import triggers

# name: the model and column it counts, as the triggers count them (task_status, publisher_status, publisher_sex).
_MODELS = {model._meta.db_table: model for model in (Task, Publisher)}
COUNTED = {
    name: (_MODELS[table], column) for table, counted in triggers.COUNTED.items() for name, column in counted.items()
}

# pg_advisory_xact_lock key of the fold: one fold at a time ("csfold" in ASCII).
FOLD_LOCK = 0x6373666F6C64


def kept_by_triggers() -> bool:
    return connection.vendor == "postgresql"


def state_counts(name: str, *, from_rows: bool = False) -> dict[str, int]:
    """Rows of the counted table per value of the counted column (values without rows are absent).

    `from_rows` counts the table itself even where triggers keep the counts (figures' raw rows only)."""
    if from_rows or not kept_by_triggers():
        model, column = COUNTED[name]
        return dict(model.objects.order_by().values_list(column).annotate(n=Count("id")))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT key, sum(n) FROM campaign_stats_statecount WHERE name = %s GROUP BY key HAVING sum(n) <> 0",
            [name],
        )
        return {key: int(n) for key, n in cursor.fetchall()}


def fold_state_counts() -> int:
    """Replace each key's delta rows by one row holding their sum; returns the rows folded away.

    Exact with concurrent writers: the DELETE takes only the rows committed when it starts and the INSERT
    puts back their sums in the same transaction, so a reader sees the deltas either before or after the
    fold, and a delta committed meanwhile stays as it is for the next fold. The advisory lock keeps two
    folds from interleaving.
    """
    if not kept_by_triggers():
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FOLD_LOCK])
        cursor.execute(
            """
            WITH gone AS (DELETE FROM campaign_stats_statecount RETURNING name, key, n),
                 kept AS (INSERT INTO campaign_stats_statecount (name, key, n)
                          SELECT name, key, sum(n) FROM gone GROUP BY name, key HAVING sum(n) <> 0
                          RETURNING 1)
            SELECT (SELECT count(*) FROM gone) - (SELECT count(*) FROM kept)
            """
        )
        return cursor.fetchone()[0]
