"""Web jobs on a schedule (the lead jobs' beat mechanism and minimum interval) and re-runs."""

from __future__ import annotations

import json

import pytest
from django_celery_beat.models import PeriodicTask

from leads import schedules
from leads.models import ScrapeJob, WebResult
from leads.tasks import rerun_scheduled_web_job

from .factories import WebJobFactory, WebResultFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]

BASE = "/api/web/v1"
JOB_BODY = {"url": "https://shop.example/products", "selectors": {"title": "h1::text"}}


# --- the shared rule ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "expression, gap",
    [
        ("* * * * *", 60),
        ("*/2 * * * *", 120),
        ("*/5 * * * *", 300),
        ("0 * * * *", 3600),
        ("58,2 23,0 * * *", 240),
        ("0 6 * * 1", 7 * 86400),
    ],
)
def test_shortest_gap_between_firings(expression, gap):
    assert schedules.shortest_crontab_gap_seconds(expression) == gap


@pytest.mark.parametrize(
    "expression", ["* * * * *", "*/2 * * * *", "0,58 0,23 * * *", "0-4 * * * *", "61 * * * *", "0", "0 0 * * * *"]
)
def test_crontabs_firing_too_often_or_invalid_are_refused(expression):
    with pytest.raises(schedules.ScheduleError):
        schedules.check_crontab(expression)


def test_a_crontab_that_never_fires_is_refused():
    with pytest.raises(schedules.ScheduleError):
        schedules.check_crontab("0 0 30 2 *")


@pytest.mark.parametrize("schedule", [{"interval_seconds": 299}, {"interval_seconds": 60, "crontab": "0 * * * *"}, {}])
def test_intervals_below_the_minimum_or_ambiguous_schedules_are_refused(schedule):
    with pytest.raises(schedules.ScheduleError):
        schedules.check_schedule(schedule)


# --- scheduling a web job ---------------------------------------------------------------------


def test_create_with_a_crontab_registers_one_beat_task(owner, enqueued):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "schedule": {"crontab": "0 * * * *"}}, format="json")
    assert response.status_code == 201
    assert response.json()["schedule"] == {"interval_seconds": None, "crontab": "0 * * * *"}
    job = ScrapeJob.objects.get(public_id=response.json()["id"])
    task = PeriodicTask.objects.get(name=f"scrape-job-{job.pk}")
    assert (task.task, json.loads(task.args), task.crontab.minute) == ("leads.rerun_scheduled_web_job", [job.pk], "0")


@pytest.mark.parametrize(
    "schedule", [{"crontab": "* * * * *"}, {"crontab": "*/2 * * * *"}, {"interval_seconds": 60}, {"every": 3600}]
)
def test_create_with_a_too_frequent_or_unknown_schedule_is_422(owner, enqueued, schedule):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "schedule": schedule}, format="json")
    assert response.status_code == 422 and response.json()["type"] == "validation_error"
    assert not ScrapeJob.objects.exists() and not PeriodicTask.objects.filter(name__startswith="scrape-job-").exists()


def test_v1_jobs_refuse_a_crontab_firing_every_minute(owner):
    response = owner.client().post(
        "/api/v1/jobs", {"job_type": "hashtag", "target_ids": [1], "schedule": {"crontab": "* * * * *"}}, format="json"
    )
    assert response.status_code == 400 and "schedule" in response.json()["errors"]


def test_set_and_clear_a_schedule(owner):
    job = WebJobFactory(advertiser=owner.advertiser, status="completed")
    client = owner.client()
    body = client.put(f"{BASE}/jobs/{job.public_id}/schedule", {"interval_seconds": 3600}, format="json").json()
    assert body["schedule"] == {"interval_seconds": 3600, "crontab": None}
    assert (
        client.put(f"{BASE}/jobs/{job.public_id}/schedule", {"crontab": "*/2 * * * *"}, format="json").status_code
        == 422
    )
    assert client.delete(f"{BASE}/jobs/{job.public_id}/schedule").status_code == 204
    assert client.get(f"{BASE}/jobs/{job.public_id}").json()["schedule"] is None
    assert not PeriodicTask.objects.filter(name=f"scrape-job-{job.pk}").exists()


