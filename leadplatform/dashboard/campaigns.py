"""Campaign panels: spend against budget, tasks by state, reach and engagement (daily and by network).

Reach and engagement read the statistics rollups (`TaskDay` per advertiser and day, `CampaignNetworkTotal`
per campaign and network) up to their watermarks and the raw tasks after them, as the statistics
endpoints do. The rollups have no day-by-network table, so time and network are two charts.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate

from accounts.models import Network
from campaigns.models import Campaign
from campaigns.money import ZERO
from campaigns.stats.counts import state_counts
from campaigns.stats.figures import split
from campaigns.stats.models import CampaignNetworkTotal, TaskDay
from campaigns.stats.rollups import POSTED, day_start
from campaigns.stats.spend import with_spend
from tasks.models import Task

from .panels import Panel, daily, series, since
from .scope import Scope

TOP_CAMPAIGNS = 10
METRICS = {"reach": "Reach", "engagement": "Engagement"}


# ------------------------------------------------------------------------------
# Spend against budget
# ------------------------------------------------------------------------------
def progress(spent: Decimal, budget: Decimal | None) -> int | None:
    """Percent of the budget spent (None without a budget); may pass 100."""
    if not budget:
        return None
    return int(spent * 100 / budget)


def _total_row(currency: str, budget: Decimal | None, spent: Decimal | None, budgeted_spent: Decimal | None) -> dict:
    """A currency's totals; the share used compares the budgets with what the campaigns that have one spent."""
    return {
        "name": f"Total {currency}",
        "currency": currency,
        "budget": budget,
        "spent": spent or ZERO,
        "progress": progress(budgeted_spent or ZERO, budget),
    }


TOP_NOTE = f"The {TOP_CAMPAIGNS} campaigns that spent most, in their own currency."


def spend_panel(campaigns, note: str = TOP_NOTE) -> Panel:
    """The most spending campaigns and the totals per currency (two queries plus the watermark)."""
    campaigns = with_spend(campaigns)
    top = list(campaigns.order_by("-spent", "-id").values_list("name", "currency", "budget", "spent")[:TOP_CAMPAIGNS])
    totals = (
        campaigns.order_by()
        .values("currency")
        .annotate(
            budget_total=Sum("budget"),
            spent_total=Sum("spent"),
            budgeted_spent=Sum("spent", filter=Q(budget__isnull=False)),
        )
        .values_list("currency", "budget_total", "spent_total", "budgeted_spent")
    )
    panel = Panel(
        "spend",
        "Spend against budget",
        "bar",
        labels=[f"{name} ({currency})" for name, currency, _, _ in top],
        datasets=[
            series("Budget", (budget or ZERO for _, _, budget, _ in top)),
            series("Spent", (spent for _, _, _, spent in top)),
        ],
        note=note,
    )
    panel.table = [_total_row(*row) for row in sorted(totals)]
    if not any(row["spent"] or row["budget"] for row in panel.table):
        panel.datasets = []
    return panel


# ------------------------------------------------------------------------------
# Tasks by state
# ------------------------------------------------------------------------------
def count_by_status(tasks) -> dict[str, int]:
    return dict(tasks.order_by().values_list("status").annotate(n=Count("id")))


def task_counts(scope: Scope) -> dict[str, int]:
    """Tasks per status: the trigger-kept counts for the whole platform, one GROUP BY for advertisers."""
    if scope.is_platform:
        return state_counts("task_status")
    return count_by_status(scope.rows(Task.objects.all()))


def tasks_panel(counts: dict[str, int]) -> Panel:
    return Panel(
        "tasks",
        "Tasks by state",
        "doughnut",
        labels=[str(label) for label in Task.Status.labels],
        datasets=[series("Tasks", (counts.get(status, 0) for status in Task.Status.values))],
    )


# ------------------------------------------------------------------------------
# Reach and engagement
# ------------------------------------------------------------------------------
def _posted(tasks):
    return tasks.filter(status__in=POSTED)


