"""bench/_isolation.py: a bench touches only databases named lp_bench_… that it created, never the tests' Redis db."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings

from bench import _isolation


@pytest.mark.parametrize("name", ["leadplatform", "test_lp_bench_stats", "lp_bench_", 'lp_bench_a"b', "lp_bench_A"])
def test_a_database_not_named_lp_bench_is_refused(name, monkeypatch):
    monkeypatch.setenv("BENCH_ANY_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{name}")
    with pytest.raises(SystemExit, match="refusing"):
        _isolation.database_url("BENCH_ANY_DATABASE_URL", "lp_bench_any")


def test_the_default_database_is_the_benchs_whatever_database_url_says(monkeypatch):
    monkeypatch.delenv("BENCH_ANY_DATABASE_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leadplatform")
    url = _isolation.database_url("BENCH_ANY_DATABASE_URL", "lp_bench_any")
    assert _isolation.database_name(url) == "lp_bench_any"
    assert _isolation.environment(url, None) == {"DATABASE_URL": url, "REDIS_URL": "", "CELERY_BROKER_URL": "memory://"}


def test_the_test_suites_redis_db_is_refused(monkeypatch):
    monkeypatch.setenv("BENCH_ANY_REDIS_URL", "redis://127.0.0.1:6379/15")
    with pytest.raises(SystemExit, match="refusing"):
        _isolation.redis_url("BENCH_ANY_REDIS_URL", 4)
    monkeypatch.delenv("BENCH_ANY_REDIS_URL")
    assert _isolation.redis_url("BENCH_ANY_REDIS_URL", 4).endswith("/4")


def test_an_existing_database_without_the_benchs_mark_is_neither_used_nor_dropped():
    server = settings.DATABASES["default"]
    name = f"lp_bench_isolation_{os.getpid()}"
    url = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{name}"
    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        with pytest.raises(SystemExit, match="did not create it"):
            with _isolation.own_database(url, "tests/bench"):
                pytest.fail("the block ran on a database the bench did not create")
        _isolation.drop_database(url, "tests/bench")
        with psycopg.connect(admin, autocommit=True) as conn:
            assert conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
