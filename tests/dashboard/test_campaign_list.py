"""The campaign list in admin: budget, spend and progress columns, a fixed number of queries, and the
advertiser column only for those who can see more than one advertiser."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ..campaigns.factories import CampaignFactory, PaymentFactory
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:campaigns_campaign_changelist")


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_spent_is_the_campaigns_payments(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser, budget=Decimal("100.00"))
    PaymentFactory(task__campaign=campaign, total=Decimal("25.50"))
    row = admin_client(owner.user).get(CHANGELIST).context["cl"].result_list[0]
    assert row.spent == Decimal("25.50")


def test_progress_column_shows_the_share_of_the_budget(owner):
    campaign = CampaignFactory(advertiser=owner.advertiser, budget=Decimal("100.00"))
    PaymentFactory(task__campaign=campaign, total=Decimal("25.50"))
    assert '<progress max="100" value="25"' in admin_client(owner.user).get(CHANGELIST).content.decode()


def test_list_query_count_does_not_grow_with_the_rows(owner):
    client = admin_client(owner.user)
    CampaignFactory(advertiser=owner.advertiser)
    client.get(CHANGELIST)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST)
    for _ in range(5):
        PaymentFactory(task__campaign=CampaignFactory(advertiser=owner.advertiser, budget=Decimal("90.00")))
    with CaptureQueriesContext(connection) as many:
        client.get(CHANGELIST)
    assert len(many.captured_queries) == len(few.captured_queries)


def columns(user) -> list[str]:
    return list(admin_client(user).get(CHANGELIST).context["cl"].list_display)


def test_member_of_one_advertiser_has_no_advertiser_column(owner):
    assert "advertiser_name" not in columns(owner.user)


def test_member_of_two_advertisers_has_the_advertiser_column(owner, outsider):
    MembershipFactory(user=owner.user, advertiser=outsider.advertiser)
    assert "advertiser_name" in columns(owner.user)


def test_staff_have_the_advertiser_column_and_filter(staff):
    changelist = admin_client(staff.user).get(CHANGELIST).context["cl"]
    assert "advertiser_name" in changelist.list_display and "advertiser" in changelist.list_filter
