"""The demo site the platform serves itself: its pages, its webhook receiver, and a whole crawl of it."""

from __future__ import annotations

import pytest

from leads import webhooks
from leads.demo_site import CATALOGUE
from leads.engine import runner
from leads.models import ScrapeJob, WebhookDelivery, WebResult

from .factories import WebhookFactory, WebJobFactory

pytestmark = pytest.mark.django_db

SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}


@pytest.fixture
def demo_site(settings):
    settings.DEMO_SITE_ENABLED = True
    return settings


def test_the_demo_site_is_a_404_unless_enabled(client, settings):
    settings.DEMO_SITE_ENABLED = False
    assert client.get("/demo-site/").status_code == 404


def test_a_product_page_has_what_the_demo_selectors_read(client, demo_site):
    body = client.get(f"/demo-site/products/{CATALOGUE[0].slug}/").content.decode()
    assert f'<h1 class="product-title">{CATALOGUE[0].name}</h1>' in body and f"£{CATALOGUE[0].price}" in body


def test_the_contact_page_shows_an_email_and_a_phone(client, demo_site):
    body = client.get("/demo-site/contact/").content.decode()
    assert "mailto:hello@trailhead-outfitters.example" in body and "tel:+442079460100" in body


def test_an_unknown_product_is_a_404(client, demo_site):
    assert client.get("/demo-site/products/no-such-thing/").status_code == 404


def test_the_webhook_receiver_acknowledges_a_post_without_a_csrf_token(demo_site):
    from django.test import Client

    assert Client(enforce_csrf_checks=True).post("/demo-site/webhook/", b"{}", "application/json").status_code == 204


@pytest.mark.slow
def test_a_crawl_of_the_demo_site_finishes_with_every_product(live_server, demo_site, allow_local, advertiser):
    job = WebJobFactory(
        advertiser=advertiser,
        url=f"{live_server.url}/demo-site/",
        selectors=SELECTORS,
        config={"max_pages": 40, "follow_links": True},
    )
    runner.run_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED
    titles = sorted(WebResult.objects.filter(job=job).values_list("data__title", flat=True))
    assert titles == sorted(product.name for product in CATALOGUE)


@pytest.mark.slow
def test_a_webhook_delivery_to_the_demo_site_succeeds(live_server, demo_site, allow_local, advertiser):
    WebhookFactory(advertiser=advertiser, url=f"{live_server.url}/demo-site/webhook/")
    job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED)
    [delivery_id] = webhooks.emit_job_event(job, "job.completed")
    webhooks.attempt_delivery(delivery_id)
    assert WebhookDelivery.objects.get(pk=delivery_id).status == WebhookDelivery.Status.SUCCEEDED
