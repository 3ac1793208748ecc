"""An Idempotency-Key whose request died with its process: 409 while its lease runs, then exactly one retry runs.

The crash is real: a separate Python process sends the request against the test database and
is SIGKILLed while the view holds the key, its work done but not committed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from leadplatform.api.idempotency import KeyInProgress, claim_key
from leadplatform.api.models import IdempotencyKey
from tasks.models import Submission

from ..campaigns.factories import TaskFactory
from ..processes import subprocess_database_url

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = "/api/action/task/complete/"
KEY = "complete-after-crash"

# Sends one keyed request whose handler does its work and then stalls: the parent kills it there.
CRASHING_REQUEST = """
import sys, time
import django
django.setup()
from unittest import mock
from rest_framework.test import APIClient
from tasks import services

complete_task = services.complete_task

def complete_then_stall(*args, **kwargs):
    result = complete_task(*args, **kwargs)
    print("working", flush=True)
    time.sleep(600)
    return result

client_id, secret, token, task_id, key = sys.argv[1:]
client = APIClient()
client.credentials(HTTP_X_CLIENT_ID=client_id, HTTP_X_CLIENT_SECRET=secret, HTTP_AUTHORIZATION=f"Bearer {token}")
with mock.patch.object(services, "complete_task", complete_then_stall):
    client.post("/api/action/task/complete/", {"task_id": int(task_id), "post_url": "https://instagram.com/p/x"},
                format="json", HTTP_IDEMPOTENCY_KEY=key)
"""


def _body(task) -> dict:
    return {"task_id": task.pk, "post_url": "https://instagram.com/p/x"}


def _client(app_credentials, publisher) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {publisher.token}",
    )
    return client


@pytest.fixture
def killed_request(app_credentials, publisher):
    """The task, after a process that claimed KEY for completing it was SIGKILLed mid-request."""
    task = TaskFactory(publisher=publisher.user.publisher)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leadplatform.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "IDEMPOTENCY_LEASE_SECONDS": "30",
    }
    process = subprocess.Popen(
        [sys.executable, "-c", CRASHING_REQUEST, *app_credentials, publisher.token, str(task.pk), KEY],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # blocks until the handler has done its work
        assert line.strip() == "working", process.stderr.read()[-3000:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    return task


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_killed_request_changed_nothing_and_left_its_lease(killed_request):
    record = IdempotencyKey.objects.get(key=KEY)
    assert (record.response_status, record.lease_token is not None) == (None, True)
    assert record.locked_until > timezone.now()
    assert not Submission.objects.exists()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_retry_while_the_lease_runs_is_409_with_retry_after(killed_request, app_credentials, publisher):
    response = _client(app_credentials, publisher).post(
        COMPLETE, _body(killed_request), format="json", HTTP_IDEMPOTENCY_KEY=KEY
    )
    assert response.status_code == 409
    assert 1 <= int(response["Retry-After"]) <= 30


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_retry_after_the_lease_runs_once_and_is_then_replayed(killed_request, app_credentials, publisher):
    client = _client(app_credentials, publisher)
    expired = IdempotencyKey.objects.get(key=KEY).locked_until + timedelta(seconds=1)
    with time_machine.travel(expired, tick=True):
        retry = client.post(COMPLETE, _body(killed_request), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        replay = client.post(COMPLETE, _body(killed_request), format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert retry.status_code == 200, retry.json()
    assert (replay.status_code, replay["Idempotent-Replayed"], replay.json()) == (200, "true", retry.json())
    assert Submission.objects.filter(task=killed_request).count() == 1


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_retries_after_the_lease_run_the_request_once(killed_request, app_credentials, publisher):
    expired = IdempotencyKey.objects.get(key=KEY).locked_until + timedelta(seconds=1)
    barrier = threading.Barrier(2)
    responses = []

    def retry():
        client = _client(app_credentials, publisher)
        barrier.wait()
        try:
            responses.append(client.post(COMPLETE, _body(killed_request), format="json", HTTP_IDEMPOTENCY_KEY=KEY))
        finally:
            connection.close()

    with time_machine.travel(expired, tick=True):
        threads = [threading.Thread(target=retry) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    ran = [r for r in responses if r.status_code == 200 and not r.has_header("Idempotent-Replayed")]
    others = [r.status_code for r in responses if r not in ran]
    assert (len(ran), len(responses)) == (1, 2)
    assert others in ([409], [200])  # refused while the winner ran, or its stored answer replayed
    assert Submission.objects.filter(task=killed_request).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_takeovers_of_an_expired_lease_claim_the_key_once():
    claimants = 8
    IdempotencyKey.objects.create(
        owner="user:1", key="k", route="r", request_digest="d", locked_until=timezone.now() - timedelta(seconds=1)
    )
    barrier = threading.Barrier(claimants)
    outcomes = []

    def take_over():
        barrier.wait()
        try:
            outcomes.append(claim_key("user:1", "k", "r", "d")[1])
        except KeyInProgress:
            outcomes.append("409")
        finally:
            connection.close()

    threads = [threading.Thread(target=take_over) for _ in range(claimants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes, key=str) == ["409"] * (claimants - 1) + [True]


@pytest.mark.django_db
def test_a_key_with_a_running_lease_is_not_taken_over(settings):
    settings.IDEMPOTENCY_LEASE_SECONDS = 30
    claim_key("user:1", "k", "r", "d")
    with time_machine.travel(timezone.now() + timedelta(seconds=29), tick=False), pytest.raises(KeyInProgress):
        claim_key("user:1", "k", "r", "d")
