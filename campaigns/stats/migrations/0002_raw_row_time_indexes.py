"""Indexes on the raw rows' time columns the statistics read after a rollup's watermark.

The live part of every statistic is "rows since the watermark" (usually today): these keep
it an index range scan on the tasks and payments tables, however large they grow.
"""

from django.db import migrations

INDEXES = [
    ("stats_task_reviewed_at", "tasks_task", "reviewed_at"),
    ("stats_task_joined_at", "tasks_task", "joined_at"),
    ("stats_payment_created_at", "tasks_payment", "created_at"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0001_daily_rollups"),
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({column})",
            f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, column in INDEXES
    ]
