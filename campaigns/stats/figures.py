"""The figures behind the backend statistics endpoints (the campaign API), defined in docs/statistics.md.

Task, payment and publisher-activity figures read the daily rollups up to their watermark
and the raw rows after it (always including today); `use_rollups=False` reads everything
from the raw rows (the tests compare the two). Counts of tasks by status and publishers by
status and sex are kept by triggers (`counts`); other counts by current state read the
(small) campaign and publisher tables directly: a state is not a daily flow.

Inside `raw_rows_only()` every figure, whoever asks for it (an endpoint too), reads the raw
rows alone: no rollup, watermark or trigger-kept count (the benchmark times both ways).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from accounts.models import Network, Publisher, SocialAccount
from campaigns.models import Campaign, Category, Invoice
from campaigns.money import ZERO, quantize_money
from campaigns.services import convert_amount
from tasks.models import Payment, Task

from .counts import state_counts
from .models import (
    CampaignNetworkTotal,
    CampaignSpendTotal,
    PublisherActivity,
    PublisherLastJoinDay,
    SpendDay,
    TaskDay,
)
from .rollups import POSTED, day_start, joins_rolled_before, today, watermark

ACTIVE_DAYS = 30
AGE_BUCKETS = (("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45+", 45, 200))
TOP_CATEGORIES = 5

_raw_rows_only: ContextVar[bool] = ContextVar("campaign_stats_raw_rows_only", default=False)


@contextmanager
def raw_rows_only() -> Iterator[None]:
    """Every figure computed inside reads the raw rows alone, whatever its `use_rollups`: no rollup table, no
    watermark, no trigger-kept state count (COUNT queries over the counted tables instead)."""
    token = _raw_rows_only.set(True)
    try:
        yield
    finally:
        _raw_rows_only.reset(token)


def _reads_rollups(use_rollups: bool) -> bool:
    return use_rollups and not _raw_rows_only.get()


def _state_counts(name: str) -> dict[str, int]:
    return state_counts(name, from_rows=_raw_rows_only.get())


@dataclass(frozen=True)
class RolledAndLiveDays:
    """Which days of [date_from, date_to] come from the rollup and which from the raw rows."""

    rolled_from: date | None
    rolled_to: date | None  # None: nothing from the rollup
    live_from: date | None  # None: nothing from the raw rows
    live_to: date | None

    def rolled(self, queryset):
        if self.rolled_to is None:
            return queryset.none()
        queryset = queryset.filter(day__lte=self.rolled_to)
        return queryset.filter(day__gte=self.rolled_from) if self.rolled_from else queryset

    def live(self, queryset, field: str):
        if self.live_from is False:
            return queryset.none()
        if self.live_from is not None:
            queryset = queryset.filter(**{f"{field}__gte": day_start(self.live_from)})
        if self.live_to is not None:
            queryset = queryset.filter(**{f"{field}__lt": day_start(self.live_to + timedelta(days=1))})
        return queryset


def split(name: str, date_from: date | None, date_to: date | None, use_rollups: bool = True) -> RolledAndLiveDays:
    mark = watermark(name) if _reads_rollups(use_rollups) else None
    if mark is None:
        return RolledAndLiveDays(None, None, date_from, date_to)
    rolled_to = mark if date_to is None else min(mark, date_to)
    if date_from is not None and rolled_to < date_from:
        rolled_to = None
    live_from = mark + timedelta(days=1)
    if date_from is not None:
        live_from = max(live_from, date_from)
    if date_to is not None and live_from > date_to:
        return RolledAndLiveDays(date_from, rolled_to, False, None)
    return RolledAndLiveDays(date_from, rolled_to, live_from, date_to)


# ------------------------------------------------------------------------------
# Approved posts: reach and engagement
# ------------------------------------------------------------------------------
def _posted():
    return Task.objects.filter(status__in=POSTED)


def post_activity(*, advertiser_id=None, date_from=None, date_to=None, use_rollups=True) -> dict:
    """Approved posts (tasks accepted or paid, by review day) with their reach and engagement."""
    days = split("task_day", date_from, date_to, use_rollups)
    rolled_rows, live_rows = TaskDay.objects.all(), _posted()
    if advertiser_id is not None:
        rolled_rows = rolled_rows.filter(advertiser_id=advertiser_id)
        live_rows = live_rows.filter(campaign__advertiser_id=advertiser_id)
    sums = {
        "posts": Coalesce(Sum("posts"), 0),
        "reach": Coalesce(Sum("reach"), 0),
        "engagement": Coalesce(Sum("engagement"), 0),
    }
    rolled = days.rolled(rolled_rows).aggregate(**sums)
    live = days.live(live_rows, "reviewed_at").aggregate(
        posts=Count("id"), reach=Coalesce(Sum("reach"), 0), engagement=Coalesce(Sum("engagement"), 0)
    )
    return {key: int(rolled[key]) + int(live[key]) for key in sums}


def _totals_then_live(name: str, use_rollups: bool) -> RolledAndLiveDays:
    """Running totals hold every day up to the watermark; the raw rows after it are live."""
    return split(name, None, None, use_rollups)


def network_activity(campaign: Campaign, *, use_rollups=True) -> dict[str, dict[str, int]]:
    """Per network of the campaign (each of its networks, even without posts): approved posts, reach, engagement."""
    days = _totals_then_live("campaign_network_totals", use_rollups)
    figures: dict[str, dict[str, int]] = defaultdict(lambda: {"posts": 0, "reach": 0, "engagement": 0})
    figures.update({network: {"posts": 0, "reach": 0, "engagement": 0} for network in campaign.networks or []})
    if days.rolled_to is not None:
        for row in CampaignNetworkTotal.objects.filter(campaign_id=campaign.pk).values(
            "network", "posts", "reach", "engagement"
        ):
            for key in ("posts", "reach", "engagement"):
                figures[row["network"]][key] += int(row[key])
    live = days.live(_posted().filter(campaign_id=campaign.pk), "reviewed_at").values_list(
        "networks", "reach", "engagement"
    )
    for networks, reach, engagement in live.iterator():
        for network in networks if isinstance(networks, list) else []:
            figures[network]["posts"] += 1
            figures[network]["reach"] += reach
            figures[network]["engagement"] += engagement
    return dict(figures)


# ------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------
@dataclass
class Spending:
    by_currency: dict[str, Decimal]
    reach: int


def _spending(rows) -> Spending:
    result = Spending(defaultdict(lambda: ZERO), 0)
    for currency, amount, reach in rows:
        result.by_currency[currency] += amount
        result.reach += int(reach)
    return result


def spending(
    *, advertiser_id=None, date_from=None, date_to=None, charged=False, use_rollups=True, with_reach=True
) -> Spending:
    """Payments in the range: totals by the campaigns' currency, or (charged) by the advertisers'.

    Without `with_reach` the reach is 0 and today's payments are summed without reading their tasks
    (a day's payments joined to their tasks was most of the general financial figure's time)."""
    days = split("spend_day", date_from, date_to, use_rollups)
    currency, amount = ("charged_currency", "charged") if charged else ("currency", "total")
    rolled_rows, payments = SpendDay.objects.all(), Payment.objects.all()
    if advertiser_id is not None:
        rolled_rows = rolled_rows.filter(advertiser_id=advertiser_id)
        payments = payments.filter(advertiser_id=advertiser_id)
    rolled = (
        days.rolled(rolled_rows)
        .values(currency)
        .annotate(amount=Sum(amount), reached=Sum("reach"))
        .values_list(currency, "amount", "reached")
        .order_by()
    )
    reached = Coalesce(Sum("task__reach"), 0) if with_reach else Value(0)
    live = (
        days.live(payments, "created_at")
        .values(currency)
        .annotate(amount=Sum(amount), reached=reached)
        .values_list(currency, "amount", "reached")
        .order_by()
    )
    return _spending([*rolled, *live])


def campaign_spending(campaign: Campaign, *, use_rollups=True) -> Spending:
    days = _totals_then_live("campaign_spend_totals", use_rollups)
    rolled = []
    if days.rolled_to is not None:
        rolled = CampaignSpendTotal.objects.filter(campaign_id=campaign.pk).values_list("currency", "total", "reach")
    live = (
        days.live(Payment.objects.filter(task__campaign_id=campaign.pk), "created_at")
        .values("currency")
        .annotate(amount=Sum("total"), reached=Coalesce(Sum("task__reach"), 0))
        .values_list("currency", "amount", "reached")
        .order_by()
    )
    return _spending([*rolled, *live])


def _sum_in(amounts: dict[str, Decimal], currency: str) -> Decimal:
    return quantize_money(
        sum((convert_amount(amount, code, currency) for code, amount in amounts.items()), ZERO), currency
    )


def cpm(spent: Decimal, reach: int, currency: str) -> Decimal:
    """Cost per thousand reached: spent / reach × 1000 (0 without reach)."""
    return quantize_money(spent * 1000 / reach, currency) if reach else quantize_money(ZERO, currency)


def campaign_costs(campaign: Campaign, *, use_rollups=True) -> dict:
    spent = campaign_spending(campaign, use_rollups=use_rollups)
    total = _sum_in(spent.by_currency, campaign.currency)
    return {
        "total_spent": total,
        "average_cpm": cpm(total, spent.reach, campaign.currency),
        "currency": campaign.currency,
    }


def campaigns_running(campaigns, date_from=None, date_to=None):
    """Published campaigns (not drafts) whose run overlaps the range; one not started yet runs from its creation."""
    campaigns = campaigns.exclude(status=Campaign.Status.DRAFT)
    if date_to:
        end = day_start(date_to + timedelta(days=1))
        campaigns = campaigns.filter(Q(date_start__lt=end) | Q(date_start__isnull=True, created_at__lt=end))
    if date_from:
        campaigns = campaigns.filter(Q(date_end__isnull=True) | Q(date_end__gte=day_start(date_from)))
    return campaigns


def advertiser_financial(advertiser, date_from=None, date_to=None, *, use_rollups=True) -> dict:
    spent = spending(
        advertiser_id=advertiser.pk, date_from=date_from, date_to=date_to, charged=True, use_rollups=use_rollups
    )
    total = _sum_in(spent.by_currency, advertiser.currency)
    running = campaigns_running(Campaign.objects.filter(advertiser=advertiser), date_from, date_to)
    return {
        "total_spent": total,
        "total_campaigns": running.count(),
        "average_cpm": cpm(total, spent.reach, advertiser.currency),
        "currency": advertiser.currency,
    }


def general_financial(date_from=None, date_to=None, *, use_rollups=True) -> dict:
    """Revenue: invoices paid by advertisers (by invoice date); payouts: payments to influencers."""
    currency = settings.PLATFORM_CURRENCY
    invoices = Invoice.objects.filter(status=Invoice.Status.PAID)
    if date_from:
        invoices = invoices.filter(date__gte=date_from)
    if date_to:
        invoices = invoices.filter(date__lte=date_to)
    revenue = {
        row["currency"]: row["amount"] for row in invoices.values("currency").annotate(amount=Sum("amount")).order_by()
    }
    spent = spending(date_from=date_from, date_to=date_to, use_rollups=use_rollups, with_reach=False)
    return {
        "total_revenue": _sum_in(revenue, currency),
        "total_payouts": _sum_in(spent.by_currency, currency),
        "currency": currency,
    }


# ------------------------------------------------------------------------------
# Campaigns by their current state
# ------------------------------------------------------------------------------
def campaign_overview(campaigns, date_from=None, date_to=None) -> dict:
    """Campaigns created in the range, by status."""
    if date_from:
        campaigns = campaigns.filter(created_at__gte=day_start(date_from))
    if date_to:
        campaigns = campaigns.filter(created_at__lt=day_start(date_to + timedelta(days=1)))
    S = Campaign.Status
    counts = campaigns.aggregate(
        total_campaigns=Count("id"),
        active_campaigns=Count("id", filter=Q(status=S.ACTIVE)),
        completed_campaigns=Count("id", filter=Q(status=S.COMPLETED)),
        pending_campaigns=Count("id", filter=Q(status=S.PENDING)),
    )
    return counts


def campaign_status_counts(campaigns) -> dict[str, int]:
    counts = dict(campaigns.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Campaign.Status.values}


def campaign_network_counts(campaigns) -> dict[str, int]:
    """Campaigns per network (a campaign on several networks counts under each), in one scan."""
    # The quoted name in the JSON text: works on PostgreSQL and SQLite alike (no JSON containment there).
    counts = {network: Count("id", filter=Q(networks__icontains=f'"{network}"')) for network in Network.values}
    return campaigns.order_by().aggregate(**counts)


# ------------------------------------------------------------------------------
# Publishers
# ------------------------------------------------------------------------------
def publisher_status_counts() -> dict[str, int]:
    counts = _state_counts("publisher_status")
    return {status: counts.get(status, 0) for status in Publisher.Status.values}


def publisher_activity(date_from=None, date_to=None, *, use_rollups=True) -> dict:
    figures = post_activity(date_from=date_from, date_to=date_to, use_rollups=use_rollups)
    return {"total_posts": figures["posts"], "total_reach": figures["reach"], "total_engagement": figures["engagement"]}


def joined_publisher_count(*, since: date | None = None, use_rollups=True) -> int:
    """Publishers who joined a campaign (on or after `since`): rolled ones plus those only in the live rows.

    The rolled ones are summed from their count per last join day (a few dozen rows). Recent joins are
    rolled every minute, so the live rows are minutes of joins, each probed in the activity's unique
    publisher index: the probes, not the rows rolled, are what a request pays for.
    """
    joins = Task.objects.filter(publisher__isnull=False)
    if since is not None:
        joins = joins.filter(joined_at__gte=day_start(since))
    rolled_before = joins_rolled_before() if _reads_rollups(use_rollups) else None
    if rolled_before is None:
        return joins.values("publisher_id").distinct().count()
    rolled_days = PublisherLastJoinDay.objects.all()
    rolled = PublisherActivity.objects.filter(publisher_id=OuterRef("publisher_id"))
    if since is not None:
        rolled_days, rolled = rolled_days.filter(day__gte=since), rolled.filter(last_joined_on__gte=since)
    new = joins.filter(joined_at__gte=rolled_before).filter(~Exists(rolled)).values("publisher_id").distinct()
    # Both parts in one statement, so one snapshot: read apart, a roll committing in between would move an
    # influencer from the live part into the rolled one, counted twice or not at all.
    rolled_sql, rolled_params = rolled_days.order_by().values("publishers").query.sql_with_params()
    new_sql, new_params = new.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT coalesce(sum(publishers), 0) FROM ({rolled_sql}) rolled) "
            f"+ (SELECT count(*) FROM ({new_sql}) new)",
            [*rolled_params, *new_params],
        )
        return int(cursor.fetchone()[0])


def estimated_publishers(*, use_rollups=True) -> dict:
    """estimated: publishers who may act and could join an active campaign now; active: joined in the last 30 days."""
    active = Campaign.objects.filter(status=Campaign.Status.ACTIVE)
    countries, cities = defaultdict(set), defaultdict(set)
    for campaign_id, country_id in Campaign.target_countries.through.objects.filter(campaign__in=active).values_list(
        "campaign_id", "country_id"
    ):
        countries[campaign_id].add(country_id)
    for campaign_id, city_id in Campaign.target_cities.through.objects.filter(campaign__in=active).values_list(
        "campaign_id", "city_id"
    ):
        cities[campaign_id].add(city_id)
    # Campaigns with the same targeting share one condition: the union of their networks. The untargeted
    # ones (usually most) are read as their distinct network lists, not campaign by campaign.
    targeted = countries.keys() | cities.keys()
    networks_by_targeting: dict[tuple[frozenset, frozenset], set[str]] = defaultdict(set)
    for campaign_id, networks in active.filter(pk__in=targeted).values_list("pk", "networks"):
        targeting = (frozenset(countries[campaign_id]), frozenset(cities[campaign_id]))
        networks_by_targeting[targeting].update(networks if isinstance(networks, list) else [])
    for networks in active.exclude(pk__in=targeted).order_by().values_list("networks", flat=True).distinct():
        networks_by_targeting[(frozenset(), frozenset())].update(networks if isinstance(networks, list) else [])
    matching = Q(pk__in=[])
    for (country_ids, city_ids), networks in networks_by_targeting.items():
        accounts = SocialAccount.objects.filter(approval=SocialAccount.Approval.APPROVED, network__in=networks)
        rule = Q(pk__in=accounts.values("publisher_id"))
        if country_ids:
            rule &= Q(country_id__in=country_ids)
        if city_ids:
            rule &= Q(city_id__in=city_ids)
        matching |= rule
    able = Publisher.objects.filter(status=Publisher.Status.ACTIVE, banned=False)
    since = today() - timedelta(days=ACTIVE_DAYS - 1)
    return {
        "estimated_publishers": able.filter(matching).count(),
        "active_publishers": joined_publisher_count(since=since, use_rollups=use_rollups),
    }


def potential_publishers(*, use_rollups=True) -> dict:
    """potential: registered but never joined; conversion rate: joined / registered."""
    registered = sum(_state_counts("publisher_status").values())
    joined = joined_publisher_count(use_rollups=use_rollups)
    rate = round(joined / registered, 4) if registered else 0.0
    return {"potential_publishers": registered - joined, "conversion_rate": rate}


# ------------------------------------------------------------------------------
# Users (influencers): shares in percent of those with a known value
# ------------------------------------------------------------------------------
def _percentages(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: round(value * 100 / total, 1) if total else 0.0 for key, value in counts.items()}


def sex_shares() -> dict[str, float]:
    counts = _state_counts("publisher_sex")  # the unknown ("") are counted too, and left out here
    return _percentages({sex: counts.get(sex, 0) for sex in Publisher.Sex.values})


def age_shares(on: date | None = None) -> dict[str, float]:
    on = on or today()
    # One range count per bucket: each is an index-only scan of the birth-date index.
    counts = {
        label: Publisher.objects.filter(
            birth_date__gt=_years_before(on, oldest + 1), birth_date__lte=_years_before(on, youngest)
        ).count()
        for label, youngest, oldest in AGE_BUCKETS
    }
    return _percentages(counts)


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def preference_shares() -> dict[str, float]:
    """Share of all preferred-category picks: the five most picked categories by slug, the rest as other."""
    picks = list(
        Category.objects.annotate(n=Count("publishers")).filter(n__gt=0).order_by("-n", "slug").values_list("slug", "n")
    )
    counts = dict(picks[:TOP_CATEGORIES])
    counts["other"] = sum(n for _, n in picks[TOP_CATEGORIES:])
    return _percentages(counts)


def pending_counts() -> dict[str, int]:
    """Campaigns awaiting activation, tasks joined but not submitted, submissions awaiting review."""
    tasks = _state_counts("task_status")
    return {
        "pending_campaigns": Campaign.objects.filter(status=Campaign.Status.PENDING).count(),
        "pending_tasks": tasks.get(Task.Status.PENDING, 0),
        "pending_approvals": tasks.get(Task.Status.UNDER_REVIEW, 0),
    }
