"""Heartbeats of running jobs: beat re-queues or fails a job whose worker is gone; a redelivered task takes it over."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from leadplatform.beat import declared_periodic_tasks
from leads import heartbeats
from leads.engine import runner
from leads.jobs import claim, run
from leads.models import JobDispatch, JobUnit, ScrapeJob, WebhookDelivery, WebResult
from leads.tasks import recover_stalled_jobs
from tests.web.conftest import LocalSite
from tests.web.factories import WebhookFactory, WebJobFactory

from .factories import JobFactory, TargetFactory

pytestmark = pytest.mark.django_db

TIMEOUT = 180


@pytest.fixture(autouse=True)
def heartbeat_settings(settings):
    settings.JOB_HEARTBEAT_TIMEOUT_SECONDS = TIMEOUT
    settings.JOB_HEARTBEAT_INTERVAL_SECONDS = 15


@pytest.fixture
def no_enqueue():
    """Nothing reaches a broker: wake-ups and web-job messages are recorded instead."""
    with mock.patch("leads.jobs.lifecycle._wake_worker"), mock.patch("leads.tasks.run_web_job.delay") as web_delay:
        yield web_delay


def running_lead_job(advertiser, *, max_retries: int, worker: str = "gone-host:1") -> ScrapeJob:
    target = TargetFactory(advertiser=advertiser)
    job = JobFactory(advertiser=advertiser, status=ScrapeJob.Status.RUNNING, worker_id=worker, attempts=1)
    job.targets.set([target])
    JobDispatch.objects.filter(job=job).update(max_retries=max_retries)
    ScrapeJob.objects.filter(pk=job.pk).update(started_at=timezone.now(), heartbeat_at=timezone.now())
    JobUnit.objects.create(job=job, target=target, status=JobUnit.Status.RUNNING, runner=0, cursor="page-3")
    return job


def claim_and_start_again(job: ScrapeJob) -> None:
    """What the next worker does with the re-queued job: claim it and start it (its heartbeat starts anew)."""
    assert claim.claim_next_job("next-host:2").pk == job.pk
    with mock.patch("leads.jobs.run.connector_for"):
        run.start_job(job.pk, "next-host:2")


# ---------------------------------------------------------------------------------------
# Beat: re-queue, then fail after the last attempt
# ---------------------------------------------------------------------------------------
def test_a_lead_job_with_an_old_heartbeat_is_requeued_then_failed_after_its_last_retry(advertiser, no_enqueue):
    WebhookFactory(advertiser=advertiser, url="https://hooks.example/x")
    job = running_lead_job(advertiser, max_retries=1)
    with time_machine.travel(timezone.now() + timedelta(seconds=TIMEOUT + 1), tick=False):
        recover_stalled_jobs.run()
        job.refresh_from_db()
        assert job.status == ScrapeJob.Status.PENDING
        assert "stopped: no heartbeat for over 180 seconds" in job.error and "retry 1 of 1" in job.error
        assert job.dispatch.retries_used == 1 and job.dispatch.queued_at is not None
        unit = JobUnit.objects.get(job=job)
        assert (unit.status, unit.runner, unit.cursor) == (JobUnit.Status.PENDING, None, "page-3")  # resumes its page
        claim_and_start_again(job)

    with time_machine.travel(timezone.now() + timedelta(seconds=2 * TIMEOUT + 5), tick=False):
        recover_stalled_jobs.run()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.FAILED
    assert "no heartbeat" in job.error and "Gave up after 1 retries" in job.error
    assert WebhookDelivery.objects.get(event="job.failed").payload["data"]["error"] == job.error


def test_a_job_whose_heartbeat_is_fresh_is_left_alone(advertiser, no_enqueue):
    job = running_lead_job(advertiser, max_retries=3)
    with time_machine.travel(timezone.now() + timedelta(seconds=TIMEOUT - 10), tick=False):
        recover_stalled_jobs.run()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.RUNNING and job.dispatch.retries_used == 0


def test_a_running_job_that_never_beat_is_judged_by_when_it_started(advertiser, no_enqueue):
    """Rows marked running by hand or by an older release (demo data) have no heartbeat at all."""
    job = running_lead_job(advertiser, max_retries=3)
    ScrapeJob.objects.filter(pk=job.pk).update(heartbeat_at=None, started_at=timezone.now() - timedelta(hours=2))
    recover_stalled_jobs.run()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.PENDING


def test_a_web_job_with_an_old_heartbeat_is_requeued_then_failed_after_its_last_attempt(
    advertiser, no_enqueue, django_capture_on_commit_callbacks
):
    job = WebJobFactory(advertiser=advertiser)
    ScrapeJob.objects.filter(pk=job.pk).update(
        status=ScrapeJob.Status.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now(),
        started_at=timezone.now(),
        worker_id="gone-host:1",
    )
    later = timezone.now() + timedelta(seconds=TIMEOUT + 1)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        recover_stalled_jobs.run()
    with time_machine.travel(later, tick=False):
        job.refresh_from_db()
        assert job.status == ScrapeJob.Status.PENDING and "attempt 2 of 3" in job.error
        no_enqueue.assert_called_once_with(job.pk)  # sent to a worker again
    for attempt in (2, 3):
        later += timedelta(seconds=TIMEOUT + 1)
        ScrapeJob.objects.filter(pk=job.pk).update(
            status=ScrapeJob.Status.RUNNING, attempts=attempt, heartbeat_at=later
        )
        with time_machine.travel(later + timedelta(seconds=TIMEOUT + 1), tick=False):
            recover_stalled_jobs.run()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.FAILED
    assert "Gave up after 3 attempts" in job.error and "monitoring/system" in job.error


# ---------------------------------------------------------------------------------------
# A redelivered task: take over a job whose worker is gone, refuse one whose worker lives
# ---------------------------------------------------------------------------------------
@pytest.fixture
def shop():
    """A one-page local site (127.0.0.1 is let through the guard by this package's conftest)."""
    site = LocalSite()
    site.thread.start()
    site.route("/robots.txt", status=404)
    site.route("/", "<html><body><h1>Shop</h1></body></html>")
    yield site
    site.server.shutdown()
    site.server.server_close()


def running_web_job(advertiser, url: str, *, heartbeat_age: float, worker: str) -> ScrapeJob:
    job = WebJobFactory(advertiser=advertiser, url=url)
    beat = timezone.now() - timedelta(seconds=heartbeat_age)
    ScrapeJob.objects.filter(pk=job.pk).update(
        status=ScrapeJob.Status.RUNNING, attempts=1, started_at=beat, heartbeat_at=beat, worker_id=worker
    )
    return job


def test_a_redelivered_task_resumes_a_job_whose_heartbeat_is_stale(advertiser, shop):
    job = running_web_job(advertiser, shop.url("/"), heartbeat_age=TIMEOUT + 5, worker="elsewhere:4242")
    runner.run_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED and job.attempts == 2
    assert WebResult.objects.filter(job=job).count() == 1


def test_a_redelivered_task_refuses_a_job_whose_heartbeat_is_fresh(advertiser, shop):
    job = running_web_job(advertiser, shop.url("/"), heartbeat_age=5, worker="elsewhere:4242")
    runner.run_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.RUNNING and job.attempts == 1
    assert shop.hits == []


def test_a_redelivered_task_takes_over_at_once_when_the_holding_process_on_this_host_is_dead(advertiser, shop):
    """A SIGKILLed pool process: Celery redelivers within a second, long before the heartbeat is stale."""
    finished = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_worker = f"celery@{os.uname().nodename}:{finished.stdout.strip()}"
    job = running_web_job(advertiser, shop.url("/"), heartbeat_age=1, worker=dead_worker)
    runner.run_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED and job.attempts == 2


# ---------------------------------------------------------------------------------------
# Pulses
# ---------------------------------------------------------------------------------------
def test_pulse_writes_at_most_once_per_interval(advertiser):
    job = running_web_job(advertiser, "https://shop.example/", heartbeat_age=60, worker="here:1")
    with heartbeats.beating(job.pk):
        first = ScrapeJob.objects.get(pk=job.pk).heartbeat_at
        assert first > timezone.now() - timedelta(seconds=5)  # entering the block beats
        ScrapeJob.objects.filter(pk=job.pk).update(heartbeat_at=first - timedelta(seconds=60))
        heartbeats.pulse()  # within the interval: no write
        assert ScrapeJob.objects.get(pk=job.pk).heartbeat_at == first - timedelta(seconds=60)
    heartbeats.pulse()  # outside the block there is no job to beat for
    assert ScrapeJob.objects.get(pk=job.pk).heartbeat_at == first - timedelta(seconds=60)


def test_a_pulse_never_revives_a_finished_job(advertiser):
    job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED)
    heartbeats.pulse(job.pk, force=True)
    assert ScrapeJob.objects.get(pk=job.pk).heartbeat_at is None


def test_recovery_runs_every_minute_from_beat_with_an_expiry():
    [spec] = [spec for spec in declared_periodic_tasks().values() if spec["task"] == "leads.recover_stalled_jobs"]
    assert spec["every_seconds"] == 60 and spec["expires"] < spec["every_seconds"]
