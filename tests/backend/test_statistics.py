"""Statistics: every endpoint's figure equals the same figure aggregated straight from the raw rows,
whether the days come from the rollups (kept by beat) or from the live rows of the current day."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Publisher
from campaigns.models import Campaign, Invoice
from campaigns.stats import figures
from campaigns.stats.models import (
    CampaignNetworkTotal,
    CampaignSpendTotal,
    PublisherActivity,
    RollupRun,
    SpendDay,
    TaskDay,
)
from campaigns.stats.rollups import ROLLUPS, roll_up, roll_up_everything, watermark
from tasks.models import Payment, Task

from ..campaigns.factories import CampaignFactory, InvoiceFactory, PaymentFactory, TaskFactory
from ..factories import PublisherFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = pytest.mark.sqlite

POSTED = ("accepted", "paid")
ROLLUP_TABLES = (TaskDay, CampaignNetworkTotal, SpendDay, CampaignSpendTotal, PublisherActivity, RollupRun)


def _days_ago(days: int, hour: int = 12):
    return (timezone.now() - timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def history(world, advertiser, other_advertiser):
    """Forty days of approved posts, payments, joins and invoices for both advertisers, plus today's."""
    eur = CampaignFactory(advertiser=other_advertiser, currency="EUR", networks=["tiktok", "instagram"])
    campaigns = [world.campaign, world.foreign_campaign, eur]
    for i in range(12):
        campaign = campaigns[i % 3]
        day = 1 + i * 3  # 1 … 34 days ago
        publisher = PublisherFactory(
            sex="male" if i % 2 else "female", birth_date=timezone.localdate() - timedelta(days=365 * (19 + i * 3))
        )
        accepted = TaskFactory(
            campaign=campaign,
            publisher=publisher,
            status="accepted",
            reach=100 * (i + 1),
            engagement=7 * i,
            joined_at=_days_ago(day + 1),
            reviewed_at=_days_ago(day),
            networks=campaign.networks,
        )
        paid = PaymentFactory(
            task__campaign=campaign,
            task__publisher=PublisherFactory(),
            task__reach=1000 + i,
            task__engagement=40 + i,
            task__joined_at=_days_ago(day + 2),
            task__reviewed_at=_days_ago(day, 9),
            task__networks=campaign.networks,
            currency=campaign.currency,
            total=Decimal("10.25") * (i + 1),
            charged=Decimal("11.10") * (i + 1),
            charged_currency="USD",
            created_at=_days_ago(day, 15),
        )
        TaskFactory(
            campaign=campaign,
            publisher=PublisherFactory(),
            status="rejected",
            reach=999,
            joined_at=_days_ago(day + 1),
            reviewed_at=_days_ago(day),
        )
        InvoiceFactory(
            advertiser=campaign.advertiser,
            amount=Decimal("100.50"),
            date=_days_ago(day).date(),
            status="paid" if i % 2 else "pending",
        )
        assert accepted.pk and paid.pk
    return campaigns


def raw_post_activity(date_from=None, date_to=None, **scope) -> dict:
    tasks = Task.objects.filter(status__in=POSTED, **scope)
    if date_from:
        tasks = tasks.filter(reviewed_at__date__gte=date_from)
    if date_to:
        tasks = tasks.filter(reviewed_at__date__lte=date_to)
    row = tasks.aggregate(posts=Count("id"), reach=Sum("reach"), engagement=Sum("engagement"))
    return {"total_posts": row["posts"], "total_reach": row["reach"] or 0, "total_engagement": row["engagement"] or 0}


def raw_payments(date_from=None, date_to=None, **scope):
    payments = Payment.objects.filter(**scope)
    if date_from:
        payments = payments.filter(created_at__date__gte=date_from)
    if date_to:
        payments = payments.filter(created_at__date__lte=date_to)
    return payments


def running_campaigns(advertiser, date_from, date_to) -> int:
    """Published campaigns whose run [start or creation, end] overlaps the range, counted one by one."""
    count = 0
    for campaign in Campaign.objects.filter(advertiser=advertiser).exclude(status="draft"):
        start = (campaign.date_start or campaign.created_at).date()
        if start <= date_to and (campaign.date_end is None or campaign.date_end.date() >= date_from):
            count += 1
    return count


