"""Counts by current state kept by triggers: tasks and publishers by status (campaigns/stats/triggers.py, version 1).

On PostgreSQL, statement-level triggers with transition tables append one `StateCount` delta row per
status a statement changed (one row per status, whatever the number of rows), so every writer (services,
bulk `update()`, admin, cascading deletes, raw SQL) keeps the counts exact. The triggers are created
before the backfill in the same transaction: CREATE TRIGGER locks out writers until the commit, so no
row is missed or counted twice. SQLite (the embedded run) has no transition tables: there the figures
count the rows instead. TRUNCATE fires no trigger: truncate `campaign_stats_statecount` with the tables.
"""

from django.db import migrations, models

from campaigns.stats.triggers import CREATE_STATE_COUNTS_V1, DROP_STATE_COUNTS_V1
from leadplatform.migration_ops import postgres_only


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0004_publisher_state_indexes"),
        ("accounts", "0001_initial"),
        ("tasks", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="StateCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=40)),
                ("key", models.CharField(max_length=40)),
                ("n", models.BigIntegerField()),
            ],
            options={
                "indexes": [models.Index(fields=["name"], name="state_count_name")],
            },
        ),
        migrations.RunPython(postgres_only(CREATE_STATE_COUNTS_V1), postgres_only(DROP_STATE_COUNTS_V1)),
    ]
