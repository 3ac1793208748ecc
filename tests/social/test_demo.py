"""The social demo data: a seed puts a demo job back as it was seeded, whatever running it left behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from leads.models import JobDispatch, JobUnit, ScrapeJob
from leads.social import demo as demo_social

pytestmark = pytest.mark.django_db

RUN_FIELDS = ("status", "attempts", "worker_id", "heartbeat_at", "assigned_at", "started_at", "error", "progress")
PENDING_JOB = "Gymshark following"


@pytest.fixture
def seeded():
    accounts_demo.seed({})
    demo_social.seed({})
    return ScrapeJob.objects.get(name=PENDING_JOB, advertiser__contact_email="owner@acme.example")


def test_a_seed_puts_back_every_run_field_of_a_demo_job_a_worker_ran(seeded):
    job = ScrapeJob.objects.filter(pk=seeded.pk)
    before = job.values(*RUN_FIELDS).get()
    job.update(
        status=ScrapeJob.Status.FAILED,
        attempts=4,
        worker_id="vm:4242",
        heartbeat_at=timezone.now(),
        assigned_at=timezone.now(),
        started_at=timezone.now(),
        error="Gave up after 3 retries",
        progress=50.0,
    )
    demo_social.seed({})
    assert job.values(*RUN_FIELDS).get() == before


def test_a_seed_clears_the_units_a_run_of_a_demo_job_left(seeded):
    JobUnit.objects.create(job=seeded, target=seeded.targets.get(), status=JobUnit.Status.DONE, attempts=3, cursor="p2")
    demo_social.seed({})
    assert not JobUnit.objects.filter(job=seeded).exists()


def test_a_seed_gives_a_demo_job_its_retry_budget_back(seeded):
    JobDispatch.objects.filter(job=seeded).update(
        retries_used=3, not_before=timezone.now() + timedelta(minutes=5), queued_at=timezone.now()
    )
    demo_social.seed({})
    assert JobDispatch.objects.filter(job=seeded).values("retries_used", "not_before", "queued_at").get() == {
        "retries_used": 0,
        "not_before": None,
        "queued_at": None,
    }
