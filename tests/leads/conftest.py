"""Fixtures of the social lead-generation tests: fast limits, local fake providers, credentials."""

from __future__ import annotations

import time

import pytest
import time_machine

from leads.models import ConnectorCredential

from .fakes import FakeActorAPI, FakeGraphAPI


@pytest.fixture(autouse=True)
def fast_connectors(settings):
    """Local servers allowed through the guard; limits high and polls short so the tests run fast."""
    settings.SCRAPER_ALLOWED_NETWORKS = "127.0.0.1/32"
    settings.LEADS_SPEED_MODES = {
        "safe": {"requests_per_second": 200.0, "concurrency": 1},
        "normal": {"requests_per_second": 500.0, "concurrency": 3},
        "aggressive": {"requests_per_second": 1000.0, "concurrency": 6},
    }
    settings.CONNECTOR_RUN_POLL_SECONDS = 0.01
    settings.CONNECTOR_HTTP_TIMEOUT_SECONDS = 1.0
    settings.CONNECTOR_HTTP_MAX_RETRIES = 3
    settings.LEADS_JOB_RETRY_BACKOFF_SECONDS = 0


class ConnectorClock:
    """The clock the connectors' HTTP client reads and waits on: a wait moves time-machine's clock
    on at once instead of sleeping, and is recorded."""

    def __init__(self, traveller: time_machine.Coordinates) -> None:
        self._traveller = traveller
        self.waits: list[float] = []

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self._traveller.shift(seconds)


@pytest.fixture
def connector_clock(monkeypatch) -> ConnectorClock:
    """An injected clock for leads.connectors.http (rate-limit windows, Retry-After and backoff waits)."""
    from leads.connectors import http

    with time_machine.travel(time.time(), tick=True) as traveller:
        clock = ConnectorClock(traveller)
        monkeypatch.setattr(http, "time", clock)
        yield clock


@pytest.fixture
def serve():
    """Start fake servers; every one is stopped at the end of the test."""
    started = []

    def start(server):
        started.append(server.start())
        return server

    yield start
    for server in started:
        server.stop()


def graph_credential(advertiser, server: FakeGraphAPI, **extra) -> ConnectorCredential:
    credential = ConnectorCredential(
        advertiser=advertiser,
        name=extra.pop("name", "graph"),
        provider=ConnectorCredential.Provider.INSTAGRAM_GRAPH,
        base_url=server.base_url,
        account_id="17841400000000001",
        **extra,
    )
    credential.set_secret("graph-token-secret")
    credential.save()
    return credential


def actor_credential(
    advertiser, server: FakeActorAPI, kinds=("followers",), platform="instagram", **extra
) -> ConnectorCredential:
    credential = ConnectorCredential(
        advertiser=advertiser,
        name=extra.pop("name", "actors"),
        provider=ConnectorCredential.Provider.HOSTED_SCRAPER,
        base_url=server.base_url,
        platform=platform,
        actors={kind: {"actor_id": f"someone/{kind}-actor"} for kind in kinds},
        **extra,
    )
    credential.set_secret("apify-token-secret")
    credential.save()
    return credential
