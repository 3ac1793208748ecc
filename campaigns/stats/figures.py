"""The figures behind the backend statistics endpoints (seed 003), defined in docs/statistics.md.

Task, payment and publisher-activity figures read the daily rollups up to their watermark
and the raw rows after it (always including today); `use_rollups=False` reads everything
from the raw rows (the benchmark and the tests compare the two). Counts of campaigns and
publishers by their current state read those (small) tables directly: a state is not a
daily flow.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import Coalesce

from accounts.models import Network, Publisher, SocialAccount
from campaigns.models import Campaign, Category, Invoice
from campaigns.money import ZERO, quantize_money
from campaigns.services import convert_amount
from tasks.models import Payment, Task

from .models import PublisherActivity, SpendDay, TaskDay, TaskNetworkDay
from .rollups import POSTED, day_start, today, watermark

ACTIVE_DAYS = 30
AGE_BUCKETS = (("18-24", 18, 24), ("25-34", 25, 34), ("35-44", 35, 44), ("45+", 45, 200))
TOP_CATEGORIES = 5


@dataclass(frozen=True)
class Split:
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


def split(name: str, date_from: date | None, date_to: date | None, use_rollups: bool = True) -> Split:
    mark = watermark(name) if use_rollups else None
    if mark is None:
        return Split(None, None, date_from, date_to)
    rolled_to = mark if date_to is None else min(mark, date_to)
    if date_from is not None and rolled_to < date_from:
        rolled_to = None
    live_from = mark + timedelta(days=1)
    if date_from is not None:
        live_from = max(live_from, date_from)
    if date_to is not None and live_from > date_to:
        return Split(date_from, rolled_to, False, None)
    return Split(date_from, rolled_to, live_from, date_to)


# ------------------------------------------------------------------------------
# Approved posts: reach and engagement
# ------------------------------------------------------------------------------
def _posted(advertiser_id: int | None, campaign_id: int | None):
    tasks = Task.objects.filter(status__in=POSTED)
    if campaign_id is not None:
        tasks = tasks.filter(campaign_id=campaign_id)
    if advertiser_id is not None:
        tasks = tasks.filter(campaign__advertiser_id=advertiser_id)
    return tasks


def _scoped_rollup(model, advertiser_id: int | None, campaign_id: int | None):
    rows = model.objects.all()
    if campaign_id is not None:
        rows = rows.filter(campaign_id=campaign_id)
    if advertiser_id is not None:
        rows = rows.filter(advertiser_id=advertiser_id)
    return rows


def post_activity(*, advertiser_id=None, campaign_id=None, date_from=None, date_to=None, use_rollups=True) -> dict:
    """Approved posts (tasks accepted or paid, by review day) with their reach and engagement."""
    days = split("task_day", date_from, date_to, use_rollups)
    sums = {"posts": Coalesce(Sum("posts"), 0), "reach": Coalesce(Sum("reach"), 0),
            "engagement": Coalesce(Sum("engagement"), 0)}
    rolled = days.rolled(_scoped_rollup(TaskDay, advertiser_id, campaign_id)).aggregate(**sums)
    live = days.live(_posted(advertiser_id, campaign_id), "reviewed_at").aggregate(
        posts=Count("id"), reach=Coalesce(Sum("reach"), 0), engagement=Coalesce(Sum("engagement"), 0))
    return {key: int(rolled[key]) + int(live[key]) for key in sums}


def network_activity(campaign: Campaign, *, use_rollups=True) -> dict[str, dict[str, int]]:
    """Per network of the campaign (each of its networks, even without posts): approved posts, reach, engagement."""
    campaign_id = campaign.pk
    days = split("task_network_day", None, None, use_rollups)
    figures: dict[str, dict[str, int]] = defaultdict(lambda: {"posts": 0, "reach": 0, "engagement": 0})
    figures.update({network: {"posts": 0, "reach": 0, "engagement": 0} for network in campaign.networks or []})
    rolled = (days.rolled(TaskNetworkDay.objects.filter(campaign_id=campaign_id)).values("network")
              .annotate(posts=Sum("posts"), reach=Sum("reach"), engagement=Sum("engagement")).order_by("network"))
    for row in rolled:
        for key in ("posts", "reach", "engagement"):
            figures[row["network"]][key] += int(row[key])
    live = days.live(_posted(None, campaign_id), "reviewed_at").values_list("networks", "reach", "engagement")
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
    total_by_currency: dict[str, Decimal]  # in the campaigns' currencies
    charged_by_currency: dict[str, Decimal]  # in the advertisers' currencies
    reach: int
    campaign_ids: set[int]


def spending(*, advertiser_id=None, campaign_id=None, date_from=None, date_to=None, use_rollups=True) -> Spending:
    days = split("spend_day", date_from, date_to, use_rollups)
    result = Spending(defaultdict(lambda: ZERO), defaultdict(lambda: ZERO), 0, set())
    rolled = (days.rolled(_scoped_rollup(SpendDay, advertiser_id, campaign_id))
              .values("campaign_id", "currency", "charged_currency")
              .annotate(total=Sum("total"), charged=Sum("charged"), reach=Sum("reach")).order_by())
    payments = Payment.objects.all()
    if campaign_id is not None:
        payments = payments.filter(task__campaign_id=campaign_id)
    if advertiser_id is not None:
        payments = payments.filter(advertiser_id=advertiser_id)
    live = (days.live(payments, "created_at").values("task__campaign_id", "currency", "charged_currency")
            .annotate(total=Sum("total"), charged=Sum("charged"), reach=Coalesce(Sum("task__reach"), 0)).order_by())
    for row in [*rolled, *({**r, "campaign_id": r["task__campaign_id"]} for r in live)]:
        result.total_by_currency[row["currency"]] += row["total"]
        result.charged_by_currency[row["charged_currency"]] += row["charged"]
        result.reach += int(row["reach"])
        result.campaign_ids.add(row["campaign_id"])
    return result


def _sum_in(amounts: dict[str, Decimal], currency: str) -> Decimal:
    return quantize_money(sum((convert_amount(amount, code, currency) for code, amount in amounts.items()), ZERO),
                          currency)


def cpm(spent: Decimal, reach: int, currency: str) -> Decimal:
    """Cost per thousand reached: spent / reach × 1000 (0 without reach)."""
    return quantize_money(spent * 1000 / reach, currency) if reach else quantize_money(ZERO, currency)


def campaign_costs(campaign: Campaign, *, use_rollups=True) -> dict:
    spent = spending(campaign_id=campaign.pk, use_rollups=use_rollups)
    total = _sum_in(spent.total_by_currency, campaign.currency)
    return {"total_spent": total, "average_cpm": cpm(total, spent.reach, campaign.currency), "currency": campaign.currency}


def advertiser_financial(advertiser, date_from=None, date_to=None, *, use_rollups=True) -> dict:
    spent = spending(advertiser_id=advertiser.pk, date_from=date_from, date_to=date_to, use_rollups=use_rollups)
    total = _sum_in(spent.charged_by_currency, advertiser.currency)
    return {"total_spent": total, "total_campaigns": len(spent.campaign_ids),
            "average_cpm": cpm(total, spent.reach, advertiser.currency), "currency": advertiser.currency}


def general_financial(date_from=None, date_to=None, *, use_rollups=True) -> dict:
    """Revenue: invoices paid by advertisers (by invoice date); payouts: payments to influencers."""
    currency = settings.PLATFORM_CURRENCY
    invoices = Invoice.objects.filter(status=Invoice.Status.PAID)
    if date_from:
        invoices = invoices.filter(date__gte=date_from)
    if date_to:
        invoices = invoices.filter(date__lte=date_to)
    revenue = {row["currency"]: row["amount"] for row in
               invoices.values("currency").annotate(amount=Sum("amount")).order_by()}
    spent = spending(date_from=date_from, date_to=date_to, use_rollups=use_rollups)
    return {"total_revenue": _sum_in(revenue, currency), "total_payouts": _sum_in(spent.total_by_currency, currency),
            "currency": currency}


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
        total_campaigns=Count("id"), active_campaigns=Count("id", filter=Q(status=S.ACTIVE)),
        completed_campaigns=Count("id", filter=Q(status=S.COMPLETED)),
        pending_campaigns=Count("id", filter=Q(status=S.PENDING)),
    )
    return counts


def campaign_status_counts(campaigns) -> dict[str, int]:
    counts = dict(campaigns.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Campaign.Status.values}


def campaign_network_counts(campaigns) -> dict[str, int]:
    """Campaigns per network (a campaign on several networks counts under each)."""
    counts = {network: 0 for network in Network.values}
    for networks in campaigns.order_by().values_list("networks", flat=True).iterator():
        for network in networks if isinstance(networks, list) else []:
            if network in counts:
                counts[network] += 1
    return counts


# ------------------------------------------------------------------------------
# Publishers
# ------------------------------------------------------------------------------
def publisher_status_counts() -> dict[str, int]:
    counts = dict(Publisher.objects.order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in Publisher.Status.values}


def publisher_activity(date_from=None, date_to=None, *, use_rollups=True) -> dict:
    figures = post_activity(date_from=date_from, date_to=date_to, use_rollups=use_rollups)
    return {"total_posts": figures["posts"], "total_reach": figures["reach"], "total_engagement": figures["engagement"]}


def _joined_publishers(*, since: date | None = None, use_rollups=True):
    """Ids of publishers who joined a campaign (on or after `since`), as a subquery."""
    days = split("publisher_activity", since, None, use_rollups)
    joined = Q(pk__in=days.live(Task.objects.filter(publisher__isnull=False), "joined_at").values("publisher_id"))
    if days.rolled_to is not None:
        rolled = PublisherActivity.objects.all()
        if since is not None:
            rolled = rolled.filter(last_joined_on__gte=since)
        joined |= Q(pk__in=rolled.values("publisher_id"))
    return joined


def estimated_publishers(*, use_rollups=True) -> dict:
    """estimated: publishers who may act and could join an active campaign now; active: joined in the last 30 days."""
    able = Publisher.objects.filter(status=Publisher.Status.ACTIVE, banned=False)
    matching = Q(pk__in=[])
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE).prefetch_related(
            "target_countries", "target_cities"):
        accounts = SocialAccount.objects.filter(
            publisher=OuterRef("pk"), approval=SocialAccount.Approval.APPROVED, network__in=campaign.networks or [])
        rule = Q(Exists(accounts))
        countries = [c.pk for c in campaign.target_countries.all()]
        cities = [c.pk for c in campaign.target_cities.all()]
        if countries:
            rule &= Q(country_id__in=countries)
        if cities:
            rule &= Q(city_id__in=cities)
        matching |= rule
    since = today() - timedelta(days=ACTIVE_DAYS - 1)
    return {
        "estimated_publishers": able.filter(matching).count(),
        "active_publishers": Publisher.objects.filter(_joined_publishers(since=since, use_rollups=use_rollups)).count(),
    }


def potential_publishers(*, use_rollups=True) -> dict:
    """potential: registered but never joined; conversion rate: joined / registered."""
    registered = Publisher.objects.count()
    joined = Publisher.objects.filter(_joined_publishers(use_rollups=use_rollups)).count()
    rate = round(joined / registered, 4) if registered else 0.0
    return {"potential_publishers": registered - joined, "conversion_rate": rate}


# ------------------------------------------------------------------------------
# Users (influencers): shares in percent of those with a known value
# ------------------------------------------------------------------------------
def _percentages(counts: dict[str, int]) -> dict[str, float]:
    total = sum(counts.values())
    return {key: round(value * 100 / total, 1) if total else 0.0 for key, value in counts.items()}


def sex_shares() -> dict[str, float]:
    counts = dict(Publisher.objects.exclude(sex="").order_by().values_list("sex").annotate(n=Count("id")))
    return _percentages({sex: counts.get(sex, 0) for sex in Publisher.Sex.values})


def age_shares(on: date | None = None) -> dict[str, float]:
    on = on or today()
    counts = {}
    for label, youngest, oldest in AGE_BUCKETS:
        born_after = _years_before(on, oldest + 1)
        born_on_or_before = _years_before(on, youngest)
        counts[label] = Publisher.objects.filter(birth_date__gt=born_after, birth_date__lte=born_on_or_before).count()
    return _percentages(counts)


def _years_before(on: date, years: int) -> date:
    try:
        return on.replace(year=on.year - years)
    except ValueError:  # 29 February
        return on.replace(year=on.year - years, day=28)


def preference_shares() -> dict[str, float]:
    """Share of all preferred-category picks: the five most picked categories by slug, the rest as other."""
    picks = list(Category.objects.annotate(n=Count("publishers")).filter(n__gt=0).order_by("-n", "slug")
                 .values_list("slug", "n"))
    counts = dict(picks[:TOP_CATEGORIES])
    counts["other"] = sum(n for _, n in picks[TOP_CATEGORIES:])
    return _percentages(counts)


def pending_counts() -> dict[str, int]:
    """Campaigns awaiting activation, tasks joined but not submitted, submissions awaiting review."""
    tasks = dict(Task.objects.filter(status__in=[Task.Status.PENDING, Task.Status.UNDER_REVIEW]).order_by()
                 .values_list("status").annotate(n=Count("id")))
    return {
        "pending_campaigns": Campaign.objects.filter(status=Campaign.Status.PENDING).count(),
        "pending_tasks": tasks.get(Task.Status.PENDING, 0),
        "pending_approvals": tasks.get(Task.Status.UNDER_REVIEW, 0),
    }
