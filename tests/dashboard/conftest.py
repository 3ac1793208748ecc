"""Dashboard fixtures: one of everything a panel counts, for an advertiser."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from leads.models import ScrapeJob
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, PaymentFactory, TaskFactory
from ..intel.factories import VisitSessionFactory
from ..leads.factories import JobFactory, LeadFactory
from ..web.factories import WebJobFactory, WebResultFactory


def activity(advertiser, *, paid: str = "55.00", reach: int = 1000) -> dict:
    """A campaign with a budget, a paid task (reviewed today), a pending task, a lead, a web page, a completed
    and a failed job, and a visit resolved to a company."""
    now = timezone.now()
    campaign = CampaignFactory(advertiser=advertiser, budget=Decimal("200.00"), networks=["instagram"])
    paid_task = TaskFactory(
        campaign=campaign, status=Task.Status.PAID, reviewed_at=now, reach=reach, engagement=50, networks=["instagram"]
    )
    PaymentFactory(task=paid_task, total=Decimal(paid), charged=Decimal(paid))
    TaskFactory(campaign=campaign, status=Task.Status.PENDING)
    LeadFactory(advertiser=advertiser, platform="tiktok")
    web_job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED)
    WebResultFactory(job=web_job, scraped_at=now - timedelta(hours=1))
    JobFactory(advertiser=advertiser, status=ScrapeJob.Status.FAILED)
    session = VisitSessionFactory(site__advertiser=advertiser)
    return {"campaign": campaign, "session": session}


@pytest.fixture
def mine(owner):
    return activity(owner.advertiser, paid="55.00", reach=1000)


@pytest.fixture
def theirs(outsider):
    return activity(outsider.advertiser, paid="70.00", reach=3000)