def raw_figures(world, date_from, date_to) -> dict:
    """Each statistics endpoint's answer, computed straight from the raw rows."""
    advertiser = world.campaign.advertiser
    adv_payments = raw_payments(date_from, date_to, advertiser=advertiser)
    spent = adv_payments.aggregate(s=Sum("charged"))["s"] or Decimal(0)
    reach = adv_payments.aggregate(r=Sum("task__reach"))["r"] or 0
    campaign_payments = raw_payments(task__campaign=world.campaign)
    campaign_spent = campaign_payments.aggregate(s=Sum("total"))["s"] or Decimal(0)
    campaign_reach = campaign_payments.aggregate(r=Sum("task__reach"))["r"] or 0
    per_network = {}
    for network in world.campaign.networks:
        # Membership in the JSON list checked here, not by a lookup: SQLite has no JSON containment.
        posted = Task.objects.filter(campaign=world.campaign, status__in=POSTED)
        tasks = Task.objects.filter(pk__in=[task.pk for task in posted if network in task.networks])
        row = tasks.aggregate(posts=Count("id"), reach=Sum("reach"), engagement=Sum("engagement"))
        per_network[network] = {"posts": row["posts"], "reach": row["reach"] or 0, "engagement": row["engagement"] or 0}
    payouts = Decimal(0)
    for payment in raw_payments(date_from, date_to):
        payouts += payment.total * (Decimal("1.08") if payment.currency == "EUR" else 1)
    revenue = Invoice.objects.filter(status="paid", date__gte=date_from, date__lte=date_to).aggregate(s=Sum("amount"))[
        "s"
    ] or Decimal(0)
    since = timezone.localdate() - timedelta(days=29)
    joined = Task.objects.filter(publisher__isnull=False)
    registered = Publisher.objects.count()
    ever = joined.values("publisher").distinct().count()
    q = Decimal("0.01")
    return {
        "/api/advertiser/stats/financial/": {
            "total_spent": float(spent.quantize(q)),
            "total_campaigns": running_campaigns(advertiser, date_from, date_to),
            "average_cpm": float((spent * 1000 / reach).quantize(q)) if reach else 0.0,
            "currency": "USD",
        },
        "/api/campaign/stats/costs/": {
            "total_spent": float(campaign_spent.quantize(q)),
            "average_cpm": float((campaign_spent * 1000 / campaign_reach).quantize(q)) if campaign_reach else 0.0,
            "currency": "USD",
        },
        "/api/campaign/stats/networks/": per_network,
        "/api/publishers/stats/activity/": raw_post_activity(date_from, date_to),
        "/api/general/stats/financial/": {
            "total_revenue": float(revenue.quantize(q)),
            "total_payouts": float(payouts.quantize(q)),
            "currency": "USD",
        },
        "/api/general/stats/potential-publishers/": {
            "potential_publishers": registered - ever,
            "conversion_rate": round(ever / registered, 4),
        },
        "active_publishers": joined.filter(joined_at__date__gte=since).values("publisher").distinct().count(),
    }


def _answers(staff, world, date_from, date_to) -> dict:
    client = staff.client()
    dates = {"date_from": str(date_from), "date_to": str(date_to)}
    answers = {
        "/api/advertiser/stats/financial/": client.post(
            "/api/advertiser/stats/financial/", {"advertiser_id": world.campaign.advertiser_id, **dates}
        ).json(),
        "/api/campaign/stats/costs/": client.post(
            "/api/campaign/stats/costs/", {"campaign_id": world.campaign.pk}
        ).json(),
        "/api/campaign/stats/networks/": client.post(
            "/api/campaign/stats/networks/", {"campaign_id": world.campaign.pk}
        ).json(),
        "/api/publishers/stats/activity/": client.post("/api/publishers/stats/activity/", dates).json(),
        "/api/general/stats/financial/": client.post("/api/general/stats/financial/", dates).json(),
        "/api/general/stats/potential-publishers/": client.post("/api/general/stats/potential-publishers/").json(),
    }
    answers["active_publishers"] = client.post("/api/general/stats/estimated-publishers/").json()["active_publishers"]
    return answers


RANGES = [(40, 0), (20, 5), (3, 0), (60, 30), (10, 10)]


