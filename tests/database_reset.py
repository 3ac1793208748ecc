"""Empty the PostgreSQL test database after a transactional test in milliseconds instead of a second.

Django ends each transactional test with `flush`: one TRUNCATE of every table, then the
post_migrate signal again (content types, permissions, the periodic tasks the apps declare).
On PostgreSQL that costs about a second per test, most of it TRUNCATE's fixed cost per table,
though the tables hold a handful of rows. Here the rows are DELETEd instead, with triggers and
foreign-key checks off for the statement (session_replication_role, which needs a superuser),
and the rows post_migrate wrote are copied back from a snapshot taken once, when the test
database was created. The database ends in the same state as after Django's flush.

Anything else (SQLite, a role that is not a superuser, serialized rollback, available_apps)
keeps Django's own flush.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TransactionTestCase

SNAPSHOT_SCHEMA = "test_reset_snapshot"

_django_fixture_teardown = TransactionTestCase._fixture_teardown
_tables: list[str] = []  # every table of the models, read once when the snapshot is taken
_snapshot_tables: list[str] = []


def install() -> bool:
    """Snapshot the freshly created test database and make transactional tests reset it by DELETE.

    Returns whether the fast reset is in use.
    """
    if connection.vendor != "postgresql" or not _is_superuser():
        return False
    _take_snapshot()
    TransactionTestCase._fixture_teardown = _fixture_teardown
    return True


def reset() -> None:
    """Every table back to its state just after the test database was created."""
    quote = connection.ops.quote_name
    statements = ["SET LOCAL session_replication_role = replica"]
    statements += [f"DELETE FROM {quote(table)}" for table in _tables]
    statements += [
        f"INSERT INTO {quote(table)} SELECT * FROM {SNAPSHOT_SCHEMA}.{quote(table)}" for table in _snapshot_tables
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(";\n".join(statements))


def _fixture_teardown(self: TransactionTestCase) -> None:
    if (
        self.available_apps is not None
        or self.serialized_rollback
        or self._databases_names(include_mirrors=False) != ["default"]
    ):
        return _django_fixture_teardown(self)
    reset()


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        return bool(cursor.fetchone()[0])


def _take_snapshot() -> None:
    """Copy each table that holds rows now (what post_migrate wrote) into SNAPSHOT_SCHEMA."""
    quote = connection.ops.quote_name
    _tables[:] = connection.introspection.django_table_names(only_existing=True, include_views=False)
    _snapshot_tables.clear()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SNAPSHOT_SCHEMA} CASCADE; CREATE SCHEMA {SNAPSHOT_SCHEMA}")
        for table in _tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {quote(table)})")
            if cursor.fetchone()[0]:
                cursor.execute(f"CREATE TABLE {SNAPSHOT_SCHEMA}.{quote(table)} AS TABLE {quote(table)}")
                _snapshot_tables.append(table)
