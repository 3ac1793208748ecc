"""Exact, atomic rate limits with X-RateLimit-* headers and Retry-After."""

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from leadplatform.api.counters import DatabaseCounterStore, RedisCounterStore

from ..windows import at_the_start_of_a_window

pytestmark = pytest.mark.usefixtures("plumbing_urls")

WEB = "/api/web/v1/plumbing/targets"


@pytest.fixture
def web_rate(settings):
    def set_rate(rate: str) -> None:
        settings.API_RATES = {**settings.API_RATES, "web": rate}

    return set_rate


@pytest.mark.django_db
def test_responses_carry_rate_limit_headers(owner, web_rate):
    web_rate("100/hour")
    response = owner.client().get(WEB)
    assert (response["X-RateLimit-Limit"], response["X-RateLimit-Remaining"]) == ("100", "99")
    assert int(response["X-RateLimit-Reset"]) > 0


@pytest.mark.django_db
def test_over_the_limit_is_429_with_retry_after(owner, web_rate):
    web_rate("2/hour")
    client = owner.client()
    statuses = [client.get(WEB).status_code for _ in range(3)]
    response = client.get(WEB)
    assert statuses == [200, 200, 429]
    assert 1 <= int(response["Retry-After"]) <= 3600
    assert response.json()["type"] == "rate_limit_exceeded"


@pytest.mark.django_db
def test_limits_are_per_user(owner, outsider, web_rate):
    web_rate("1/hour")
    owner.client().get(WEB)
    assert outsider.client().get(WEB).status_code == 200


@pytest.mark.django_db
def test_forwarded_for_header_does_not_change_the_key(owner, web_rate):
    web_rate("1/hour")
    client = owner.client()
    client.get(WEB, HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert client.get(WEB, HTTP_X_FORWARDED_FOR="5.6.7.8").status_code == 429


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_exactly_the_limit_succeeds_under_200_concurrent_requests(live_server, owner, web_rate):
    web_rate("100/hour")
    url = live_server.url + WEB
    headers = {"Authorization": f"Bearer {owner.token}"}

    def call(_):
        return requests.get(url, headers=headers, timeout=60).status_code

    with at_the_start_of_a_window(3600), ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(call, range(200)))
    assert (statuses.count(200), statuses.count(429)) == (100, 100)


def _hammer(store, key: str, calls: int) -> int:
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(lambda _: store.incr(key, ttl=60), range(calls)))
    return max(results)


def test_redis_counter_is_exact_under_concurrency(settings):
    store = RedisCounterStore(settings.REDIS_URL)
    assert _hammer(store, "test:concurrent", 200) == 200


@pytest.mark.parametrize("kind", ["redis", "database"])
@pytest.mark.django_db
def test_incr_many_counts_each_key(settings, kind):
    store = RedisCounterStore(settings.REDIS_URL) if kind == "redis" else DatabaseCounterStore()
    store.incr("test:many:a", ttl=60, amount=2)
    assert store.incr_many(["test:many:a", "test:many:b"], ttl=60) == [3, 1]


@pytest.mark.django_db(transaction=True)
def test_database_counter_is_exact_under_concurrency():
    from django.db import connections

    store = DatabaseCounterStore()

    def incr(_):
        try:
            return store.incr("test:concurrent", ttl=60)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(incr, range(200)))
    assert sorted(results) == list(range(1, 201))


@pytest.mark.django_db
def test_database_counter_restarts_after_expiry():
    store = DatabaseCounterStore()
    store.incr("test:expiring", ttl=-1)
    assert store.incr("test:expiring", ttl=60) == 1


@pytest.mark.django_db
def test_database_counter_drains_by_prefix():
    store = DatabaseCounterStore()
    store.incr("usage:a", ttl=60, amount=3)
    store.incr("other:b", ttl=60)
    assert store.drain("usage:") == {"usage:a": 3}
