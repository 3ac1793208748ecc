"""Backend endpoint fixtures: a small world of two advertisers, campaigns, an influencer and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.models import Campaign, Invoice
from tasks.models import Task

from ..campaigns.factories import (
    CampaignFactory,
    CategoryFactory,
    CityFactory,
    ExchangeRateFactory,
    InvoiceFactory,
    PaymentFactory,
    SubmissionFactory,
    TaskFactory,
)
from ..factories import PublisherFactory, SocialAccountFactory, UserFactory, token_for


@dataclass
class World:
    campaign: Campaign  # the advertiser's active campaign
    draft: Campaign
    foreign_campaign: Campaign  # the other advertiser's
    publisher: object
    pending_task: Task
    review_task: Task
    accepted_task: Task
    paid_task: Task
    foreign_task: Task
    invoice: Invoice
    foreign_invoice: Invoice


@pytest.fixture
def world(advertiser, other_advertiser) -> World:
    city = CityFactory(name="New York", country__name="United States", country__code="US")
    category = CategoryFactory(name="Fashion", slug="fashion")
    ExchangeRateFactory(base="EUR", quote="USD", rate=Decimal("1.08"))
    ExchangeRateFactory(base="USD", quote="JPY", rate=Decimal("151.237"))
    publisher = PublisherFactory(
        country=city.country, city=city, birth_date=timezone.localdate() - timedelta(days=365 * 27)
    )
    publisher.preferred_categories.add(category)
    SocialAccountFactory(publisher=publisher, network="instagram")
    campaign = CampaignFactory(advertiser=advertiser, category=category)
    draft = CampaignFactory(advertiser=advertiser, status=Campaign.Status.DRAFT, name="Draft one")
    foreign_campaign = CampaignFactory(advertiser=other_advertiser, name="Foreign")
    others = [PublisherFactory() for _ in range(4)]
    pending = TaskFactory(campaign=campaign, publisher=publisher)
    review = SubmissionFactory(task__campaign=campaign, task__publisher=others[0]).task
    accepted = TaskFactory(
        campaign=campaign,
        publisher=others[1],
        status=Task.Status.ACCEPTED,
        reach=2000,
        engagement=150,
        reviewed_at=timezone.now(),
    )
    paid = PaymentFactory(
        task__campaign=campaign,
        task__publisher=others[2],
        task__reach=4000,
        task__engagement=300,
        task__reviewed_at=timezone.now(),
    ).task
    foreign = SubmissionFactory(task__campaign=foreign_campaign, task__publisher=others[3]).task
    return World(
        campaign=campaign,
        draft=draft,
        foreign_campaign=foreign_campaign,
        publisher=publisher,
        pending_task=pending,
        review_task=review,
        accepted_task=accepted,
        paid_task=paid,
        foreign_task=foreign,
        invoice=InvoiceFactory(advertiser=advertiser),
        foreign_invoice=InvoiceFactory(advertiser=other_advertiser),
    )


@pytest.fixture
def plain_user(db):
    """A user who is neither staff, advertiser member nor influencer."""
    user = UserFactory()
    return user, token_for(user)
