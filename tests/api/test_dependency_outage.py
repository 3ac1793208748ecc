"""Redis or the Celery broker unreachable: every surface answers 503 with Retry-After in its own
error shape, rate limits never fail open, token authentication and the health report keep working.
(Jobs created while only the broker is down are committed and answered as usual: tests/leads/test_broker_outage.py.)

Each outage is real: the Redis URL (cache and counters) or the broker URL names a closed port.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import ApiToken, ApiUsageDay
from leadplatform.api.counters import counter_store
from leads.models import ScrapeJob
from leads.outbound import guard

from ..broker import broker_at, closed_port_url
from ..campaigns.conftest import app_credentials, publisher_client  # noqa: F401
from ..factories import PASSWORD
from ..intel.factories import SiteFactory

RETRY_AFTER = "7"


@pytest.fixture
def retry_after(settings):
    settings.DEPENDENCY_RETRY_AFTER_SECONDS = int(RETRY_AFTER)


@pytest.fixture
def redis_down(settings, retry_after):
    url = closed_port_url()
    settings.REDIS_URL = url
    settings.COUNTER_STORE = "redis"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": settings.REDIS_CLIENT_OPTIONS,
        }
    }
    counter_store.cache_clear()
    yield url
    counter_store.cache_clear()


@pytest.fixture
def broker_down(retry_after):
    with broker_at(closed_port_url()):
        yield


@pytest.fixture
def public_dns():
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]):
        yield


@dataclass(frozen=True)
class Probe:
    name: str
    call: Callable  # (world) -> response
    shape: Callable  # (body) -> bool: the surface's error shape


def web_shape(body):
    return body.get("type") == "service_unavailable" and bool(body.get("detail"))


def campaign_shape(body):
    return body.get("status") == "error" and bool(body.get("message"))


def leads_shape(body):
    return body.get("error") == "Service unavailable" and bool(body.get("message"))


def intel_shape(body):
    return set(body) == {"detail"}


@dataclass
class World:
    owner: object
    publisher_client: object
    api_client: object
    site: object


JOB_BODY = {
    "url": "https://shop.example/products",
    "engine": "auto",
    "priority": "normal",
    "selectors": {"title": "h1::text"},
    "config": {"max_pages": 1},
}
COLLECT_BODY = {"visitor": "visitor-aaaa0001", "session": "session-aaaa0001", "actions": []}

PROBES = [
    Probe(
        "web login",
        lambda w: w.api_client.post(
            "/api/web/v1/auth/login", {"username": w.owner.user.username, "password": PASSWORD}, format="json"
        ),
        web_shape,
    ),
    Probe(
        "intel token get",
        lambda w: w.api_client.post(
            "/api/intel/v1/api-token-get/", {"username": w.owner.user.username, "password": PASSWORD}, format="json"
        ),
        intel_shape,
    ),
    Probe("token-authenticated web GET", lambda w: w.owner.client().get("/api/web/v1/jobs"), web_shape),
    Probe("token-authenticated leads GET", lambda w: w.owner.client().get("/api/v1/leads"), leads_shape),
    Probe("token-authenticated social GET", lambda w: w.owner.client().get("/api/social/tasks"), campaign_shape),
    Probe(
        "intel collect",
        lambda w: w.api_client.post(
            "/api/intel/v1/collect/", {**COLLECT_BODY, "site_key": w.site.key, "sent": 1}, format="json"
        ),
        intel_shape,
    ),
    Probe("web job creation", lambda w: w.owner.client().post("/api/web/v1/jobs", JOB_BODY, format="json"), web_shape),
    Probe(
        "campaign backend POST",
        lambda w: w.owner.client().post("/api/campaigns/", {"advertiser_id": w.owner.advertiser.pk}, format="json"),
        campaign_shape,
    ),
    Probe(
        "campaign app POST",
        lambda w: w.publisher_client.post("/api/get/campaigns/", {}, format="json"),
        campaign_shape,
    ),
]


@pytest.fixture
def world(owner, publisher_client, api_client):  # noqa: F811
    return World(owner, publisher_client, api_client, SiteFactory(advertiser=owner.advertiser, domain="shop.example"))


@pytest.mark.django_db
@pytest.mark.usefixtures("public_dns")
@pytest.mark.parametrize("probe", PROBES, ids=lambda probe: probe.name)
def test_redis_down_is_503_with_retry_after_in_the_surface_shape(world, redis_down, probe):
    response = probe.call(world)
    assert (response.status_code, response.get("Retry-After")) == (503, RETRY_AFTER)
    assert probe.shape(response.json()), response.json()


@pytest.mark.django_db
def test_redis_down_never_lets_a_request_through_the_rate_limit(owner, redis_down):
    owner.client().get("/api/web/v1/jobs")
    assert not ScrapeJob.objects.exists() and owner.client().get("/api/web/v1/jobs").status_code == 503


@pytest.mark.django_db
def test_token_use_is_counted_in_the_database_while_redis_is_down(owner, redis_down):
    token = ApiToken.objects.get(user=owner.user)
    services.record_token_use(token)
    token.refresh_from_db()
    assert token.request_count == 1
    assert ApiUsageDay.objects.get(date=timezone.now().date()).requests == 1


@pytest.mark.django_db
def test_health_report_answers_200_and_names_redis_and_the_cache_as_down(owner, redis_down):
    response = owner.client().get("/api/web/v1/monitoring/system")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["redis"].startswith("unhealthy") and body["cache"].startswith("unhealthy")
    assert body["database"] == "healthy"


@pytest.mark.django_db
def test_health_report_is_still_rate_limited_while_redis_is_down(owner, redis_down, settings):
    settings.API_RATES = {**settings.API_RATES, "web": "1/hour"}
    client = owner.client()
    statuses = [client.get("/api/web/v1/monitoring/system").status_code for _ in range(2)]
    assert statuses == [200, 429]


@pytest.mark.django_db
def test_health_report_names_the_broker_as_down(owner, broker_down):
    body = owner.client().get("/api/web/v1/monitoring/system").json()
    assert body["broker"].startswith("unhealthy") and body["redis"] == "healthy"
