"""A rerun and a DELETE of one finished web job, racing on PostgreSQL: one wins, the other is a 409,
and the job ends as the winner left it (never deleted under an accepted rerun)."""

from __future__ import annotations

import pytest

from leads.models import ScrapeJob, WebResult
from leads.web import jobs as webjobs

from ..races import hold_until_both_arrive, run_concurrently
from .factories import WebJobFactory, WebResultFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("public_dns", "enqueued")]

BASE = "/api/web/v1"
ROUNDS = 5


def race_rerun_and_delete(owner) -> tuple[int, int, ScrapeJob]:
    job = WebJobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.COMPLETED, progress=100)
    WebResultFactory.create_batch(2, job=job)
    rerun, delete = run_concurrently(
        lambda: owner.client().post(f"{BASE}/jobs/{job.public_id}/rerun").status_code,
        lambda: owner.client().delete(f"{BASE}/jobs/{job.public_id}").status_code,
    )
    return rerun, delete, job


@pytest.fixture
def released_together(monkeypatch):
    hold_until_both_arrive(monkeypatch, webjobs, "rerun_web_job", "cancel_or_delete")


@pytest.mark.usefixtures("released_together")
def test_one_of_a_racing_rerun_and_delete_wins_and_the_other_is_refused(owner):
    outcomes = {race_rerun_and_delete(owner)[:2] for _ in range(ROUNDS)}
    assert outcomes <= {(202, 409), (409, 204)}


@pytest.mark.usefixtures("released_together")
def test_after_a_racing_rerun_and_delete_the_job_is_as_the_winner_left_it(owner):
    for _ in range(ROUNDS):
        rerun, _delete, job = race_rerun_and_delete(owner)
        left = ScrapeJob.objects.filter(pk=job.pk).first()
        if rerun == 202:
            assert (left.status, WebResult.objects.filter(job=job).count()) == (ScrapeJob.Status.PENDING, 0)
        else:
            assert left is None


def test_a_delete_read_before_a_rerun_committed_is_refused(owner):
    job = WebJobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.COMPLETED)
    read_by_the_delete = ScrapeJob.objects.get(pk=job.pk)
    webjobs.rerun_web_job(ScrapeJob.objects.get(pk=job.pk))
    with pytest.raises(webjobs.JobChangedMeanwhile):
        webjobs.cancel_or_delete(read_by_the_delete)