def _utc_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=UTC)


def _reach_by_review_day(tasks):
    """(day, reach, engagement) of the tasks per UTC day of their review."""
    return (
        tasks.annotate(day=_utc_day("reviewed_at"))
        .order_by()
        .values("day")
        .annotate(reach_sum=Sum("reach"), engagement_sum=Sum("engagement"))
        .values_list("day", "reach_sum", "engagement_sum")
    )


def _daily_reach_panel(days) -> Panel:
    """The line chart of (day, reach, engagement) rows."""
    rows = [
        (day, key, value)
        for day, reach, engagement in days
        for key, value in (("reach", reach), ("engagement", engagement))
    ]
    labels, datasets = daily(rows, METRICS)
    return Panel(
        "reach",
        "Reach and engagement per day",
        "line",
        labels=labels,
        datasets=datasets,
        note="Approved posts, by the day they were reviewed (UTC).",
    )


def reach_over_time(scope: Scope) -> Panel:
    """Daily reach and engagement of approved posts: `TaskDay` rows, then the live tasks (three queries)."""
    days = split("task_day", since(), None)
    rolled = (
        days.rolled(TaskDay.objects.filter(advertiser_id__in=scope.advertiser_ids()))
        .order_by()
        .values("day")
        .annotate(reach=Sum("reach"), engagement=Sum("engagement"))
        .values_list("day", "reach", "engagement")
    )
    live = _reach_by_review_day(days.live(_posted(scope.rows(Task.objects.all())), "reviewed_at"))
    return _daily_reach_panel([*rolled, *live])


def reach_of_campaign(campaign: Campaign) -> Panel:
    """One campaign's daily reach and engagement, from its own tasks (the daily rollup is per advertiser)."""
    return _daily_reach_panel(
        _reach_by_review_day(
            _posted(Task.objects.filter(campaign=campaign)).filter(reviewed_at__gte=day_start(since()))
        )
    )


def _network_sums(tasks) -> dict:
    """Per network, in one scan: a task on several networks counts under each (as the rollup counts it)."""
    sums = {}
    for network in Network.values:
        on_network = Q(networks__icontains=f'"{network}"')
        sums[f"{network}__reach"] = Coalesce(Sum("reach", filter=on_network), 0)
        sums[f"{network}__engagement"] = Coalesce(Sum("engagement", filter=on_network), 0)
    return tasks.order_by().aggregate(**sums)


def reach_by_network(scope: Scope) -> Panel:
    """All-time reach and engagement per network: `CampaignNetworkTotal`, then the live tasks (three queries)."""
    days = split("campaign_network_totals", None, None)
    figures: dict[str, dict[str, int]] = defaultdict(lambda: {"reach": 0, "engagement": 0})
    if days.rolled_to is not None:
        campaign_ids = scope.rows(Campaign.objects.all()).values("pk")
        for network, reach, engagement in (
            CampaignNetworkTotal.objects.filter(campaign_id__in=campaign_ids)
            .order_by()
            .values("network")
            .annotate(r=Sum("reach"), e=Sum("engagement"))
            .values_list("network", "r", "e")
        ):
            figures[network]["reach"] += int(reach)
            figures[network]["engagement"] += int(engagement)
    live = _network_sums(days.live(_posted(scope.rows(Task.objects.all())), "reviewed_at"))
    for key, value in live.items():
        network, metric = key.split("__")
        figures[network][metric] += int(value)
    networks = [network for network in Network.values if any(figures[network].values())]
    labels = [str(Network(network).label) for network in networks]
    return Panel(
        "networks",
        "Reach and engagement by network",
        "bar",
        labels=labels,
        datasets=[
            series(title, (figures[network][metric] for network in networks)) for metric, title in METRICS.items()
        ],
        note="All time; a post on several networks counts under each.",
    )
