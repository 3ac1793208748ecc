"""The health report lists the Celery workers that are really running, on the embedded SQL broker and on Redis.

A real worker process runs against the test database; it reports itself through its heartbeat
thread, and a clean shutdown removes it from the report.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from leads.worker_heartbeats import live_workers, record_heartbeat

from ..processes import subprocess_database_url, wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = "/api/web/v1/monitoring/system"


def _worker(broker_url: str, name: str, log_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leadplatform.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": broker_url,
        "WORKER_HEARTBEAT_SECONDS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "leadplatform",
        "worker",
        "-P",
        "solo",
        "-l",
        "info",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-n",
        name,
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _reported(client) -> list[str]:
    return client.get(SYSTEM).json()["worker_names"]


@pytest.fixture(params=["embedded", "redis"])
def broker_url(request, tmp_path):
    if request.param == "embedded":
        return f"sqla+sqlite:///{tmp_path / 'broker.sqlite3'}"
    return settings.REDIS_URL


@pytest.mark.django_db(transaction=True)
def test_a_running_worker_is_reported_and_leaves_the_report_when_it_stops(owner, broker_url, tmp_path, settings):
    settings.WORKER_HEARTBEAT_SECONDS = 1
    name = f"heartbeat{time.time_ns()}@test"
    client = owner.client()
    log = tmp_path / "worker.log"
    worker = _worker(broker_url, name, log)
    try:
        wait_for(lambda: name in _reported(client), 90, f"the worker to report in ({log})")
        body = client.get(SYSTEM).json()
        assert (body["workers"], body["worker_count"]) == ("healthy", 1)
        worker.send_signal(signal.SIGTERM)
        worker.wait(30)
        assert name not in _reported(client), log.read_text()[-3000:]
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(10)


@pytest.mark.django_db
def test_a_worker_whose_heartbeats_stopped_is_no_longer_reported(settings):
    settings.WORKER_HEARTBEAT_SECONDS = 10
    record_heartbeat("killed@host", timezone.now())
    with time_machine.travel(timezone.now() + timedelta(seconds=31), tick=False):
        assert live_workers() == []
