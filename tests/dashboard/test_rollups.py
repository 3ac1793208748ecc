"""After the rollups have run, the dashboard adds the rolled days and the live rows, each once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.stats.rollups import roll_up_everything
from leadplatform import dashboard
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, PaymentFactory, TaskFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def paid_task(campaign, when, total: str, reach: int) -> None:
    task = TaskFactory(campaign=campaign, status=Task.Status.PAID, reviewed_at=when, reach=reach, networks=["tiktok"])
    PaymentFactory(task=task, total=Decimal(total), created_at=when)


@pytest.fixture
def rolled_and_live(owner):
    """A payment and a post yesterday (rolled up), another today (live)."""
    campaign = CampaignFactory(advertiser=owner.advertiser, budget=Decimal("100.00"))
    now = timezone.now()
    paid_task(campaign, now - timedelta(days=1), "10.00", 100)
    roll_up_everything()
    paid_task(campaign, now, "5.00", 20)
    return {panel.key: panel for panel in dashboard.for_user(owner.user)[1]}


def test_spend_adds_the_rolled_totals_and_todays_payments(rolled_and_live):
    assert rolled_and_live["spend"].table[0]["spent"] == Decimal("15.00")


def test_reach_per_day_has_the_rolled_day_and_today(rolled_and_live):
    assert rolled_and_live["reach"].datasets[0]["data"][-2:] == [100, 20]


def test_reach_by_network_adds_the_rolled_totals_and_todays_posts(rolled_and_live):
    assert rolled_and_live["networks"].datasets[0]["data"] == [120]
