"""Demo data: every campaign and task status for both advertisers, payments and invoices; idempotent."""
import pytest
from django.db import transaction

from accounts import demo as account_demo
from campaigns import demo
from campaigns.models import Campaign, Category, City, Country, Invoice
from tasks.models import Payment, Task

pytestmark = pytest.mark.django_db


def seed_twice() -> dict:
    credentials: dict = {}
    for _ in range(2):
        credentials = {}
        with transaction.atomic():
            account_demo.seed(credentials)
        with transaction.atomic():
            demo.seed(credentials)
    return credentials


def test_seed_covers_every_status_and_is_idempotent():
    credentials = seed_twice()
    assert len(credentials["campaigns"]) == 2
    assert Category.objects.count() == len(demo.CATEGORIES)
    assert Country.objects.count() == len(demo.LOCATIONS) and City.objects.exists()
    for advertiser in credentials["campaigns"]:
        statuses = set(Campaign.objects.filter(advertiser_id=advertiser["advertiser_id"]).values_list("status", flat=True))
        assert statuses == set(Campaign.Status.values)
        tasks = Task.objects.filter(campaign__advertiser_id=advertiser["advertiser_id"])
        assert set(tasks.values_list("status", flat=True)) == set(Task.Status.values)
        assert Payment.objects.filter(advertiser_id=advertiser["advertiser_id"]).count() == 1
        assert Invoice.objects.filter(advertiser_id=advertiser["advertiser_id"]).count() == 4
    assert Task.objects.count() == 2 * len(demo.TASKS)
