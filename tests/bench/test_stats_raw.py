"""bench/stats.py's raw column: every endpoint it times, inside `figures.raw_rows_only()`, reads no statistics
table (no rollup, watermark or trigger-kept count) and answers what the rollups answer."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.stats import endpoints
from campaigns.stats import figures
from campaigns.stats.counts import fold_state_counts
from campaigns.stats.rollups import roll_up_everything, roll_up_recent_joins, watermark
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, PaymentFactory, TaskFactory
from ..factories import AdvertiserFactory, PublisherFactory, SocialAccountFactory

STATISTICS_TABLES = "campaign_stats_"  # every rollup table, their watermarks and the state counts


def _days_ago(days: int, hour: int = 12):
    return (timezone.now() - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def statistics_data(db):
    """Ten closed days of joins, approved posts and payments, rolled up, then joins and posts of today after the
    roll (the live part); returns the ids the bench's requests name."""
    advertiser = AdvertiserFactory(name="Bench statistics")
    campaigns = [
        CampaignFactory(advertiser=advertiser, networks=["instagram", "facebook"]),
        CampaignFactory(advertiser=advertiser, networks=["tiktok"], status="pending"),
        CampaignFactory(advertiser=AdvertiserFactory(), networks=["instagram"]),
    ]
    for i in range(10):
        campaign = campaigns[i % 3]
        publisher = PublisherFactory(
            sex=("male", "female", "other")[i % 3], birth_date=timezone.localdate() - timedelta(days=365 * (19 + i))
        )
        SocialAccountFactory(publisher=publisher, network=campaign.networks[0])
        TaskFactory(
            campaign=campaign,
            publisher=publisher,
            status=("accepted", "rejected", "pending", "under_review")[i % 4],
            reach=100 * (i + 1),
            engagement=5 * i,
            joined_at=_days_ago(i + 2),
            reviewed_at=_days_ago(i + 1),
            networks=campaign.networks,
        )
        PaymentFactory(
            task__campaign=campaign,
            task__publisher=PublisherFactory(),
            task__reach=1000 + i,
            task__engagement=40 + i,
            task__joined_at=_days_ago(i + 3),
            task__reviewed_at=_days_ago(i + 1, 9),
            task__networks=campaign.networks,
            total=Decimal("10.25") * (i + 1),
            charged=Decimal("11.10") * (i + 1),
            created_at=_days_ago(i + 1, 15),
        )
    roll_up_everything()
    roll_up_recent_joins()
    fold_state_counts()
    # Today, after the rolls: a new influencer's join and an approved post, read from the live rows.
    TaskFactory(campaign=campaigns[0], publisher=PublisherFactory(), status=Task.Status.PENDING)
    TaskFactory(
        campaign=campaigns[0],
        publisher=PublisherFactory(sex="male"),
        status=Task.Status.ACCEPTED,
        reach=77,
        engagement=7,
        reviewed_at=timezone.now(),
    )
    assert watermark("task_day") == timezone.localdate() - timedelta(days=1)
    return advertiser.pk, campaigns[0].pk


def _statistics_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if STATISTICS_TABLES in query["sql"]]


@pytest.mark.parametrize("path", [path for path, _ in endpoints()])
def test_the_raw_side_reads_no_statistics_table_and_answers_as_the_rollups(path, staff, statistics_data):
    body = dict(endpoints(*statistics_data))[path]
    client = staff.client()
    with CaptureQueriesContext(connection) as rolled_queries:
        rolled = client.post(path, body, format="json")
    with figures.raw_rows_only(), CaptureQueriesContext(connection) as raw_queries:
        raw = client.post(path, body, format="json")
    assert rolled.status_code == raw.status_code == 200, (rolled.content, raw.content)
    assert _statistics_queries(raw_queries) == []
    assert raw.json() == rolled.json()
    if path in ("/api/general/stats/estimated-publishers/", "/api/general/stats/potential-publishers/"):
        # The joined-influencer figures do read the rollups outside the switch: the check above means something.
        assert _statistics_queries(rolled_queries)


def test_the_switch_ends_with_its_block(statistics_data):
    with figures.raw_rows_only():
        pass
    with CaptureQueriesContext(connection) as queries:
        figures.potential_publishers()
    assert _statistics_queries(queries)
