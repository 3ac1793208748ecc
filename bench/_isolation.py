"""What a bench writes is its own: a PostgreSQL database it creates and drops, and a Redis db it claims and flushes.

Every bench names its database in an environment variable of its own (default `lp_bench_<bench>` on the local
server) and, if it uses Redis, its Redis db in another; `environment` gives the variables that point Django at
those two and nowhere else, whatever DATABASE_URL, REDIS_URL or CELERY_BROKER_URL the shell holds.

- `own_database` refuses a database whose name does not start with `lp_bench_`, and an existing one that does
  not carry this bench's mark (a comment on the database, written when the bench created it): a bench never
  fills, migrates or drops a database it did not create. It creates the database, migrates it, and drops it
  when the bench ends, on an error, Ctrl-C or SIGTERM too. BENCH_KEEP_DATABASE=1 keeps it (still marked) for
  the next run of a bench that can reuse its data; a later run without it drops and creates it afresh.
- `own_redis` refuses the test suite's Redis dbs (14 and 15) and a db that holds keys without this bench's mark key;
  it flushes that db, and only that one, when the bench starts and when it ends.

This module is no bench: `make bench` runs the scripts whose names do not start with an underscore.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
PREFIX = "lp_bench_"
LOCAL_SERVER = "postgres://postgres@127.0.0.1:5432"
LOCAL_REDIS = "redis://127.0.0.1:6379"
TEST_REDIS_DBS = (14, 15)  # settings.test's default and the second test process's: the test suite's
REDIS_MARK_KEY = "lp-bench:owner"
KEEP = "BENCH_KEEP_DATABASE"


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def _bench_name(name: str) -> bool:
    return re.fullmatch(rf"{PREFIX}[a-z0-9_]+", name) is not None


def database_url(variable: str, default_name: str) -> str:
    """The bench's database: `variable`'s URL, else `default_name` on the local server; only an lp_bench_ name."""
    url = os.environ.get(variable) or f"{LOCAL_SERVER}/{default_name}"
    name = database_name(url)
    if not _bench_name(name):
        sys.exit(f"refusing: {variable} names the database {name!r}; a bench uses only databases named {PREFIX}…")
    return url


def redis_url(variable: str, default_db: int) -> str:
    """The bench's Redis db: `variable`'s URL, else `default_db` on the local server; never the tests' db."""
    url = os.environ.get(variable) or f"{LOCAL_REDIS}/{default_db}"
    if _redis_db(url) in TEST_REDIS_DBS:
        sys.exit(f"refusing: {variable} names Redis db {_redis_db(url)}, the test suite's")
    return url


def _redis_db(url: str) -> int:
    path = urlsplit(url).path.strip("/")
    return int(path) if path else 0


def environment(database: str, redis: str | None) -> dict[str, str]:
    """The variables that point Django at the bench's own database and Redis db (None: no Redis at all, the
    cache and counters in the bench's database) and Celery at an in-process broker. A bench puts them in
    os.environ before Django starts, so the processes it starts inherit them too."""
    return {"DATABASE_URL": database, "REDIS_URL": redis or "", "CELERY_BROKER_URL": "memory://"}


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlsplit(url)._replace(path="/postgres").geturl(), autocommit=True)


def _comment(conn, name: str) -> tuple[str | None] | None:
    """(comment,) of the database, None when there is no such database."""
    return conn.execute(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    ).fetchone()


def _mark(owner: str) -> str:
    return f"bench database of {owner}: created by it and dropped when it ends"


def create_database(url: str, owner: str, *, reuse: bool = False) -> bool:
    """Create the marked database and migrate it; refuse an existing one without `owner`'s mark. A marked one
    left by an earlier run is dropped first, or kept as it is with `reuse`. Returns whether it was reused."""
    name, mark = database_name(url), _mark(owner)
    if not _bench_name(name):
        sys.exit(
            f"refusing: {name!r} is no bench database (their names are {PREFIX} and lower-case letters, digits, _)"
        )
    with _admin(url) as conn:
        row = _comment(conn, name)
        if row is not None and row[0] != mark:
            sys.exit(
                f"refusing: the database {name!r} exists and {owner} did not create it; "
                f"drop it yourself if it is a leftover (dropdb {name}), or name another {PREFIX}… database"
            )
        reused = row is not None and reuse
        if row is not None and not reused:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not reused:
            conn.execute(f'CREATE DATABASE "{name}"')
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{mark}'")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        check=True,
        env={**os.environ, "DATABASE_URL": url},
    )
    return reused


def drop_database(url: str, owner: str) -> None:
    """Drop the database if it carries `owner`'s mark; leave anything else alone."""
    if "django" in sys.modules:
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
    name = database_name(url)
    with _admin(url) as conn:
        row = _comment(conn, name)
        if row is not None and row[0] == _mark(owner):
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def _stop(signum, frame) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def own_database(url: str, owner: str, *, reusable: bool = False) -> Iterator[bool]:
    """The bench's database for the block: created and migrated, then dropped when the block ends however it
    ends (SIGTERM ends it as Ctrl-C does). With `reusable` and BENCH_KEEP_DATABASE=1 it is reused and kept
    instead; the block gets whether it was reused."""
    keep = reusable and os.environ.get(KEEP) == "1"
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop) if in_main_thread else None
    try:
        reused = create_database(url, owner, reuse=keep)
        yield reused
    finally:
        try:
            if keep:
                print(f"kept the database {database_name(url)} ({KEEP}=1)", flush=True)
            else:
                drop_database(url, owner)
        finally:
            if in_main_thread:
                signal.signal(signal.SIGTERM, previous)


@contextmanager
def own_redis(url: str, owner: str) -> Iterator[None]:
    """The bench's Redis db for the block: refused if it holds keys `owner` did not write, flushed before and
    after (after only while it still carries `owner`'s mark key)."""
    import redis

    if _redis_db(url) in TEST_REDIS_DBS:
        sys.exit(f"refusing: {url} is the test suite's Redis db")
    client = redis.Redis.from_url(url)
    if client.dbsize() and client.get(REDIS_MARK_KEY) != owner.encode():
        sys.exit(f"refusing: the Redis db {url} holds keys {owner} did not write")
    client.flushdb()
    client.set(REDIS_MARK_KEY, owner)
    try:
        yield
    finally:
        if client.get(REDIS_MARK_KEY) == owner.encode():
            client.flushdb()
        client.close()
