"""Running slots per advertiser and kind of work, and how a waiting job says so on every surface and in admin."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads.engine import runner
from leads.jobs import claim, lifecycle
from leads.models import JobDispatch, ScrapeJob
from tests.web.factories import WebJobFactory

from .factories import GroupTaskFactory, JobFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(autouse=True)
def caps(settings):
    settings.LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER = 2
    settings.SOCIAL_MAX_RUNNING_TASKS_PER_ADVERTISER = 1
    settings.WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER = 1


@pytest.fixture
def no_enqueue():
    with mock.patch("leads.jobs.lifecycle._wake_worker"), mock.patch("leads.tasks.run_web_job.delay") as web_delay:
        yield web_delay


def running(factory, advertiser, n: int = 1, **fields) -> list[ScrapeJob]:
    return [
        factory(advertiser=advertiser, status=ScrapeJob.Status.RUNNING, started_at=timezone.now(), **fields)
        for _ in range(n)
    ]


def queued(factory, advertiser, **fields) -> ScrapeJob:
    job = factory(advertiser=advertiser, **fields)
    lifecycle.queue_job(job)
    return job


# ---------------------------------------------------------------------------------------
# Slots are counted per kind of work
# ---------------------------------------------------------------------------------------
def test_crawls_and_group_post_tasks_do_not_hold_back_a_lead_job(advertiser, no_enqueue):
    running(WebJobFactory, advertiser, 2)
    running(GroupTaskFactory, advertiser, 2)
    job = queued(JobFactory, advertiser)
    assert claim.claim_next_job("worker").pk == job.pk


def test_lead_jobs_wait_when_their_own_slots_are_full(advertiser, no_enqueue):
    running(JobFactory, advertiser, 2)
    queued(JobFactory, advertiser)
    assert claim.claim_next_job("worker") is None


def test_group_post_tasks_have_their_own_cap(advertiser, no_enqueue):
    running(GroupTaskFactory, advertiser, 1)
    task = queued(GroupTaskFactory, advertiser)
    lead_job = queued(JobFactory, advertiser)
    assert claim.claim_next_job("worker").pk == lead_job.pk  # the task waits, the lead job passes it
    assert claim.claim_next_job("worker") is None
    task.refresh_from_db()
    assert task.status == ScrapeJob.Status.PENDING


def test_a_web_crawl_waits_for_a_free_slot_and_starts_when_one_ends(advertiser, no_enqueue):
    [busy] = running(WebJobFactory, advertiser, 1)
    waiting = WebJobFactory(advertiser=advertiser)
    assert runner.claim(waiting.pk, worker="worker") is None  # its message is dropped; the job stays pending
    assert runner.start_waiting_crawls(advertiser.pk) == 0
    ScrapeJob.objects.filter(pk=busy.pk).update(status=ScrapeJob.Status.COMPLETED)
    assert runner.start_waiting_crawls(advertiser.pk) == 1
    no_enqueue.assert_called_once_with(waiting.pk)
    assert runner.claim(waiting.pk, worker="worker").status == ScrapeJob.Status.RUNNING


def test_another_advertisers_crawls_take_no_slot(advertiser, other_advertiser, no_enqueue):
    running(WebJobFactory, other_advertiser, 3)
    job = WebJobFactory(advertiser=advertiser)
    assert runner.claim(job.pk, worker="worker") is not None


# ---------------------------------------------------------------------------------------
# Every surface says why a job waits
# ---------------------------------------------------------------------------------------
def test_a_lead_job_run_while_the_slots_are_full_says_it_waits_and_where_it_stands(owner, no_enqueue):
    running(JobFactory, owner.advertiser, 2)
    first = queued(JobFactory, owner.advertiser)
    second = JobFactory(advertiser=owner.advertiser)
    client = owner.client()

    answer = client.post(f"/api/v1/jobs/{second.pk}/run").json()["data"]
    assert answer["status"] == "queued" and answer["queue_position"] == 2
    assert answer["waiting_reason"].startswith("Waiting for a free slot: 2 of 2 lead jobs")
    assert "LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER" in answer["waiting_reason"]

    listed = {row["id"]: row for row in client.get("/api/v1/jobs").json()["data"]}
    assert listed[first.pk]["queue_position"] == 1 and listed[first.pk]["waiting_reason"]
    assert {row["waiting_reason"] for row in listed.values() if row["status"] == "running"} == {None}


def test_a_job_not_run_yet_is_not_waiting(owner):
    job = JobFactory(advertiser=owner.advertiser)
    data = owner.client().get(f"/api/v1/jobs/{job.pk}").json()["data"]
    assert (data["waiting_reason"], data["queue_position"]) == (None, None)


def test_a_job_waiting_for_a_worker_says_so(owner, no_enqueue):
    job = queued(JobFactory, owner.advertiser)
    data = owner.client().get(f"/api/v1/jobs/{job.pk}").json()["data"]
    assert data["waiting_reason"].startswith("Queued: a slot is free, waiting for a worker")


def test_a_retry_waiting_out_its_backoff_says_when(owner, no_enqueue):
    job = queued(JobFactory, owner.advertiser)
    JobDispatch.objects.filter(job=job).update(not_before=timezone.now() + timedelta(minutes=5), retries_used=1)
    data = owner.client().get(f"/api/v1/jobs/{job.pk}").json()["data"]
    assert data["waiting_reason"].startswith("Waiting to retry after a failure (retry 1 of 3); not before ")


def test_a_group_post_task_waiting_for_a_slot_says_so(owner, no_enqueue):
    running(GroupTaskFactory, owner.advertiser, 1)
    client = owner.client()
    created = client.post("/api/social/tasks", {"group_id": "42", "max_posts": 10}, format="json").json()["data"]
    assert created["status"] == "pending" and created["queue_position"] == 1
    assert "1 of 1 group-post tasks" in created["waiting_reason"]
    assert "SOCIAL_MAX_RUNNING_TASKS_PER_ADVERTISER" in created["waiting_reason"]
    [row] = [row for row in client.get("/api/social/tasks").json()["data"] if row["id"] == created["id"]]
    assert row["waiting_reason"] == created["waiting_reason"]


def test_a_web_crawl_waiting_for_a_slot_says_so(owner, no_enqueue, django_capture_on_commit_callbacks):
    running(WebJobFactory, owner.advertiser, 1)
    client = owner.client()
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(
            "/api/web/v1/jobs", {"url": "https://93.184.216.34/", "selectors": {"title": "h1::text"}}, format="json"
        ).json()
    runner.run_web_job(ScrapeJob.objects.get(public_id=created["id"]).pk)  # the message: no free slot
    shown = client.get(f"/api/web/v1/jobs/{created['id']}").json()
    assert shown["status"] == "pending" and shown["queue_position"] == 1
    assert (
        "1 of 1 web crawls" in shown["waiting_reason"]
        and "WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER" in shown["waiting_reason"]
    )
    listed = client.get("/api/web/v1/jobs", {"status": "pending"}).json()
    assert [row["waiting_reason"] for row in listed] == [shown["waiting_reason"]]


def test_the_jobs_list_reads_waiting_in_a_constant_number_of_queries(owner, no_enqueue, django_assert_max_num_queries):
    running(JobFactory, owner.advertiser, 2)
    client = owner.client()
    queued(JobFactory, owner.advertiser)
    with django_assert_max_num_queries(12) as few:
        client.get("/api/v1/jobs")
    for _ in range(10):
        queued(JobFactory, owner.advertiser)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/v1/jobs")


def test_admin_shows_why_a_job_waits(staff, advertiser, no_enqueue):
    running(JobFactory, advertiser, 2)
    job = queued(JobFactory, advertiser)
    client = Client()
    client.force_login(staff.user)
    listing = client.get(reverse("admin:leads_socialjob_changelist")).content.decode()
    assert "#1 · Waiting for a free slot: 2 of 2 lead jobs" in listing
    page = client.get(reverse("admin:leads_socialjob_change", args=[job.pk])).content.decode()
    assert "Waiting for a free slot" in page
