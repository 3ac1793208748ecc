"""Webhook deliveries: Standard-Webhooks signatures, retries, 410, redirects, after-commit enqueue."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from django.db import transaction

from leadplatform.domain import InvalidInput
from leads import webhooks
from leads.models import ScrapeJob, Webhook, WebhookDelivery
from tests.leads.factories import ContentItemFactory, GroupTaskFactory, JobFactory

from .conftest import Route
from .factories import WebhookFactory, WebJobFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(site, allow_local, advertiser):
    site.route("/hook", status=204)
    return WebhookFactory(advertiser=advertiser, url=site.url("/hook"))


def _emit(job, event="job.completed"):
    with mock.patch("leads.tasks.deliver_webhook.delay"):
        return webhooks.emit_job_event(job, event)


def _due(delivery_id):
    WebhookDelivery.objects.filter(pk=delivery_id).update(next_attempt_at=None)


def test_signature_verifies_with_the_endpoint_secret(site, endpoint, advertiser):
    job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED, items_scraped=3)
    [delivery_id] = _emit(job)
    assert webhooks.attempt_delivery(delivery_id) is None
    [hit] = site.hits_for("/hook")
    assert webhooks.verify(endpoint.secret, hit.headers, hit.body)
    assert not webhooks.verify(WebhookFactory.build().secret, hit.headers, hit.body)
    assert not webhooks.verify(endpoint.secret, hit.headers, hit.body + b" ")
    assert hit.headers["webhook-signature"].startswith("v1,")
    body = json.loads(hit.body)
    assert body["type"] == "job.completed"
    assert body["data"]["id"] == str(job.public_id) and body["data"]["items_scraped"] == 3
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert delivery.status == "succeeded" and delivery.response_status == 204 and delivery.attempts == 1


def test_signature_matches_the_standard_webhooks_published_example():
    """The example of the Standard Webhooks specification, byte for byte."""
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == (
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_verify_refuses_an_old_timestamp():
    secret = webhooks.generate_secret()
    headers = webhooks.signature_headers(secret, "msg_1", b"{}", timestamp=1_000_000)
    assert not webhooks.verify(secret, headers, b"{}")
    assert webhooks.verify(secret, headers, b"{}", now=1_000_010)


def test_failing_receiver_is_retried_with_backoff_honouring_retry_after(site, endpoint, advertiser):
    site.sequence("/hook", Route(429, headers={"Retry-After": "120"}), Route(503), Route(200, b"ok"))
    job = WebJobFactory(advertiser=advertiser)
    [delivery_id] = _emit(job, "job.failed")

    delay = webhooks.attempt_delivery(delivery_id)
    assert delay >= 120
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.response_status, delivery.attempts) == ("pending", 429, 1)
    # Not due yet: a duplicate message does nothing.
    assert webhooks.attempt_delivery(delivery_id) is None
    assert len(site.hits_for("/hook")) == 1

    _due(delivery_id)
    assert webhooks.attempt_delivery(delivery_id) > 0
    assert WebhookDelivery.objects.get(pk=delivery_id).response_status == 503

    _due(delivery_id)
    assert webhooks.attempt_delivery(delivery_id) is None
    delivery = WebhookDelivery.objects.get(pk=delivery_id)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("succeeded", 3, 200)
    # The same message id on every attempt, so the receiver can de-duplicate.
    assert len({hit.headers["webhook-id"] for hit in site.hits_for("/hook")}) == 1


def test_gives_up_after_the_maximum_attempts(site, endpoint, advertiser, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    site.route("/hook", status=500)
    [delivery_id] = _emit(WebJobFactory(advertiser=advertiser))
    assert webhooks.attempt_delivery(delivery_id) is not None
    _due(delivery_id)
    assert webhooks.attempt_delivery(delivery_id) is None
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "failed"


def test_410_disables_the_endpoint(site, endpoint, advertiser):
    site.route("/hook", status=410)
    [delivery_id] = _emit(WebJobFactory(advertiser=advertiser))
    assert webhooks.attempt_delivery(delivery_id) is None
    endpoint.refresh_from_db()
    assert not endpoint.active and "410" in endpoint.disabled_reason
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "failed"
    assert _emit(WebJobFactory(advertiser=advertiser)) == []


def test_a_redirect_is_not_followed_and_not_a_success(site, endpoint, advertiser):
    site.route("/hook", status=302, headers={"Location": "/elsewhere"})
    [delivery_id] = _emit(WebJobFactory(advertiser=advertiser))
    assert webhooks.attempt_delivery(delivery_id) is not None
    assert site.hits_for("/elsewhere") == []
    assert WebhookDelivery.objects.get(pk=delivery_id).status == "pending"


def test_only_subscribed_endpoints_of_the_jobs_advertiser_get_the_event(allow_local, advertiser, other_advertiser):
    WebhookFactory(advertiser=advertiser, events=["job.failed"])
    WebhookFactory(advertiser=other_advertiser)
    assert _emit(WebJobFactory(advertiser=advertiser), "job.completed") == []


def test_delivery_is_enqueued_only_after_commit(advertiser, django_capture_on_commit_callbacks):
    WebhookFactory(advertiser=advertiser)
    job = WebJobFactory(advertiser=advertiser)
    with mock.patch("leads.tasks.deliver_webhook.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            [delivery_id] = webhooks.emit_job_event(job, "job.completed")
            assert not delay.called
        delay.assert_called_once_with(delivery_id)


def test_a_rolled_back_transaction_publishes_nothing(advertiser, django_capture_on_commit_callbacks):
    WebhookFactory(advertiser=advertiser)
    job = WebJobFactory(advertiser=advertiser)
    with mock.patch("leads.tasks.deliver_webhook.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            try:
                with transaction.atomic():
                    webhooks.emit_job_event(job, "job.completed")
                    raise RuntimeError("rollback")
            except RuntimeError:
                pass
        assert not delay.called
    assert not WebhookDelivery.objects.exists()


def test_task_reschedules_itself_with_the_delay(site, endpoint, advertiser):
    from leads.tasks import deliver_webhook

    site.route("/hook", status=503, headers={"Retry-After": "30"})
    [delivery_id] = _emit(WebJobFactory(advertiser=advertiser))
    with mock.patch.object(deliver_webhook, "apply_async") as apply_async:
        deliver_webhook.run(delivery_id)
    args, kwargs = apply_async.call_args
    assert args == ((delivery_id,),) and kwargs["countdown"] >= 30


def test_register_refuses_private_destinations(advertiser, owner):
    with pytest.raises(InvalidInput):
        webhooks.register_webhook(
            advertiser=advertiser, user=owner.user, url="http://169.254.169.254/", events=["job.completed"]
        )
    assert not Webhook.objects.exists()


# --- payloads a receiver can act on ------------------------------------------------


def _received(site, job, event="job.completed") -> dict:
    [delivery_id] = _emit(job, event)
    assert webhooks.attempt_delivery(delivery_id) is None
    return json.loads(site.hits_for("/hook")[-1].body)["data"]


def _lead_job(advertiser):
    return JobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED, leads_stored=7, items_scraped=9)


def _group_task(advertiser):
    task = GroupTaskFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED, items_scraped=1)
    ScrapeJob.objects.filter(pk=task.pk).update(completed_at=task.created_at)
    ContentItemFactory(advertiser=advertiser, job=task, platform="facebook")
    return ScrapeJob.objects.get(pk=task.pk)


def _web_job(advertiser):
    return WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED, items_scraped=3)


@pytest.mark.parametrize(
    "make_job, surface, id_type, status_word",
    [
        (_lead_job, "/api/v1", int, "finished"),
        (_group_task, "/api/social", int, "completed"),
        (_web_job, "/api/web/v1", str, "completed"),
    ],
    ids=["lead job", "group-post task", "web job"],
)
def test_the_payload_id_and_urls_work_on_the_jobs_own_surface(
    site, endpoint, owner, settings, make_job, surface, id_type, status_word
):
    settings.SITE_URL = "https://platform.example"
    job = make_job(owner.advertiser)
    data = _received(site, job)
    assert isinstance(data["id"], id_type) and data["surface"] == surface and data["status"] == status_word
    client = owner.client()
    detail = {"/api/v1": "/api/v1/jobs/{}", "/api/social": "/api/social/tasks/{}", "/api/web/v1": "/api/web/v1/jobs/{}"}
    assert client.get(detail[surface].format(data["id"])).status_code == 200
    for key in ("job_url", "results_url"):
        assert data[key].startswith("https://platform.example" + surface)
        assert client.get(data[key].removeprefix("https://platform.example")).status_code == 200, key


def test_the_payload_carries_error_and_counts(site, endpoint, advertiser):
    job = JobFactory(
        advertiser=advertiser,
        status=ScrapeJob.Status.FAILED,
        items_failed=2,
        error="followers:x: Hosted scraper (h) refused",
    )
    data = _received(site, job, "job.failed")
    assert data["error"] == job.error and data["items_failed"] == 2 and data["leads_stored"] == 0
    assert data["kind"] == "followers" and data["status"] == "failed"


def test_deliveries_name_the_platform_and_its_version(site, endpoint, advertiser):
    import tomllib

    from django.conf import settings

    version = tomllib.loads((settings.BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    _received(site, _web_job(advertiser))
    assert site.hits_for("/hook")[-1].headers["User-Agent"] == f"LeadPlatform-Webhooks/{version}"


def test_a_failed_attempt_names_the_endpoint_host_and_status(site, endpoint, advertiser):
    site.route("/hook", status=500)
    [delivery_id] = _emit(_web_job(advertiser))
    webhooks.attempt_delivery(delivery_id)
    assert WebhookDelivery.objects.get(pk=delivery_id).last_error == "127.0.0.1: answered HTTP 500."
