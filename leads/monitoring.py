"""`/monitoring/system`: is each part of the platform working? Fixed messages, never raw errors."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from . import worker_heartbeats

logger = logging.getLogger(__name__)

HEALTHY = "healthy"


def _probe(name: str, check: Callable[[], str | None], failure: str) -> str:
    try:
        problem = check()
    except Exception:  # noqa: BLE001 - any failure of a dependency is reported, not raised; logged for operators
        logger.warning("health check %s failed", name, exc_info=True)
        return f"unhealthy: {failure}"
    return f"unhealthy: {problem}" if problem else HEALTHY


def _database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def _cache() -> str | None:
    key = "health:probe"
    cache.set(key, "ok", 10)
    return None if cache.get(key) == "ok" else "cache did not return what was stored"


def _redis() -> str | None:
    import redis

    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    return None


def _broker() -> str | None:
    from leadplatform.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return None


def celery_workers() -> list[str]:
    """The workers that are running, from their own heartbeats (remote control does not reach
    workers on the embedded broker, nor a solo worker busy in a task)."""
    return worker_heartbeats.live_workers()


def system_health() -> dict:
    workers: list[str] = []

    def _workers() -> str | None:
        workers.extend(celery_workers())
        return None if workers else "no Celery worker has reported in recently"

    return {
        "database": _probe("database", _database, "the database is unreachable"),
        "broker": _probe("broker", _broker, "the Celery broker is unreachable"),
        "cache": _probe("cache", _cache, "the cache is unreachable"),
        "redis": _probe("redis", _redis, "Redis is unreachable") if settings.REDIS_URL else "not configured",
        "workers": _probe("workers", _workers, "the workers could not be asked"),
        "worker_count": len(workers),
        "worker_names": workers,
        "api": HEALTHY,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
    }