@pytest.mark.parametrize(("start", "end"), RANGES)
def test_statistics_equal_raw_aggregates_before_and_after_the_rollups(start, end, staff, world, history):
    date_from = timezone.localdate() - timedelta(days=start)
    date_to = timezone.localdate() - timedelta(days=end)
    expected = raw_figures(world, date_from, date_to)
    assert watermark("task_day") is None
    assert _answers(staff, world, date_from, date_to) == expected  # everything live
    rolled = roll_up_everything()
    assert all(rolled.values()) and watermark("campaign_spend_totals") == timezone.localdate() - timedelta(days=1)
    assert _answers(staff, world, date_from, date_to) == expected  # rollups + today's live rows
    # Today's new rows count at once, through the live part.
    TaskFactory(
        campaign=world.campaign,
        publisher=PublisherFactory(),
        status="accepted",
        reach=77,
        engagement=7,
        reviewed_at=timezone.now(),
        networks=["instagram"],
    )
    assert _answers(staff, world, date_from, date_to) == raw_figures(world, date_from, date_to)


def test_statistics_read_the_rollups_for_closed_days(staff, world, history):
    """A raw row changed behind the services' back on a rolled day does not move the figure: it is not re-read."""
    roll_up_everything()
    before = _answers(staff, world, timezone.localdate() - timedelta(days=40), timezone.localdate())
    Task.objects.filter(campaign=world.campaign, reviewed_at__lt=timezone.now() - timedelta(days=1)).update(reach=0)
    after = _answers(staff, world, timezone.localdate() - timedelta(days=40), timezone.localdate())
    assert after["/api/campaign/stats/networks/"] == before["/api/campaign/stats/networks/"]


def test_rollup_and_raw_figures_agree_for_every_statistic(world, history):
    roll_up_everything()
    advertiser = world.campaign.advertiser
    for kwargs in (
        {},
        {"date_from": timezone.localdate() - timedelta(days=9)},
        {"date_to": timezone.localdate() - timedelta(days=9)},
    ):
        assert figures.post_activity(**kwargs) == figures.post_activity(**kwargs, use_rollups=False)
        assert figures.advertiser_financial(advertiser, **kwargs) == figures.advertiser_financial(
            advertiser, **kwargs, use_rollups=False
        )
        assert figures.general_financial(**kwargs) == figures.general_financial(**kwargs, use_rollups=False)
    for campaign in history:
        assert figures.network_activity(campaign) == figures.network_activity(campaign, use_rollups=False)
        assert figures.campaign_costs(campaign) == figures.campaign_costs(campaign, use_rollups=False)
    assert figures.estimated_publishers() == figures.estimated_publishers(use_rollups=False)
    assert figures.potential_publishers() == figures.potential_publishers(use_rollups=False)


