"""Influencers by sex counted by the state-count triggers too (the users' sex statistic grouped 200,000
influencers per request: 36-58 ms).

Each counted table gets its own trigger function, generated with static SQL: the tasks table is written
on every status move, and a function choosing its columns at run time (EXECUTE) costs several times
more per statement. The triggers are replaced and the new count backfilled in one transaction.
"""

from importlib import import_module

from django.db import migrations

from leadplatform.migration_ops import postgres_only

# counted table: {StateCount name: counted column (NOT NULL: the key of a delta row)}
COUNTED = {
    "tasks_task": {"task_status": "status"},
    "accounts_publisher": {"publisher_status": "status", "publisher_sex": "sex"},
}
TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}


def _rows(counted: dict[str, str], rows: str, sign: int) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}' AS name, {column} AS key, {sign} AS n FROM {rows}" for name, column in counted.items()
    )


def _count_function(table: str, counted: dict[str, str]) -> str:
    insert = "INSERT INTO campaign_stats_statecount (name, key, n) SELECT name, key, sum(n) FROM"
    return f"""
CREATE OR REPLACE FUNCTION campaign_stats_count_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    {insert} ({_rows(counted, "new_rows", 1)}) inserted GROUP BY name, key;
  ELSIF TG_OP = 'DELETE' THEN
    {insert} ({_rows(counted, "old_rows", -1)}) deleted GROUP BY name, key;
  ELSE
    -- Only the keys that moved: an update leaving every counted column as it was appends nothing.
    {insert} ({_rows(counted, "new_rows", 1)} UNION ALL {_rows(counted, "old_rows", -1)}) moved
    GROUP BY name, key HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END
$$;
"""


TRIGGERS = "".join(
    _count_function(table, counted)
    + "".join(
        f"CREATE TRIGGER campaign_stats_count_{table}_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION campaign_stats_count_{table}();\n"
        for event, transition in TRANSITION_TABLES.items()
    )
    for table, counted in COUNTED.items()
)
DROP_TRIGGERS = "".join(
    "".join(f"DROP TRIGGER IF EXISTS campaign_stats_count_{table}_{event} ON {table};\n" for event in TRANSITION_TABLES)
    + f"DROP FUNCTION IF EXISTS campaign_stats_count_{table}();\n"
    for table in COUNTED
)
SEX_BACKFILL = (
    "INSERT INTO campaign_stats_statecount (name, key, n) "
    "SELECT 'publisher_sex', sex, count(*) FROM accounts_publisher GROUP BY sex;\n"
)

state_counts = import_module("campaigns.stats.migrations.0005_state_counts")


FORWARD = state_counts.DROP_STATE_COUNT_TRIGGERS + TRIGGERS + SEX_BACKFILL
# Backward: 0005's triggers and counts, rebuilt from the rows.
BACKWARD = DROP_TRIGGERS + "DELETE FROM campaign_stats_statecount;\n" + state_counts.STATE_COUNT_TRIGGERS


class Migration(migrations.Migration):
    dependencies = [
        ("campaign_stats", "0007_recent_joins_mark"),
    ]

    operations = [migrations.RunPython(postgres_only(FORWARD), postgres_only(BACKWARD))]
