"""Periodic tasks of the web scraper: proxy re-checks and lost webhook retries."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from leads import proxies
from leads.models import Proxy, WebhookDelivery
from leads.tasks import recheck_proxies, resend_overdue_webhooks

from .factories import WebhookFactory

pytestmark = pytest.mark.django_db

CHECK_URL = "http://127.0.0.1:9/check"


def test_recheck_reinstates_a_proxy_that_answers_and_bans_one_that_does_not(site, allow_local, settings):
    settings.SCRAPER_PROXY_CHECK_URL = CHECK_URL
    settings.SCRAPER_PROXY_BAN_AFTER = 1
    site.route(CHECK_URL, "ok")  # the absolute URL is what a proxy receives
    working = Proxy.objects.create(url=site.url(""), status=Proxy.Status.BANNED, consecutive_failures=7)
    dead = Proxy.objects.create(url="http://127.0.0.1:9")
    recheck_proxies.run()
    working.refresh_from_db()
    dead.refresh_from_db()
    assert (working.status, working.consecutive_failures, working.success_count) == ("active", 0, 1)
    assert (dead.status, dead.failure_count) == ("banned", 1)
    assert working.last_checked_at and dead.last_checked_at


def test_a_proxy_on_a_private_network_is_refused_unless_allowed(site, settings):
    settings.SCRAPER_PROXY_CHECK_URL = "http://93.184.216.34/"
    proxy = Proxy.objects.create(url=site.url(""))
    assert proxies.check_proxy(proxy) is False
    assert site.hits == []


def test_overdue_deliveries_are_sent_again(advertiser):
    webhook = WebhookFactory(advertiser=advertiser)
    old = timezone.now() - timedelta(hours=1)
    lost = WebhookDelivery.objects.create(webhook=webhook, event="job.completed", next_attempt_at=old)
    WebhookDelivery.objects.create(
        webhook=webhook, event="job.completed", next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    WebhookDelivery.objects.create(webhook=webhook, event="job.completed", status="succeeded", next_attempt_at=old)
    with mock.patch("leads.tasks.deliver_webhook.delay") as delay:
        resend_overdue_webhooks.run()
    delay.assert_called_once_with(lost.pk)
