"""A run and a cancel of one social job, racing on PostgreSQL: one wins, the other is refused and
changes nothing (a losing cancel never takes a new run's place in the queue away)."""

from __future__ import annotations

import pytest

from leads.jobs import lifecycle
from leads.jobs.states import JobError
from leads.models import JobDispatch, ScrapeJob

from ..races import hold_until_both_arrive, run_concurrently
from .factories import JobFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


@pytest.fixture
def released_together(monkeypatch):
    # Both calls have read the job (as a view does) before either changes it.
    hold_until_both_arrive(monkeypatch, lifecycle, "queue_job", "cancel_job")


def race_run_and_cancel(status: str) -> tuple[object, object, ScrapeJob]:
    job = JobFactory(status=status)
    run, cancel = run_concurrently(
        lambda: lifecycle.queue_job(ScrapeJob.objects.get(pk=job.pk)),
        lambda: lifecycle.cancel_job(ScrapeJob.objects.get(pk=job.pk)),
    )
    return run, cancel, job


@pytest.mark.usefixtures("released_together")
def test_a_cancel_racing_the_run_of_a_cancelled_job_is_refused_and_the_run_stays_queued():
    for _ in range(ROUNDS):
        run, cancel, job = race_run_and_cancel(ScrapeJob.Status.CANCELLED)
        job.refresh_from_db()
        queued_at = JobDispatch.objects.get(job=job).queued_at
        assert (isinstance(run, ScrapeJob), cancel, job.status, queued_at is not None) == (
            True,
            False,
            ScrapeJob.Status.PENDING,
            True,
        )


@pytest.mark.usefixtures("released_together")
def test_a_run_racing_the_cancel_of_a_running_job_is_refused_and_the_job_stays_cancelled():
    for _ in range(ROUNDS):
        run, cancel, job = race_run_and_cancel(ScrapeJob.Status.RUNNING)
        job.refresh_from_db()
        assert (isinstance(run, JobError), cancel, job.status) == (True, True, ScrapeJob.Status.CANCELLED)


def test_a_run_read_before_a_cancel_committed_is_refused():
    job = JobFactory(status=ScrapeJob.Status.PENDING)
    read_by_the_run = ScrapeJob.objects.get(pk=job.pk)
    lifecycle.cancel_job(ScrapeJob.objects.get(pk=job.pk))
    with pytest.raises(JobError, match="changed meanwhile"):
        lifecycle.queue_job(read_by_the_run)


def test_a_cancel_read_before_a_run_committed_leaves_the_run_queued():
    job = JobFactory(status=ScrapeJob.Status.CANCELLED)
    read_by_the_cancel = ScrapeJob.objects.get(pk=job.pk)
    lifecycle.queue_job(ScrapeJob.objects.get(pk=job.pk))
    lifecycle.cancel_job(read_by_the_cancel)
    assert JobDispatch.objects.get(job=job).queued_at is not None