def test_deleting_a_scheduled_job_removes_its_beat_task(owner, enqueued):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "schedule": {"interval_seconds": 600}}, format="json")
    job = ScrapeJob.objects.get(public_id=response.json()["id"])
    ScrapeJob.objects.filter(pk=job.pk).update(status="completed")
    assert owner.client().delete(f"{BASE}/jobs/{job.public_id}").status_code == 204
    assert not PeriodicTask.objects.filter(name=f"scrape-job-{job.pk}").exists()


def test_beat_starts_a_new_run_of_a_finished_scheduled_job(owner, enqueued, django_capture_on_commit_callbacks):
    job = WebJobFactory(advertiser=owner.advertiser, status="completed", items_scraped=1)
    WebResultFactory(job=job)
    with django_capture_on_commit_callbacks(execute=True):
        rerun_scheduled_web_job.run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.items_scraped) == ("pending", 0)
    assert not WebResult.objects.filter(job=job).exists()
    enqueued.assert_called_once_with(job.pk)


def test_beat_leaves_a_running_job_alone(owner, enqueued, django_capture_on_commit_callbacks):
    job = WebJobFactory(advertiser=owner.advertiser, status="running")
    WebResultFactory(job=job)
    with django_capture_on_commit_callbacks(execute=True):
        rerun_scheduled_web_job.run(job.pk)
    job.refresh_from_db()
    assert job.status == "running" and WebResult.objects.filter(job=job).count() == 1
    enqueued.assert_not_called()


# --- POST /jobs/{id}/rerun ---------------------------------------------------------------------


@pytest.mark.parametrize("finished", ["completed", "failed", "cancelled"])
def test_rerun_of_a_finished_job_queues_a_fresh_run(owner, enqueued, django_capture_on_commit_callbacks, finished):
    job = WebJobFactory(advertiser=owner.advertiser, status=finished, progress=100, items_scraped=2, error="x")
    WebResultFactory.create_batch(2, job=job)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.client().post(f"{BASE}/jobs/{job.public_id}/rerun")
    assert response.status_code == 202
    body = response.json()
    assert (body["id"], body["status"], body["progress"], body["items_scraped"], body["error"]) == (
        str(job.public_id),
        "pending",
        0,
        0,
        "",
    )
    assert not WebResult.objects.filter(job=job).exists()
    enqueued.assert_called_once_with(job.pk)


@pytest.mark.parametrize("unfinished", ["pending", "assigned", "running"])
def test_rerun_while_queued_or_running_is_409_in_the_surface_shape(owner, enqueued, unfinished):
    job = WebJobFactory(advertiser=owner.advertiser, status=unfinished)
    response = owner.client().post(f"{BASE}/jobs/{job.public_id}/rerun")
    assert response.status_code == 409
    assert response.json()["type"] == "conflict" and response.json()["detail"]
    job.refresh_from_db()
    assert job.status == unfinished
    enqueued.assert_not_called()


def test_rerun_of_another_tenants_job_is_404(owner, outsider, enqueued):
    job = WebJobFactory(advertiser=outsider.advertiser, status="completed")
    assert owner.client().post(f"{BASE}/jobs/{job.public_id}/rerun").status_code == 404
    assert (
        owner.client()
        .put(f"{BASE}/jobs/{job.public_id}/schedule", {"interval_seconds": 600}, format="json")
        .status_code
        == 404
    )
    job.refresh_from_db()
    assert job.status == "completed"


def test_rerun_respects_the_open_jobs_cap(owner, enqueued, settings):
    settings.SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER = 1
    WebJobFactory(advertiser=owner.advertiser, status="running")
    job = WebJobFactory(advertiser=owner.advertiser, status="completed")
    assert owner.client().post(f"{BASE}/jobs/{job.public_id}/rerun").status_code == 422
    job.refresh_from_db()
    assert job.status == "completed"
