"""A failed job says why, on its surface, in admin and in its webhook: the connector or host, the HTTP status, what to do."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from leads.jobs import claim, lifecycle, run
from leads.models import ConnectorCredential, ScrapeJob, WebhookDelivery
from tests.web.factories import WebhookFactory

from .conftest import actor_credential
from .factories import TargetFactory
from .fakes import FakeActorAPI, Reply

pytestmark = pytest.mark.django_db

START_RUN = "/v2/acts/someone~followers-actor/runs"


@pytest.fixture(autouse=True)
def no_wake():
    with mock.patch("leads.jobs.lifecycle._wake_worker"):
        yield


def run_once(job: ScrapeJob) -> ScrapeJob:
    """Claim, start and run every runner, as the Celery tasks do."""
    assert claim.claim_next_job("test-worker").pk == job.pk
    for runner in range(run.start_job(job.pk, "test-worker")):
        run.run_units(job.pk, runner)
    job.refresh_from_db()
    return job


def followers_job(advertiser, identifier: str = "nike") -> ScrapeJob:
    target = TargetFactory(advertiser=advertiser, identifier=identifier)
    job = lifecycle.create_job(advertiser_id=advertiser.pk, kind="followers", targets=[target], max_retries=0)
    return lifecycle.queue_job(job)


def group_task(owner) -> dict:
    return owner.client().post("/api/social/tasks", {"group_id": "42", "max_posts": 10}, format="json").json()["data"]


# ---------------------------------------------------------------------------------------
# Group-post tasks no connector can run
# ---------------------------------------------------------------------------------------
def test_a_group_post_task_without_any_connector_says_what_to_add(owner):
    task = group_task(owner)
    run_once(ScrapeJob.objects.get(pk=task["id"]))
    data = owner.client().get(f"/api/social/tasks/{task['id']}").json()["data"]
    assert data["status"] == "failed" and data["result"] is None
    assert data["error"] == (
        "No connector credential is configured for this advertiser, so nothing can fetch group posts on facebook: "
        "add a hosted-scraper credential for facebook with an actor for group_posts in admin → Connector credentials."
    )


def test_a_group_post_task_whose_connectors_cannot_do_it_names_them(owner, serve):
    actor_credential(owner.advertiser, serve(FakeActorAPI({})), kinds=("followers",), platform="facebook")
    task = group_task(owner)
    run_once(ScrapeJob.objects.get(pk=task["id"]))
    [row] = owner.client().get("/api/social/tasks").json()["data"]
    assert row["error"].startswith(
        "No configured connector can fetch group posts on facebook (configured: Hosted scraper): "
        "no hosted-scraper actor is configured for group_posts"
    )


def test_a_task_that_did_not_fail_has_no_error(owner):
    assert group_task(owner)["error"] is None


# ---------------------------------------------------------------------------------------
# Provider errors name the connector, the host and the status
# ---------------------------------------------------------------------------------------
def test_a_refused_credential_names_connector_host_status_and_the_fix(owner, serve):
    actors = serve(FakeActorAPI({}))
    actors.queued[("POST", START_RUN)].append(Reply(401, {"error": "secret provider detail"}))
    actor_credential(owner.advertiser, actors)
    job = run_once(followers_job(owner.advertiser))
    assert job.status == ScrapeJob.Status.FAILED
    expected = (
        "followers:nike: Hosted scraper (127.0.0.1) refused the credential (HTTP 401): "
        "check its token in admin → Connector credentials."
    )
    assert expected in job.error and "secret provider detail" not in job.error
    assert owner.client().get(f"/api/v1/jobs/{job.pk}").json()["data"]["error"] == job.error


def test_a_provider_that_stays_down_is_named_with_its_status(owner, serve, settings):
    settings.CONNECTOR_HTTP_MAX_RETRIES = 1
    actors = serve(FakeActorAPI({}))
    actors.queued[("POST", START_RUN)].extend([Reply(503), Reply(503)])
    actor_credential(owner.advertiser, actors)
    job = run_once(followers_job(owner.advertiser))
    assert "Hosted scraper (127.0.0.1) answered HTTP 503 (busy or down). Gave up after 2 attempts." in job.error


def test_an_unreachable_provider_is_named_instead_of_the_request_failed(owner, serve, settings):
    settings.CONNECTOR_HTTP_MAX_RETRIES = 0
    credential = actor_credential(owner.advertiser, serve(FakeActorAPI({})))
    ConnectorCredential.objects.filter(pk=credential.pk).update(base_url="http://127.0.0.1:9/v2")  # nothing listens
    job = run_once(followers_job(owner.advertiser))
    assert "Hosted scraper (127.0.0.1): the connection failed. Gave up after 1 attempt." in job.error
    assert "The request failed." not in job.error


# ---------------------------------------------------------------------------------------
# Admin and webhooks carry the reason too
# ---------------------------------------------------------------------------------------
def test_admin_lists_the_reason_of_a_failure(owner, staff):
    task = group_task(owner)
    run_once(ScrapeJob.objects.get(pk=task["id"]))
    client = Client()
    client.force_login(staff.user)
    listing = client.get(reverse("admin:leads_socialjob_changelist")).content.decode()
    assert "No connector credential is configured for this advertiser" in listing


def test_the_failure_webhook_carries_the_reason(owner):
    WebhookFactory(advertiser=owner.advertiser)
    task = group_task(owner)
    job = run_once(ScrapeJob.objects.get(pk=task["id"]))
    data = WebhookDelivery.objects.get(event="job.failed").payload["data"]
    assert data["error"] == job.error and data["error"].startswith("No connector credential is configured")
