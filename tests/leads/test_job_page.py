"""A job's admin page: the progress JSON it polls, the run / cancel / retry buttons, the list's bars."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership
from leads.jobs import lifecycle, run
from leads.models import JobDispatch, JobUnit, ScrapeJob
from tests.factories import MembershipFactory
from tests.web.factories import WebJobFactory

from .factories import JobFactory, TargetFactory

pytestmark = pytest.mark.django_db
Status = ScrapeJob.Status


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def manager(member) -> Client:
    return logged_in(member.user)


@pytest.fixture
def viewer(advertiser) -> Client:
    return logged_in(MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user)


def social_job(advertiser, status=Status.PENDING, targets=2, **fields) -> ScrapeJob:
    job = JobFactory(advertiser=advertiser, status=status, **fields)
    job.targets.set([TargetFactory(advertiser=advertiser) for _ in range(targets)])
    return job


def progress_url(job) -> str:
    name = "webjob" if job.kind == ScrapeJob.Kind.WEB else "socialjob"
    return reverse(f"admin:leads_{name}_progress", args=[job.pk])


def transition_url(job, transition: str) -> str:
    name = "webjob" if job.kind == ScrapeJob.Kind.WEB else "socialjob"
    return reverse(f"admin:leads_{name}_transition", args=[job.pk, transition])


def change_url(job) -> str:
    name = "webjob" if job.kind == ScrapeJob.Kind.WEB else "socialjob"
    return reverse(f"admin:leads_{name}_change", args=[job.pk])


def visible_buttons(html: str) -> set[str]:
    forms = re.findall(r"<form[^>]*data-transition=\"(\w+)\"([^>]*)>", html)
    return {name for name, rest in forms if "hidden" not in rest}


# --- the JSON -----------------------------------------------------------------------------


def test_progress_json_of_a_running_social_job(manager, advertiser):
    job = social_job(advertiser, status=Status.RUNNING, progress=40.0, leads_stored=12, items_scraped=30)
    done, running = job.targets.order_by("id")
    JobUnit.objects.create(job=job, target=done, status=JobUnit.Status.DONE, leads_stored=12)
    JobUnit.objects.create(job=job, target=running, status=JobUnit.Status.FAILED, error="followers:x: HTTP 500")

    state = manager.get(progress_url(job)).json()

    assert state["status"] == "running" and state["finished"] is False and state["progress"] == 40.0
    assert state["counts"] == {
        "targets": 2,
        "targets_done": 1,
        "targets_failed": 1,
        "targets_running": 0,
        "leads_stored": 12,
        "items_scraped": 30,
        "items_failed": 0,
    }
    assert [(row["target"], row["status"], row["error"]) for row in state["targets"]] == [
        (str(done), "done", ""),
        (str(running), "failed", "followers:x: HTTP 500"),
    ]
    assert state["actions"] == ["cancel"] and state["next_retry_at"] is None and "summary" in state


def test_progress_json_of_a_web_job(manager, advertiser):
    job = WebJobFactory(advertiser=advertiser, status=Status.FAILED, error="Connection refused by shop.example.")
    state = manager.get(progress_url(job)).json()
    assert state["targets"] == [
        {
            "target": job.url,
            "status": "failed",
            "error": "Connection refused by shop.example.",
            "leads_stored": 0,
            "items_scraped": 0,
            "pages_done": 0,
            "attempts": job.attempts,
        }
    ]
    assert state["finished"] is True and state["reason"] == "Connection refused by shop.example."
    assert state["actions"] == ["retry"]


def test_progress_json_renders_the_forms_live_fields_as_the_form_does(manager, advertiser):
    job = WebJobFactory(advertiser=advertiser, status=Status.COMPLETED, progress=100.0, items_scraped=12)
    fields = manager.get(progress_url(job)).json()["fields"]
    assert (fields["status"], fields["items_scraped"], fields["worker_id"]) == ("Completed", "12", "-")


def test_next_retry_time_is_given(manager, advertiser):
    from datetime import timedelta

    from django.utils import timezone

    job = social_job(advertiser, error="HTTP 503")
    later = timezone.now() + timedelta(minutes=5)
    JobDispatch.objects.filter(job=job).update(
        queued_at=timezone.now(), not_before=later, retries_used=1, max_retries=3
    )
    state = manager.get(progress_url(job)).json()
    assert state["next_retry_at"] == later.isoformat().replace("+00:00", "Z")
    assert state["reason"] == "Retry 1 of 3: the last attempt failed: HTTP 503"


@pytest.mark.parametrize("factory", [social_job, lambda advertiser: WebJobFactory(advertiser=advertiser)])
def test_another_advertisers_job_is_not_found(manager, other_advertiser, factory):
    job = factory(other_advertiser)
    assert manager.get(progress_url(job)).status_code == 404
    assert manager.get(change_url(job)).status_code == 302  # admin's own "does not exist" redirect
    assert manager.post(transition_url(job, "cancel")).status_code == 404
    job.refresh_from_db()
    assert job.status == Status.PENDING


def test_the_progress_endpoint_needs_a_login(client, advertiser):
    response = client.get(progress_url(social_job(advertiser)))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- a pending job after a failed attempt ---------------------------------------------------


def test_a_job_queued_again_after_every_target_failed_is_not_shown_as_done(manager, advertiser, settings):
    settings.LEADS_JOB_RETRY_BACKOFF_SECONDS = 60
    job = social_job(advertiser, status=Status.RUNNING)
    JobDispatch.objects.filter(job=job).update(max_retries=2)
    for target in job.targets.all():
        JobUnit.objects.create(job=job, target=target, status=JobUnit.Status.FAILED, error="The request failed.")
    run.finish_unit(JobUnit.objects.filter(job=job).first(), failed=True)  # progress: every unit finished
    lifecycle.fail_job(job.pk, "Every target failed: The request failed.")
    job.refresh_from_db()

    state = manager.get(progress_url(job)).json()

    assert job.status == Status.PENDING and job.progress == 0
    assert state["progress"] == 0 and "Every target failed" not in state["reason"]
    assert state["reason"].startswith("Retry 1 of 2: the last attempt failed on every target")
    assert state["next_retry_at"] is not None
    listing = manager.get(reverse("admin:leads_socialjob_changelist")).content.decode()
    assert "Every target failed" not in listing and 'value="0.0"' in listing


def test_a_pending_job_never_shows_a_stale_hundred_percent(manager, advertiser):
    job = social_job(advertiser, progress=100.0)
    assert manager.get(progress_url(job)).json()["progress"] == 0


# --- the buttons ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "status, buttons",
    [
        (Status.PENDING, {"run", "cancel"}),
        (Status.RUNNING, {"cancel"}),
        (Status.COMPLETED, {"run"}),
        (Status.FAILED, {"retry"}),
        (Status.CANCELLED, {"retry"}),
    ],
)
def test_buttons_follow_the_state(manager, advertiser, status, buttons):
    job = social_job(advertiser, status=status)
    assert visible_buttons(manager.get(change_url(job)).content.decode()) == buttons


def test_a_queued_job_offers_cancel_only(manager, advertiser):
    job = social_job(advertiser)
    lifecycle.queue_job(job)
    assert visible_buttons(manager.get(change_url(job)).content.decode()) == {"cancel"}


def test_a_web_job_offers_run_again_once_completed(manager, advertiser):
    job = WebJobFactory(advertiser=advertiser, status=Status.COMPLETED)
    page = manager.get(change_url(job)).content.decode()
    assert visible_buttons(page) == {"run"}
    assert f"/admin/leads/webresult/?job__id__exact={job.pk}" in page


def test_the_page_links_the_jobs_leads(manager, advertiser):
    job = social_job(advertiser)
    page = manager.get(change_url(job)).content.decode()
    assert f"/admin/leads/lead/?job__id__exact={job.pk}" in page and 'id="job-panel"' in page
    assert manager.get(f"/admin/leads/lead/?job__id__exact={job.pk}").status_code == 200


def test_a_viewer_sees_the_progress_but_no_buttons(viewer, advertiser):
    job = social_job(advertiser)
    page = viewer.get(change_url(job)).content.decode()
    assert 'id="job-panel"' in page and "data-transition" not in page
    assert viewer.get(progress_url(job)).json()["actions"] == []


@pytest.mark.parametrize("transition", ["run", "cancel"])
def test_a_viewers_post_is_refused(viewer, advertiser, transition):
    job = social_job(advertiser)
    assert viewer.post(transition_url(job, transition)).status_code == 403
    job.refresh_from_db()
    assert job.status == Status.PENDING and job.dispatch.queued_at is None


def test_a_viewer_cannot_run_jobs_from_the_list(viewer, advertiser):
    job = social_job(advertiser)
    viewer.post(reverse("admin:leads_socialjob_changelist"), {"action": "run_jobs", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.dispatch.queued_at is None


def test_a_button_needs_post(manager, advertiser):
    assert manager.get(transition_url(social_job(advertiser), "run")).status_code == 405


# --- the transitions, once ------------------------------------------------------------------


def test_run_twice_queues_once(manager, advertiser, django_capture_on_commit_callbacks):
    job = social_job(advertiser)
    with django_capture_on_commit_callbacks() as wakes:
        first = manager.post(transition_url(job, "run"))
        second = manager.post(transition_url(job, "run"), follow=True)
    job.refresh_from_db()
    assert first.status_code == 302 and first["Location"] == change_url(job)
    assert job.status == Status.PENDING and job.dispatch.queued_at is not None and len(wakes) == 1
    assert "cannot be run now" in second.content.decode()


def test_cancel_twice_cancels_once(manager, advertiser):
    job = social_job(advertiser, status=Status.RUNNING)
    manager.post(transition_url(job, "cancel"))
    job.refresh_from_db()
    cancelled_at = job.completed_at
    second = manager.post(transition_url(job, "cancel"), follow=True)
    job.refresh_from_db()
    assert job.status == Status.CANCELLED and job.completed_at == cancelled_at
    assert "cannot be cancelled now" in second.content.decode()


def test_retry_of_a_failed_social_job_queues_it_again(manager, advertiser):
    job = social_job(advertiser, status=Status.FAILED, error="Every target failed: HTTP 500", progress=100.0)
    manager.post(transition_url(job, "retry"))
    manager.post(transition_url(job, "retry"))
    job.refresh_from_db()
    assert job.status == Status.PENDING and job.error == "" and job.progress == 0 and job.dispatch.queued_at is not None


def test_retry_of_a_failed_web_job_starts_a_new_run(manager, advertiser, django_capture_on_commit_callbacks):
    job = WebJobFactory(advertiser=advertiser, status=Status.FAILED, error="Timeout.")
    with django_capture_on_commit_callbacks() as enqueued:
        manager.post(transition_url(job, "retry"))
        manager.post(transition_url(job, "retry"))
    job.refresh_from_db()
    assert job.status == Status.PENDING and job.error == "" and len(enqueued) == 1


def test_cancel_of_a_web_job(manager, advertiser):
    job = WebJobFactory(advertiser=advertiser, status=Status.RUNNING)
    manager.post(transition_url(job, "cancel"))
    job.refresh_from_db()
    assert job.status == Status.CANCELLED


def test_an_unknown_transition_is_not_found(manager, advertiser):
    assert manager.post(transition_url(social_job(advertiser), "run").replace("/run/", "/explode/")).status_code == 404


# --- the lists ------------------------------------------------------------------------------


def list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", ["socialjob", "webjob"])
def test_list_pages_show_bars_in_constant_queries(manager, advertiser, kind):
    def make():
        # Pending jobs too: each one's waiting reason is computed for the whole page at once.
        if kind == "socialjob":
            lifecycle.queue_job(social_job(advertiser))
            return social_job(advertiser, status=Status.COMPLETED, progress=100.0)
        WebJobFactory(advertiser=advertiser)
        return WebJobFactory(advertiser=advertiser, status=Status.RUNNING, progress=40.0)

    url = reverse(f"admin:leads_{kind}_changelist")
    make()
    few = list_queries(manager, url)
    for _ in range(5):
        make()
    assert list_queries(manager, url) == few
    page = manager.get(url).content.decode()
    assert page.count('<progress class="job-progress"') == 12 and page.count('<td class="field-waiting">#') == 6
