"""The queue of collected beacons: a Redis list the collect route appends to and a worker drains in bulk.

Appending costs the route one round trip with both rate counters (one script: count, and queue only
if both limits allow). At most one drain task is published per `DRAIN_GATE_MS` however many beacons
arrive (the gate is a key set with NX and an expiry). A drain that empties the queue opens the gate
again, so the last beacons of a burst never wait for the next one; beat drains too, so a lost
publish only delays.
Without Redis (the embedded demo) there is no queue: each batch is its own Celery task, as before.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from leadplatform.api.counters import counter_store

QUEUE_KEY = "intel:collect:queue"
DRAIN_GATE_KEY = "intel:collect:drain-gate"
DRAIN_GATE_MS = 250

# KEYS: counter per site key, counter per address, queue, drain gate.
# ARGV: their TTLs, their limits, the beacon, the gate's lifetime (ms).
# Returns {site count, address count, 1 if queued, 1 if the caller should publish a drain}.
COUNT_AND_QUEUE = """
local site = redis.call('INCRBY', KEYS[1], 1)
redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX')
local address = redis.call('INCRBY', KEYS[2], 1)
redis.call('EXPIRE', KEYS[2], ARGV[2], 'NX')
if site > tonumber(ARGV[3]) or address > tonumber(ARGV[4]) then
  return {site, address, 0, 0}
end
redis.call('RPUSH', KEYS[3], ARGV[5])
local gate = redis.call('SET', KEYS[4], '1', 'NX', 'PX', ARGV[6])
return {site, address, 1, gate and 1 or 0}
"""

QUEUE = """
redis.call('RPUSH', KEYS[1], ARGV[1])
local gate = redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2])
return gate and 1 or 0
"""


class BeaconQueue:
    def __init__(self, client) -> None:
        self.client = client
        self._count_and_queue = client.register_script(COUNT_AND_QUEUE)
        self._queue = client.register_script(QUEUE)

    def count_and_queue(
        self, site_counter: tuple[str, int, int], address_counter: tuple[str, int, int], beacon: str
    ) -> tuple[int, int, bool, bool]:
        """Count the request against both (key, ttl, limit); queue the beacon if both allow it.
        Returns both counts, whether it was queued and whether a drain should be published."""
        (site_key, site_ttl, site_limit), (address_key, address_ttl, address_limit) = site_counter, address_counter
        site, address, queued, publish = self._count_and_queue(
            keys=[site_key, address_key, QUEUE_KEY, DRAIN_GATE_KEY],
            args=[site_ttl, address_ttl, site_limit, address_limit, beacon, DRAIN_GATE_MS],
        )
        return int(site), int(address), bool(queued), bool(publish)

    def queue(self, beacon: str) -> bool:
        """Queue one beacon; True if the caller should publish a drain."""
        return bool(self._queue(keys=[QUEUE_KEY, DRAIN_GATE_KEY], args=[beacon, DRAIN_GATE_MS]))

    def take(self, count: int) -> list[bytes]:
        """Up to `count` beacons from the head, removed atomically (concurrent drains never share one)."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lrange(QUEUE_KEY, 0, count - 1)
            pipe.ltrim(QUEUE_KEY, count, -1)
            taken, _ = pipe.execute()
        return taken

    def give_back(self, beacons: list[bytes]) -> None:
        """Put beacons a failed drain took back at the head, in their order."""
        if beacons:
            self.client.lpush(QUEUE_KEY, *reversed(beacons))

    def open_gate(self) -> None:
        """The next beacon queued publishes a drain, however soon."""
        self.client.delete(DRAIN_GATE_KEY)

    def length(self) -> int:
        return self.client.llen(QUEUE_KEY)

    def clear(self) -> None:
        self.client.delete(QUEUE_KEY, DRAIN_GATE_KEY)


def beacon_queue() -> BeaconQueue | None:
    """The queue when the counters live in Redis; None in the embedded mode (no Redis)."""
    if settings.COUNTER_STORE != "redis":
        return None
    return _queue_on(counter_store())


@lru_cache(maxsize=1)
def _queue_on(store) -> BeaconQueue:
    return BeaconQueue(store.client)
