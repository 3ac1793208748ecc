"""The web scraper's demo data loads twice without duplicating anything."""

import pytest

from accounts import demo as accounts_demo
from leads.models import Proxy, ScrapeJob, WebhookDelivery, WebResult
from leads.web import demo as demo_web

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
