"""On the demo data, every scraping journey finishes offline: a lead job, a group-post task and a web crawl.

The demo advertisers' own API tokens create each through its surface, and the Celery tasks
run eagerly as a worker would run them: the lead job and the task on the demo's sandbox
credential, the crawl on the platform's demo site (served here by the live server).
"""

from __future__ import annotations

from importlib import import_module

import pytest
from rest_framework.test import APIClient

from leadplatform.celery import app as celery_app
from leads.demo_site import CATALOGUE
from leads.models import ContentItem, Lead, ScrapeJob, Target, WebResult

from .test_demo_offline import SCRAPING_DEMO_MODULES

# The demo data served by a live server (its demo site is what the web crawl fetches).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@pytest.fixture
def demo_tokens(settings, live_server) -> dict[str, str]:
    """The demo advertisers' API tokens, with the demo site served on the live server's address."""
    settings.SITE_URL = live_server.url
    settings.DEMO_SITE_ENABLED = True
    credentials: dict = {}
    for module in SCRAPING_DEMO_MODULES:
        import_module(module).seed(credentials)
    return {advertiser["name"]: advertiser["token"] for advertiser in credentials["advertisers"]}


def client_for(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture(params=["Acme Outdoor", "Globex Beauty"])
def demo_advertiser(request) -> str:
    return request.param


@pytest.fixture
def demo_client(demo_advertiser, demo_tokens, eager_celery) -> APIClient:
    return client_for(demo_tokens[demo_advertiser])


def test_a_new_lead_job_finishes_with_leads(demo_client, demo_advertiser, django_capture_on_commit_callbacks):
    target = Target.objects.get(identifier="nike", advertiser__name=demo_advertiser)
    created = demo_client.post(
        "/api/v1/jobs", {"job_type": "followers", "target_ids": [target.pk], "max_leads": 50}, format="json"
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["data"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        demo_client.post(f"/api/v1/jobs/{job_id}/run")
    assert demo_client.get(f"/api/v1/jobs/{job_id}").json()["data"]["status"] == "finished"
    assert Lead.objects.filter(job_id=job_id).count() == 50


def test_a_new_group_post_task_completes_with_posts(demo_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        created = demo_client.post("/api/social/tasks", {"group_id": "987654321", "max_posts": 30}, format="json")
    assert created.status_code == 201, created.content
    task_id = created.json()["data"]["id"]
    assert demo_client.get(f"/api/social/tasks/{task_id}").json()["data"]["status"] == "completed"
    assert ContentItem.objects.filter(job_id=task_id).count() == 30


def test_a_new_crawl_of_the_demo_site_completes_with_every_product(
    demo_client, live_server, django_capture_on_commit_callbacks
):
    body = {
        "url": f"{live_server.url}/demo-site/",
        "selectors": SELECTORS,
        "config": {"max_pages": 40, "follow_links": True},
    }
    with django_capture_on_commit_callbacks(execute=True):
        created = demo_client.post("/api/web/v1/jobs", body, format="json")
    assert created.status_code == 201, created.content
    job = ScrapeJob.objects.get(public_id=created.json()["id"])
    assert job.status == ScrapeJob.Status.COMPLETED, job.error
    assert WebResult.objects.filter(job=job).count() == len(CATALOGUE)
