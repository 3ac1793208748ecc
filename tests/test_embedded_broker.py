"""The embedded broker's poll (leadplatform.embedded_broker): a stopping worker does not wait out its turn."""

from __future__ import annotations

import time

import pytest
from celery.worker import state as worker_state
from kombu import Connection, Consumer, Queue

from leadplatform.embedded_broker import Transport


@pytest.fixture
def broker(tmp_path):
    with (
        Connection(f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}") as connection,
        Consumer(connection, [Queue("celery")], accept=["json"]),
    ):
        yield connection


def drain_seconds(connection, timeout: float) -> float:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        connection.drain_events(timeout=timeout)
    return time.monotonic() - started


def test_sqla_urls_use_the_embedded_transport(broker):
    assert isinstance(broker.transport, Transport)


def test_an_idle_poll_lasts_its_whole_turn(broker):
    assert drain_seconds(broker, 1.0) >= 1.0


def test_a_poll_ends_at_once_when_the_worker_is_stopping(broker, monkeypatch):
    monkeypatch.setattr(worker_state, "should_stop", 0)  # EX_OK: what SIGTERM sets (warm shutdown)
    assert drain_seconds(broker, 2.0) < 0.5
