"""PostgreSQL triggers keeping the counts by current state: tasks by status, publishers by status and sex.

Statement-level triggers with transition tables on each counted table append one `StateCount` delta
row (`campaign_stats_statecount`) per key a statement changed (one row per key, whatever the number
of rows), so every writer (services, bulk `update()`, admin, cascading deletes, raw SQL) keeps the
counts exact. `campaigns.stats.counts` reads them (a count is the sum of its key's rows) and folds
them. SQLite (the embedded run) has no transition tables, hence no triggers: there the counts are
COUNT queries. TRUNCATE fires no trigger: truncate `campaign_stats_statecount` with the tables.

Created by migrations only, which import their SQL from here. Each form the triggers have had keeps
its constants, so a migration's SQL stays what it applied:

- version 1 (migration campaign_stats 0005): one function for both tables, counting `status`;
- version 2 (migration campaign_stats 0008, the current one): a function per counted table, generated
  with static SQL (the tasks table is written on every status move, and a function choosing its
  columns at run time, EXECUTE, costs several times more per statement), counting publishers by sex
  too.

The triggers are created before their backfill, in the same transaction: CREATE TRIGGER locks out
writers until the commit, so no row is missed or counted twice.
"""

from __future__ import annotations

TRANSITION_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}

# ------------------------------------------------------------------------------
# Version 1: one function, TG_ARGV[0] naming the count; each table's `status` counted.
# ------------------------------------------------------------------------------
#: counted table: the StateCount name its triggers append (each counts the table's `status` column)
COUNTED_V1 = {"tasks_task": "task_status", "accounts_publisher": "publisher_status"}

_COUNT_STATUS_FUNCTION_V1 = """
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

#: The function and triggers of version 1, then the backfill of the statuses counted.
CREATE_STATE_COUNTS_V1 = (
    _COUNT_STATUS_FUNCTION_V1
    + "".join(
        f"CREATE TRIGGER campaign_stats_{name}_{event} AFTER {event.upper()} ON {table} REFERENCING {transition} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION campaign_stats_count_status('{name}');\n"
        for table, name in COUNTED_V1.items()
        for event, transition in TRANSITION_TABLES.items()
    )
    + "".join(
        f"INSERT INTO campaign_stats_statecount (name, key, n) SELECT '{name}', status, count(*) FROM {table} "
        "GROUP BY status;\n"
        for table, name in COUNTED_V1.items()
    )
)

DROP_STATE_COUNTS_V1 = (
    "".join(
        f"DROP TRIGGER IF EXISTS campaign_stats_{name}_{event} ON {table};\n"
        for table, name in COUNTED_V1.items()
        for event in TRANSITION_TABLES
    )
    + "DROP FUNCTION IF EXISTS campaign_stats_count_status();\n"
)

# ------------------------------------------------------------------------------
# Version 2 (current): a function per counted table, with static SQL.
# ------------------------------------------------------------------------------
#: counted table: {StateCount name: counted column (NOT NULL: the key of a delta row)}
COUNTED_V2 = {
    "tasks_task": {"task_status": "status"},
    "accounts_publisher": {"publisher_status": "status", "publisher_sex": "sex"},
}


def _rows(counted: dict[str, str], rows: str, sign: int) -> str:
    return " UNION ALL ".join(
        f"SELECT '{name}' AS name, {column} AS key, {sign} AS n FROM {rows}" for name, column in counted.items()
    )


def _count_function_v2(table: str, counted: dict[str, str]) -> str:
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


#: The functions and triggers of version 2 (no backfill: version 1's counts carry over).
CREATE_STATE_COUNTS_V2 = "".join(
    _count_function_v2(table, counted)
    + "".join(
        f"CREATE TRIGGER campaign_stats_count_{table}_{event} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION campaign_stats_count_{table}();\n"
        for event, transition in TRANSITION_TABLES.items()
    )
    for table, counted in COUNTED_V2.items()
)
DROP_STATE_COUNTS_V2 = "".join(
    "".join(f"DROP TRIGGER IF EXISTS campaign_stats_count_{table}_{event} ON {table};\n" for event in TRANSITION_TABLES)
    + f"DROP FUNCTION IF EXISTS campaign_stats_count_{table}();\n"
    for table in COUNTED_V2
)
#: The count version 2 added, backfilled from the rows.
BACKFILL_PUBLISHER_SEX = (
    "INSERT INTO campaign_stats_statecount (name, key, n) "
    "SELECT 'publisher_sex', sex, count(*) FROM accounts_publisher GROUP BY sex;\n"
)

#: What the current triggers count: {counted table: {StateCount name: counted column}}.
COUNTED = COUNTED_V2
