"""Counts by current state kept by triggers: tasks and publishers by status.

On PostgreSQL, statement-level triggers with transition tables append one `StateCount` delta row per
status a statement changed (one row per status, whatever the number of rows), so every writer (services,
bulk `update()`, admin, cascading deletes, raw SQL) keeps the counts exact. The triggers are created
before the backfill in the same transaction: CREATE TRIGGER locks out writers until the commit, so no
row is missed or counted twice. SQLite (the embedded run) has no transition tables: there the figures
count the rows instead. TRUNCATE fires no trigger: truncate `campaign_stats_statecount` with the tables.
"""

from django.db import migrations, models

from leadplatform.migration_ops import postgres_only

# counted table: the StateCount name its triggers append (each counts the table's `status` column)
COUNTED = {"tasks_task": "task_status", "accounts_publisher": "publisher_status"}
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}

COUNT_STATUS_FUNCTION = """
CREATE OR REPLACE FUNCTION campaign_stats_count_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO campaign_stats_statecount (name, key, n)
    SELECT TG_ARGV[0], status, count(*) FROM new_rows GROUP BY status;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO campaign_stats_statecount (name, key, n)
    SELECT TG_ARGV[0], status, -count(*) FROM old_rows GROUP BY status;
  ELSE
    -- Only the statuses that moved: an update leaving every status as it was appends nothing.
    INSERT INTO campaign_stats_statecount (name, key, n)
    SELECT TG_ARGV[0], status, sum(n)
    FROM (SELECT status, 1 AS n FROM new_rows UNION ALL SELECT status, -1 AS n FROM old_rows) moved
    GROUP BY status HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$;
"""

# The triggers first, then the backfill: CREATE TRIGGER keeps writers out until the commit.
STATE_COUNT_TRIGGERS = (
    COUNT_STATUS_FUNCTION
    + "".join(
        f"CREATE TRIGGER campaign_stats_{name}_{event} AFTER {event.upper()} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION campaign_stats_count_status('{name}');\n"
        for table, name in COUNTED.items()
        for event, transition in TRANSITION_TABLES.items()
    )
    + "".join(
        f"INSERT INTO campaign_stats_statecount (name, key, n) SELECT '{name}', status, count(*) FROM {table} "
        "GROUP BY status;\n"
        for table, name in COUNTED.items()
    )
)

DROP_STATE_COUNT_TRIGGERS = (
    "".join(
        f"DROP TRIGGER IF EXISTS campaign_stats_{name}_{event} ON {table};\n"
        for table, name in COUNTED.items()
        for event in TRANSITION_TABLES
    )
    + "DROP FUNCTION IF EXISTS campaign_stats_count_status();\n"
)


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
        migrations.RunPython(postgres_only(STATE_COUNT_TRIGGERS), postgres_only(DROP_STATE_COUNT_TRIGGERS)),
    ]
