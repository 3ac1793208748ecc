"""Admin pages of the web scraper: staff see everything, a member sees their advertiser's rows only."""

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from leads.models import Proxy, WebhookDelivery

from .factories import WebhookFactory, WebJobFactory, WebResultFactory

pytestmark = pytest.mark.django_db

PAGES = ["webjob", "webresult", "proxy", "webhook", "webhookdelivery"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rows(owner, outsider):
    mine = WebJobFactory(advertiser=owner.advertiser, url="https://mine.example/")
    theirs = WebJobFactory(advertiser=outsider.advertiser, url="https://theirs.example/")
    WebResultFactory(job=mine, url="https://mine.example/p/1")
    WebResultFactory(job=theirs, url="https://theirs.example/p/1")
    hook = WebhookFactory(advertiser=owner.advertiser, url="https://hooks.mine.example/")
    WebhookDelivery.objects.create(webhook=hook, event="job.completed", payload={"type": "job.completed"})
    WebhookFactory(advertiser=outsider.advertiser, url="https://hooks.theirs.example/")
    Proxy.objects.create(url="http://user:hunter2@proxy.example:3128")
    return mine, theirs


@pytest.mark.parametrize("model", PAGES)
def test_staff_sees_every_changelist(staff, rows, model):
    response = logged_in(staff.user).get(reverse(f"admin:leads_{model}_changelist"))
    assert response.status_code == 200


def test_proxy_passwords_are_masked(staff, rows):
    body = logged_in(staff.user).get(reverse("admin:leads_proxy_changelist")).content.decode()
    assert "hunter2" not in body and "proxy.example" in body


def test_member_sees_only_their_advertisers_rows(owner, rows):
    client = logged_in(owner.user)
    for model, mine, theirs in (
        ("webjob", "mine.example", "theirs.example"),
        ("webresult", "mine.example/p/1", "theirs.example/p/1"),
        ("webhook", "hooks.mine.example", "hooks.theirs.example"),
    ):
        body = client.get(reverse(f"admin:leads_{model}_changelist")).content.decode()
        assert mine in body and theirs not in body, model
    assert client.get(reverse("admin:leads_webhookdelivery_changelist")).status_code == 200
    assert client.get(reverse("admin:leads_proxy_changelist")).status_code == 403
    _, theirs = rows
    assert client.get(reverse("admin:leads_webjob_change", args=[theirs.pk])).status_code in (302, 404)


def test_redeliver_action_resets_the_deliveries_and_sends_them_after_commit(
    staff, rows, django_capture_on_commit_callbacks
):
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status=WebhookDelivery.Status.FAILED, attempts=5)
    with (
        mock.patch("leads.tasks.deliver_webhook.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = logged_in(staff.user).post(
            reverse("admin:leads_webhookdelivery_changelist"),
            {"action": "redeliver", "_selected_action": [delivery.pk]},
        )
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.PENDING, 0)
    delay.assert_called_once_with(delivery.pk)
