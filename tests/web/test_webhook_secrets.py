"""Webhook signing secrets: encrypted at rest, shown in full only at creation and rotation."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse

from leads import webhooks
from leads.models import ScrapeJob, Webhook
from leads.outbound import guard

from .factories import WebhookFactory, WebJobFactory
from .test_admin import logged_in

pytestmark = pytest.mark.django_db

BASE = "/api/web/v1"
HOOK_BODY = {"webhook_url": "https://your-app.example/webhook", "events": ["job.completed"]}


@pytest.fixture
def created(owner):
    """A webhook registered through the API, and the answer of that registration."""
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]):
        return owner.client().post(f"{BASE}/webhooks", HOOK_BODY, format="json").json()


def stored_row(webhook_id: int) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM leads_webhook WHERE id = %s", [webhook_id])
        return cursor.fetchone()


def test_creation_answers_the_full_secret(created):
    assert created["secret"].startswith("whsec_")
    assert Webhook.objects.get(pk=created["id"]).secret == created["secret"]


def test_no_column_holds_the_plaintext_secret(created):
    key_part = created["secret"].removeprefix("whsec_")
    assert not any(key_part in str(value) for value in stored_row(created["id"]))


def test_list_shows_only_the_last_four_characters(owner, created):
    [row] = owner.client().get(f"{BASE}/webhooks").json()
    assert "secret" not in row
    assert row["secret_last_four"] == "…" + created["secret"][-4:]


def test_details_show_only_the_last_four_characters(owner, created):
    response = owner.client().get(f"{BASE}/webhooks/{created['id']}")
    assert response.status_code == 200
    assert created["secret"] not in response.content.decode()


def test_rotation_answers_a_new_full_secret_and_lists_its_last_four(owner, created):
    rotated = owner.client().post(f"{BASE}/webhooks/{created['id']}/rotate-secret").json()
    [row] = owner.client().get(f"{BASE}/webhooks").json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != created["secret"]
    assert row["secret_last_four"] == rotated["secret_last_four"] == "…" + rotated["secret"][-4:]


def test_rotating_another_advertisers_webhook_is_404_and_changes_nothing(owner, outsider):
    theirs = WebhookFactory(advertiser=outsider.advertiser)
    before = theirs.secret
    response = owner.client().post(f"{BASE}/webhooks/{theirs.pk}/rotate-secret")
    theirs.refresh_from_db()
    assert (response.status_code, response.json()["detail"], theirs.secret) == (404, "Webhook not found", before)


def test_deliveries_after_rotation_are_signed_with_the_new_secret(site, allow_local, advertiser):
    site.route("/hook", status=204)
    endpoint = WebhookFactory(advertiser=advertiser, url=site.url("/hook"))
    old_secret = endpoint.secret
    new_secret = webhooks.rotate_secret(endpoint)
    job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED)
    with mock.patch("leads.tasks.deliver_webhook.delay"):
        [delivery_id] = webhooks.emit_job_event(job, "job.completed")
    webhooks.attempt_delivery(delivery_id)
    [hit] = site.hits_for("/hook")
    assert webhooks.verify(new_secret, hit.headers, hit.body)
    assert not webhooks.verify(old_secret, hit.headers, hit.body)


def test_admin_page_shows_the_last_four_characters_of_the_secret(owner):
    hook = WebhookFactory(advertiser=owner.advertiser)
    body = logged_in(owner.user).get(reverse("admin:leads_webhook_change", args=[hook.pk])).content.decode()
    assert f"…{hook.secret[-4:]}" in body


def test_admin_page_shows_neither_the_secret_nor_its_start(owner):
    hook = WebhookFactory(advertiser=owner.advertiser)
    body = logged_in(owner.user).get(reverse("admin:leads_webhook_change", args=[hook.pk])).content.decode()
    assert hook.secret not in body and hook.secret_prefix not in body


def test_admin_rotation_shows_the_new_secret_once(owner):
    hook = WebhookFactory(advertiser=owner.advertiser)
    old_secret = hook.secret
    client = logged_in(owner.user)
    response = client.post(
        reverse("admin:leads_webhook_changelist"),
        {"action": "rotate_secrets", "_selected_action": [hook.pk]},
        follow=True,
    )
    hook.refresh_from_db()
    assert hook.secret != old_secret and hook.secret in response.content.decode()
