"""Long-lived Graph API tokens are exchanged for new ones before they expire; failures are kept and logged."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings

from leadplatform.beat import declared_periodic_tasks
from leads import token_refresh
from leads.models import ConnectorCredential
from leads.tasks import refresh_connector_tokens

from .conftest import graph_credential
from .fakes import FakeGraphAPI

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def graph(serve):
    return serve(FakeGraphAPI())


def expiring(advertiser, graph, expires_in: timedelta, **extra) -> ConnectorCredential:
    credential = graph_credential(
        advertiser, graph, app_id=FakeGraphAPI.APP_ID, token_expires_at=NOW + expires_in, **extra
    )
    credential.set_app_secret(FakeGraphAPI.APP_SECRET)
    credential.save()
    return credential


def test_a_token_expiring_within_the_window_is_exchanged_and_stored_encrypted(advertiser, graph, clock):
    credential = expiring(advertiser, graph, timedelta(days=3))
    refresh_connector_tokens()
    credential.refresh_from_db()
    assert credential.secret == "renewed-1-graph-token-secret"
    assert "renewed" not in credential.secret_encrypted
    assert credential.token_expires_at == NOW + timedelta(seconds=FakeGraphAPI.TOKEN_LIFETIME)
    assert credential.token_refreshed_at == NOW and credential.token_refresh_error == ""


def test_the_exchange_sends_the_app_credentials_and_the_current_token(advertiser, graph, clock):
    expiring(advertiser, graph, timedelta(days=3))
    refresh_connector_tokens()
    [(method, path, query)] = graph.calls
    assert (method, path) == ("GET", "/v21.0/oauth/access_token")
    assert query == {
        "grant_type": "fb_exchange_token",
        "client_id": FakeGraphAPI.APP_ID,
        "client_secret": FakeGraphAPI.APP_SECRET,
        "fb_exchange_token": "graph-token-secret",
    }


def test_tokens_outside_the_window_inactive_or_without_expiry_are_left_alone(advertiser, graph, clock):
    later = expiring(
        advertiser, graph, timedelta(days=settings.GRAPH_TOKEN_REFRESH_WITHIN_DAYS, minutes=1), name="later"
    )
    expiring(advertiser, graph, timedelta(days=1), name="off", active=False)
    graph_credential(advertiser, graph, name="no-expiry", app_id=FakeGraphAPI.APP_ID)
    refresh_connector_tokens()
    assert graph.calls == []
    assert ConnectorCredential.objects.get(pk=later.pk).secret == "graph-token-secret"


def test_the_window_follows_the_setting(advertiser, graph, clock, settings):
    settings.GRAPH_TOKEN_REFRESH_WITHIN_DAYS = 30
    credential = expiring(advertiser, graph, timedelta(days=20))
    assert token_refresh.credentials_due_for_refresh() == [credential.pk]


def test_the_token_is_renewed_again_when_the_new_one_nears_its_end(advertiser, graph, clock):
    credential = expiring(advertiser, graph, timedelta(days=3))
    refresh_connector_tokens()
    clock.move_to(NOW + timedelta(days=55))
    refresh_connector_tokens()
    credential.refresh_from_db()
    assert graph.exchanges == 2 and credential.secret.startswith("renewed-2-renewed-1-")


def test_a_refused_exchange_is_recorded_on_the_credential_and_logged(advertiser, graph, clock, caplog):
    credential = expiring(advertiser, graph, timedelta(days=3))
    credential.set_app_secret("wrong-secret")
    credential.save()
    with caplog.at_level(logging.WARNING, logger="leads.token_refresh"):
        refresh_connector_tokens()
    credential.refresh_from_db()
    assert "(127.0.0.1)" in credential.token_refresh_error and "HTTP 400" in credential.token_refresh_error
    assert credential.secret == "graph-token-secret" and credential.token_expires_at == NOW + timedelta(days=3)
    assert credential.token_refresh_error in caplog.text


def test_a_success_clears_the_previous_failure(advertiser, graph, clock):
    credential = expiring(advertiser, graph, timedelta(days=3), token_refresh_error="HTTP 400 last time")
    refresh_connector_tokens()
    credential.refresh_from_db()
    assert credential.token_refresh_error == ""


def test_without_the_app_credentials_the_reason_is_recorded_and_nothing_is_called(advertiser, graph, clock):
    credential = graph_credential(advertiser, graph, token_expires_at=NOW + timedelta(days=1))
    refresh_connector_tokens()
    credential.refresh_from_db()
    assert "Meta app id, app secret" in credential.token_refresh_error
    assert graph.calls == []


def test_a_token_set_by_the_user_during_the_exchange_is_kept(advertiser, graph, clock, monkeypatch):
    credential = expiring(advertiser, graph, timedelta(days=3))
    exchange = token_refresh.exchange_token

    def exchange_while_the_user_saves_a_token(current):
        answer = exchange(current)
        fresh = ConnectorCredential.objects.get(pk=current.pk)
        fresh.set_secret("typed-in-meanwhile")
        fresh.save()
        return answer

    monkeypatch.setattr(token_refresh, "exchange_token", exchange_while_the_user_saves_a_token)
    token_refresh.refresh_token(credential.pk)
    assert ConnectorCredential.objects.get(pk=credential.pk).secret == "typed-in-meanwhile"


def test_the_refresh_runs_on_beat():
    entry = declared_periodic_tasks()["refresh expiring connector tokens"]
    assert entry["task"] == refresh_connector_tokens.name and entry["expires"] < entry["every_seconds"]