def test_general_financial_sums_todays_payments_without_reading_their_tasks(world, history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    roll_up_everything()
    with CaptureQueriesContext(connection) as queries:
        figures.general_financial()
    assert not [query for query in queries if "tasks_task" in query["sql"]]


def test_a_repeated_beat_run_is_a_no_op(world, history):
    first = roll_up_everything()
    counts = [m.objects.count() for m in ROLLUP_TABLES]
    assert sum(first.values()) > 0
    assert roll_up_everything() == {name: 0 for name in ROLLUPS}
    assert [m.objects.count() for m in ROLLUP_TABLES] == counts
    # A day claimed by another run is skipped, never rolled twice.
    RollupRun.objects.filter(name="spend_day").delete()
    SpendDay.objects.all().delete()
    RollupRun.objects.create(name="spend_day", day=timezone.localdate() - timedelta(days=1))
    assert roll_up("spend_day") == 0


def test_every_periodic_task_of_the_statistics_registered_for_beat(db, settings):
    from django_celery_beat.models import PeriodicTask

    from campaigns.stats import tasks as rollup_tasks
    from leadplatform.beat import register_periodic_tasks

    register_periodic_tasks()
    names = {
        f"campaigns.roll_up_{n}"
        for n in ("task_days", "campaign_network_totals", "spend_days", "campaign_spend_totals", "publisher_activity")
    }
    names |= {"campaigns.fold_state_counts", "campaigns.roll_up_recent_joins"}
    rows = PeriodicTask.objects.filter(task__in=names)
    assert {row.task for row in rows} == names
    assert all(row.expire_seconds and row.interval for row in rows)
    assert rollup_tasks.roll_up_spend_days() == 0  # nothing to roll: no payments


def test_campaign_state_counts(staff, owner, world, advertiser):
    CampaignFactory(advertiser=advertiser, status=Campaign.Status.PENDING, networks=["tiktok"])
    own = Campaign.objects.filter(advertiser=advertiser)
    answer = owner.client().post("/api/campaigns/stats/status/").json()
    assert answer == {s: own.filter(status=s).count() for s in Campaign.Status.values}
    networks = owner.client().post("/api/campaigns/stats/networks/").json()
    assert networks["instagram"] == sum("instagram" in campaign.networks for campaign in own) == 2
    assert networks["tiktok"] == 1
    general = owner.client().post("/api/campaigns/stats/general/", {"date_from": "2020-01-01"}, format="json").json()
    assert general == {"total_campaigns": 3, "active_campaigns": 1, "completed_campaigns": 0, "pending_campaigns": 1}
    everyone = staff.client().post("/api/campaigns/stats/status/").json()
    assert sum(everyone.values()) == Campaign.objects.count()


def test_user_and_pending_statistics_equal_raw_counts(staff, world, history):
    client = staff.client()
    sexes = dict(Publisher.objects.exclude(sex="").values_list("sex").annotate(n=Count("id")))
    total = sum(sexes.values())
    assert client.post("/api/users/stats/sex/").json() == {
        s: round(sexes.get(s, 0) * 100 / total, 1) for s in ("male", "female", "other")
    }
    ages = client.post("/api/users/stats/age/").json()
    assert set(ages) == {"18-24", "25-34", "35-44", "45+"} and abs(sum(ages.values()) - 100) < 0.5
    assert client.post("/api/users/stats/preferences/").json() == {"fashion": 100.0, "other": 0.0}
    assert client.post("/api/general/stats/pending/").json() == {
        "pending_campaigns": Campaign.objects.filter(status="pending").count(),
        "pending_tasks": Task.objects.filter(status="pending").count(),
        "pending_approvals": Task.objects.filter(status="under_review").count(),
    }
    assert client.post("/api/publishers/stats/status/").json() == {
        "active": Publisher.objects.filter(status="active").count(),
        "inactive": 0,
        "suspended": 0,
    }


def test_estimated_publishers_match_targeting_and_approved_networks(staff, world):
    # The world's influencer has an approved instagram account and the active campaign is on instagram.
    banned = PublisherFactory(banned=True)
    banned.social_accounts.create(network="instagram", network_id="b", approval="approved")
    answer = staff.client().post("/api/general/stats/estimated-publishers/").json()
    assert answer["estimated_publishers"] == 1
    assert (
        answer["active_publishers"]
        == Task.objects.filter(publisher__isnull=False).values("publisher").distinct().count()
    )
    assert Publisher.objects.filter(~Q(pk=world.publisher.pk), social_accounts__isnull=False).count() == 1


def test_estimated_publishers_respect_country_targeting(staff, world):
    from ..campaigns.factories import CountryFactory

    elsewhere = CountryFactory(name="Elsewhere", code="ZZ")
    Campaign.objects.filter(pk=world.foreign_campaign.pk).update(status=Campaign.Status.PAUSED)
    world.campaign.target_countries.add(elsewhere)
    answer = staff.client().post("/api/general/stats/estimated-publishers/").json()
    assert answer["estimated_publishers"] == 0  # the only matching influencer lives outside the target
    world.campaign.target_countries.add(world.publisher.country)
    assert staff.client().post("/api/general/stats/estimated-publishers/").json()["estimated_publishers"] == 1


def test_estimated_publishers_union_the_networks_of_untargeted_campaigns(staff, world):
    from ..factories import SocialAccountFactory

    SocialAccountFactory(publisher=PublisherFactory(), network="tiktok")
    before = staff.client().post("/api/general/stats/estimated-publishers/").json()["estimated_publishers"]
    CampaignFactory(advertiser=world.campaign.advertiser, networks=["tiktok"])
    after = staff.client().post("/api/general/stats/estimated-publishers/").json()["estimated_publishers"]
    assert after == before + 1


def test_the_orm_rollups_of_the_embedded_mode_give_the_same_figures(world, history):
    """SQLite (embedded mode) rolls up through the ORM; on PostgreSQL both ways must agree."""
    from unittest import mock

    from django.db import connection

    with mock.patch.object(connection, "vendor", "sqlite"):
        rolled = roll_up_everything()
    assert all(rolled.values())
    for campaign in history:
        assert figures.network_activity(campaign) == figures.network_activity(campaign, use_rollups=False)
        assert figures.campaign_costs(campaign) == figures.campaign_costs(campaign, use_rollups=False)
    assert figures.post_activity() == figures.post_activity(use_rollups=False)
    assert figures.general_financial() == figures.general_financial(use_rollups=False)
    assert figures.potential_publishers() == figures.potential_publishers(use_rollups=False)
