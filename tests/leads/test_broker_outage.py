"""Jobs created or run while the Celery broker is down: committed and answered as usual (never a 503 for
work that is already saved), sent to a worker by beat's sweep once the broker is back, and run once.
The admin's Run action, job-page buttons and add form say the broker is down instead of a 500.
A background export, which no sweep picks up, is not made at all: a true 503.

Each outage is real: the broker URL names a closed local port. Once it is back (the tests' in-memory
broker), `tests.broker.run_sent_tasks` plays the worker.
"""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from leads import publishing, tasks
from leads.models import BackgroundExport, JobDispatch, ScrapeJob, WebhookDelivery

from ..broker import broker_at, closed_port_url, run_sent_tasks, take_sent_messages
from ..web.conftest import LocalSite
from ..web.factories import WebhookFactory, WebJobFactory, WebResultFactory
from .conftest import actor_credential
from .factories import GroupTaskFactory, JobFactory, LeadFactory, TargetFactory
from .fakes import FakeActorAPI
from .test_admin_forms import logged_in, web_job_data

pytestmark = pytest.mark.django_db(transaction=True)

GROUP = "123456789"
POSTS = [
    {"postId": f"p{index}", "text": f"Post {index}", "user": {"name": f"Member {index}", "id": f"u{index}"}}
    for index in range(3)
]


@pytest.fixture(autouse=True)
def empty_broker():
    """The in-memory broker is shared by the tests of this process: start with nothing waiting."""
    take_sent_messages()


@pytest.fixture
def group_posts(owner, serve):
    """A connector that serves the group's posts, so a queued group-post task can run to the end."""
    actor_credential(owner.advertiser, serve(FakeActorAPI({GROUP: POSTS})), kinds=("group_posts",), platform="facebook")


@pytest.fixture
def local_page(settings):
    """A one-page site on 127.0.0.1, the one address the SSRF guard lets these crawls reach."""
    settings.SCRAPER_ALLOWED_NETWORKS = "127.0.0.1/32"
    page = LocalSite()
    page.route("/", "<h1>Hello</h1>")
    page.thread.start()
    yield page
    page.server.shutdown()
    page.server.server_close()


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def beat_sweeps_and_workers_run() -> list[str]:
    """Beat's dispatch runs once and a worker takes every message it (and the tasks it starts) sent."""
    tasks.dispatch_scrape_jobs.apply(throw=True)
    return [name for name, _, _ in run_sent_tasks()]


def warnings_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request) if message.level_tag == "warning"]


# --- the API: committed, answered as usual --------------------------------------------


def test_group_post_task_created_while_the_broker_is_down_is_201_and_saved_once(owner):
    with broker_down_now():
        response = owner.client().post("/api/social/tasks", {"group_id": GROUP, "max_posts": 3}, format="json")
    assert response.status_code == 201, response.json()
    assert ScrapeJob.objects.filter(group_id=GROUP).count() == 1


def test_web_job_created_while_the_broker_is_down_is_201_and_saved_once(owner, local_page):
    with broker_down_now():
        response = owner.client().post("/api/web/v1/jobs", web_job_body(local_page), format="json")
    assert response.status_code == 201, response.json()
    assert ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB).count() == 1


def test_lead_job_created_and_run_while_the_broker_is_down_is_queued(owner):
    target = TargetFactory(advertiser=owner.advertiser)
    client = owner.client()
    with broker_down_now():
        created = client.post(
            "/api/v1/jobs", {"name": "n", "job_type": "followers", "target_ids": [target.pk]}, format="json"
        )
        ran = client.post(f"/api/v1/jobs/{created.json()['data']['id']}/run")
    assert (created.status_code, ran.status_code) == (201, 200), ran.json()
    assert JobDispatch.objects.get(job__advertiser=owner.advertiser).queued_at is not None


def test_group_post_task_reset_while_the_broker_is_down_is_queued(owner):
    task = GroupTaskFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.FAILED)
    with broker_down_now():
        response = owner.client().post(f"/api/social/tasks/{task.pk}/reset")
    assert response.status_code == 200, response.json()
    assert JobDispatch.objects.get(job=task).queued_at is not None


def test_web_job_rerun_while_the_broker_is_down_is_202_and_pending(owner, local_page):
    job_id = owner.client().post("/api/web/v1/jobs", web_job_body(local_page), format="json").json()["id"]
    ScrapeJob.objects.filter(public_id=job_id).update(status=ScrapeJob.Status.COMPLETED)
    with broker_down_now():
        response = owner.client().post(f"/api/web/v1/jobs/{job_id}/rerun")
    assert response.status_code == 202, response.json()
    assert ScrapeJob.objects.get(public_id=job_id).status == ScrapeJob.Status.PENDING


# --- background exports: not made at all while the broker is down ------------------------


