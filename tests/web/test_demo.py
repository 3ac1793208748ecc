"""The web scraper's demo data loads twice without duplicating anything."""

import pytest
from django.utils import timezone

from accounts import demo as accounts_demo
from leads.models import Proxy, ScrapeJob, Webhook, WebhookDelivery, WebResult
from leads.web import demo as demo_web
from leads.webhooks import generate_secret

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent():
    for _ in range(2):
        credentials: dict = {}
        accounts_demo.seed(credentials)
        demo_web.seed(credentials)
    assert ScrapeJob.objects.filter(kind="web").count() == len(demo_web.JOBS)
    assert WebResult.objects.count() == sum(spec[5] for spec in demo_web.JOBS)  # as many products as listed
    assert not Proxy.objects.exists() and WebhookDelivery.objects.count() == 2
    assert len(credentials["web_scraper"]["jobs"]) == len(demo_web.JOBS)


def test_a_seed_at_another_address_moves_the_demo_webhook_instead_of_adding_one(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    accounts_demo.seed({})
    demo_web.seed({})
    settings.SITE_URL = "http://127.0.0.1:18901"
    demo_web.seed({})
    assert list(Webhook.objects.values_list("url", flat=True)) == ["http://127.0.0.1:18901/demo-site/webhook/"]


def test_a_seed_deletes_the_copies_of_the_demo_webhook_earlier_seeds_left(settings):
    accounts_demo.seed({})
    demo_web.seed({})
    original = Webhook.objects.get()
    Webhook.objects.create(
        advertiser=original.advertiser, url="http://127.0.0.1:8000/demo-site/webhook/", secret=generate_secret()
    )
    demo_web.seed({})
    assert list(Webhook.objects.values_list("pk", flat=True)) == [original.pk]


RUN_FIELDS = ("status", "attempts", "worker_id", "heartbeat_at", "assigned_at", "error", "progress", "items_scraped")


def test_a_seed_puts_back_every_run_field_of_a_demo_job_a_worker_ran():
    accounts_demo.seed({})
    demo_web.seed({})
    job = ScrapeJob.objects.filter(name="Demo: team page (browser)")
    seeded = job.values(*RUN_FIELDS).get()
    job.update(
        status=ScrapeJob.Status.FAILED,
        attempts=6,
        worker_id="vm:4242",
        heartbeat_at=timezone.now(),
        assigned_at=timezone.now(),
        error="Gave up after 3 attempts",
        progress=40.0,
        items_scraped=2,
    )
    demo_web.seed({})
    assert job.values(*RUN_FIELDS).get() == seeded
