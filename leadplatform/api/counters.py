"""Atomic shared counters for rate limits and usage: Redis in production, SQL when embedded.

`incr` adds to a key that expires `ttl` seconds after its first increment and returns the
new value, atomically: 200 concurrent increments of a fresh key end at exactly 200.
An unreachable Redis raises `DependencyUnavailable` (a 503), never a count of zero: rate
limits do not fail open.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache, wraps

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .dependencies import DEPENDENCY_ERRORS, DependencyUnavailable

# Each key: add, and start its expiry at the first increment (EXPIRE NX needs Redis 7).
INCR_WITH_TTL = """
local values = {}
for i, key in ipairs(KEYS) do
  values[i] = redis.call('INCRBY', key, ARGV[1])
  redis.call('EXPIRE', key, ARGV[2], 'NX')
end
return values
"""


def _unavailable_when_unreachable(method):
    @wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except DEPENDENCY_ERRORS as error:
            raise DependencyUnavailable("The counter store is unreachable. Retry shortly.") from error

    return wrapper


class RedisCounterStore:
    def __init__(self, url: str) -> None:
        import redis

        self.client = redis.Redis.from_url(url, **settings.REDIS_CLIENT_OPTIONS)
        self._incr_script = self.client.register_script(INCR_WITH_TTL)

    def incr(self, key: str, ttl: int, amount: int = 1) -> int:
        return self.incr_many([key], ttl, amount)[0]

    @_unavailable_when_unreachable
    def incr_many(self, keys: list[str], ttl: int, amount: int = 1) -> list[int]:
        """`incr` on each key: one atomic script, one round trip."""
        return [int(value) for value in self._incr_script(keys=keys, args=[amount, ttl])]

    @_unavailable_when_unreachable
    def get(self, key: str) -> int:
        value = self.client.get(key)
        return int(value) if value is not None else 0

    @_unavailable_when_unreachable
    def drain(self, prefix: str) -> dict[str, int]:
        """Read and delete every key under `prefix`, each atomically (GETDEL)."""
        drained = {}
        for raw_key in self.client.scan_iter(match=f"{prefix}*", count=500):
            value = self.client.getdel(raw_key)
            if value is not None:
                drained[raw_key.decode()] = int(value)
        return drained

    def clear(self, prefix: str = "") -> None:
        for raw_key in self.client.scan_iter(match=f"{prefix}*", count=500):
            self.client.delete(raw_key)


class DatabaseCounterStore:
    """One row per key; INSERT … ON CONFLICT … RETURNING is atomic on PostgreSQL and SQLite ≥ 3.35."""

    table = "accounts_counter"  # the Counter model's table (leadplatform.api.models)

    def incr(self, key: str, ttl: int, amount: int = 1) -> int:
        now = timezone.now()
        expires_at = now + timedelta(seconds=ttl)
        sql = (
            f"INSERT INTO {self.table} (key, value, expires_at) VALUES (%s, %s, %s) "
            f"ON CONFLICT (key) DO UPDATE SET "
            f"value = CASE WHEN {self.table}.expires_at <= %s THEN excluded.value ELSE {self.table}.value + excluded.value END, "
            f"expires_at = CASE WHEN {self.table}.expires_at <= %s THEN excluded.expires_at ELSE {self.table}.expires_at END "
            f"RETURNING value"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [key, amount, expires_at, now, now])
            return int(cursor.fetchone()[0])

    def incr_many(self, keys: list[str], ttl: int, amount: int = 1) -> list[int]:
        return [self.incr(key, ttl, amount) for key in keys]

    def get(self, key: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {self.table} WHERE key = %s AND expires_at > %s", [key, timezone.now()])
            row = cursor.fetchone()
        return int(row[0]) if row else 0

    def drain(self, prefix: str) -> dict[str, int]:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {self.table} WHERE key LIKE %s RETURNING key, value", [prefix.replace("%", r"\%") + "%"]
            )
            return {key: int(value) for key, value in cursor.fetchall()}

    def clear(self, prefix: str = "") -> None:
        self.drain(prefix)

    def purge_expired(self) -> int:
        """Drop the rows of finished windows (each rate-limit window leaves one); how many were dropped."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table} WHERE expires_at <= %s", [timezone.now()])
            return cursor.rowcount


@lru_cache(maxsize=1)
def counter_store() -> RedisCounterStore | DatabaseCounterStore:
    if settings.COUNTER_STORE == "redis":
        return RedisCounterStore(settings.REDIS_URL)
    return DatabaseCounterStore()