@pytest.mark.parametrize(
    "path",
    ["/api/web/v1/results/{job}/export?format=csv", "/api/v1/leads/export?format=csv"],
    ids=["web results", "leads"],
)
def test_background_export_asked_while_the_broker_is_down_is_503_and_leaves_nothing(owner, settings, path):
    settings.EXPORT_STREAM_MAX_ROWS = 0
    settings.DEPENDENCY_RETRY_AFTER_SECONDS = 7
    job = WebJobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.COMPLETED)
    WebResultFactory(job=job)
    LeadFactory(advertiser=owner.advertiser)
    with broker_down_now():
        response = owner.client().get(path.format(job=job.public_id))
    assert (response.status_code, response.get("Retry-After")) == (503, "7")
    assert not BackgroundExport.objects.exists()


# --- once the broker is back: beat sends what waits, it runs once ------------------------


def test_group_post_task_saved_during_the_outage_runs_once_when_the_broker_is_back(owner, group_posts):
    with broker_down_now():
        owner.client().post("/api/social/tasks", {"group_id": GROUP, "max_posts": 3}, format="json")
    beat_sweeps_and_workers_run()
    beat_sweeps_and_workers_run()  # a second sweep finds nothing left to send
    task = ScrapeJob.objects.get(group_id=GROUP)
    assert (task.status, task.attempts, task.items_scraped) == (ScrapeJob.Status.COMPLETED, 1, 3)


def test_web_job_saved_during_the_outage_runs_once_when_the_broker_is_back(owner, local_page):
    with broker_down_now():
        owner.client().post("/api/web/v1/jobs", web_job_body(local_page), format="json")
    beat_sweeps_and_workers_run()
    beat_sweeps_and_workers_run()
    job = ScrapeJob.objects.get(kind=ScrapeJob.Kind.WEB)
    assert (job.status, job.attempts, len(local_page.hits_for("/"))) == (ScrapeJob.Status.COMPLETED, 1, 1)


def test_nothing_waits_for_beat_when_the_broker_was_up(owner, local_page):
    owner.client().post("/api/web/v1/jobs", web_job_body(local_page), format="json")
    assert [name for name, _, _ in take_sent_messages()] == ["leads.run_web_job"]


# --- admin: a clear message, never a 500 ------------------------------------------------


def test_admin_run_action_while_the_broker_is_down_queues_and_says_so(admin_client, advertiser):
    job = JobFactory(advertiser=advertiser)
    with broker_down_now():
        response = admin_client.post(
            reverse("admin:leads_socialjob_changelist"), {"action": "run_jobs", "_selected_action": [job.pk]}
        )
    assert response.status_code == 302
    assert warnings_of(response) == [publishing.ADMIN_BROKER_DOWN_MESSAGE]
    assert (ScrapeJob.objects.get(pk=job.pk).status, JobDispatch.objects.get(job=job).queued_at is not None) == (
        ScrapeJob.Status.PENDING,
        True,
    )


def test_admin_run_action_says_nothing_of_the_broker_when_it_is_up(admin_client, advertiser):
    job = JobFactory(advertiser=advertiser)
    response = admin_client.post(
        reverse("admin:leads_socialjob_changelist"), {"action": "run_jobs", "_selected_action": [job.pk]}
    )
    assert warnings_of(response) == []


def test_admin_job_page_retry_while_the_broker_is_down_queues_and_says_so(admin_client, advertiser):
    job = JobFactory(advertiser=advertiser, status=ScrapeJob.Status.FAILED)
    with broker_down_now():
        response = admin_client.post(reverse("admin:leads_socialjob_transition", args=[job.pk, "retry"]))
    assert (response.status_code, warnings_of(response)) == (302, [publishing.ADMIN_BROKER_DOWN_MESSAGE])
    assert ScrapeJob.objects.get(pk=job.pk).status == ScrapeJob.Status.PENDING


def test_admin_web_job_added_while_the_broker_is_down_is_saved_and_says_so(owner, local_page):
    with broker_down_now():
        response = logged_in(owner.user).post(reverse("admin:leads_webjob_add"), web_job_data(url=local_page.url("/")))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert warnings_of(response) == [publishing.ADMIN_BROKER_DOWN_MESSAGE]
    assert ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB, advertiser=owner.advertiser).count() == 1


def test_admin_redeliver_action_while_the_broker_is_down_resets_and_says_so(owner, staff):
    hook = WebhookFactory(advertiser=owner.advertiser)
    delivery = WebhookDelivery.objects.create(
        webhook=hook, event="job.completed", payload={}, status=WebhookDelivery.Status.FAILED, attempts=5
    )
    with broker_down_now():
        response = logged_in(staff.user).post(
            reverse("admin:leads_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    assert (response.status_code, warnings_of(response)) == (302, [publishing.ADMIN_BROKER_DOWN_MESSAGE])
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 0)


def broker_down_now():
    return broker_at(closed_port_url())


def web_job_body(page: LocalSite) -> dict:
    return {
        "url": page.url("/"),
        "engine": "auto",
        "priority": "normal",
        "selectors": {"title": "h1::text"},
        "config": {"max_pages": 1},
    }
