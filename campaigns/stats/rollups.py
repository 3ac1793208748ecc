"""Building the daily rollups: each beat run rolls every closed day after the watermark, once.

A day is rolled inside one transaction that first claims its `RollupRun` key, so two
overlapping runs (or a repeated one) roll it exactly once. Facts only ever land on the
current day (tasks are reviewed, publishers join and payments are made "now"), so a closed
day never changes after it is rolled.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tasks.models import Payment, Task

from .models import (
    CampaignNetworkTotal,
    CampaignSpendTotal,
    PublisherActivity,
    PublisherLastJoinDay,
    RollupRun,
    SpendDay,
    TaskDay,
)

POSTED = ("accepted", "paid")  # Task statuses that count as an approved post.


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=dt_timezone.utc)


def today() -> date:
    return timezone.now().astimezone(dt_timezone.utc).date()


def watermark(name: str) -> date | None:
    """The latest day this rollup holds; every later day is read from the raw rows."""
    return RollupRun.objects.filter(name=name).aggregate(day=Max("day"))["day"]


def _first_day(moment: datetime | None) -> date | None:
    return moment.astimezone(dt_timezone.utc).date() if moment else None


# ------------------------------------------------------------------------------
# One function per rollup: roll one day, given its [start, end) bounds. Per-day tables replace
# the day's rows; running totals merge the day in (the RollupRun key makes that happen once).
# ------------------------------------------------------------------------------
def _roll_task_day(day: date, start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaign_stats_taskday WHERE day = %s", [day])
        cursor.execute(
            """
            INSERT INTO campaign_stats_taskday (day, advertiser_id, posts, reach, engagement)
            SELECT %s, c.advertiser_id, count(*), coalesce(sum(t.reach), 0), coalesce(sum(t.engagement), 0)
            FROM tasks_task t JOIN campaigns_campaign c ON c.id = t.campaign_id
            WHERE t.status = ANY(%s) AND t.reviewed_at >= %s AND t.reviewed_at < %s
            GROUP BY c.advertiser_id
            """,
            [day, list(POSTED), start, end],
        )


def _roll_campaign_network_totals(day: date, start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO campaign_stats_campaignnetworktotal AS total (campaign_id, network, posts, reach, engagement)
            SELECT t.campaign_id, n.network, count(*), coalesce(sum(t.reach), 0), coalesce(sum(t.engagement), 0)
            FROM tasks_task t
            CROSS JOIN LATERAL jsonb_array_elements_text(
                CASE WHEN jsonb_typeof(t.networks) = 'array' THEN t.networks ELSE '[]'::jsonb END
            ) AS n(network)
            WHERE t.status = ANY(%s) AND t.reviewed_at >= %s AND t.reviewed_at < %s
            GROUP BY t.campaign_id, n.network
            ON CONFLICT (campaign_id, network) DO UPDATE SET
                posts = total.posts + EXCLUDED.posts, reach = total.reach + EXCLUDED.reach,
                engagement = total.engagement + EXCLUDED.engagement
            """,
            [list(POSTED), start, end],
        )


def _roll_spend_day(day: date, start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM campaign_stats_spendday WHERE day = %s", [day])
        cursor.execute(
            """
            INSERT INTO campaign_stats_spendday
                (day, advertiser_id, currency, charged_currency, payments, total, charged, reach)
            SELECT %s, p.advertiser_id, p.currency, p.charged_currency, count(*),
                   sum(p.total), sum(p.charged), coalesce(sum(t.reach), 0)
            FROM tasks_payment p JOIN tasks_task t ON t.id = p.task_id
            WHERE p.created_at >= %s AND p.created_at < %s
            GROUP BY p.advertiser_id, p.currency, p.charged_currency
            """,
            [day, start, end],
        )


def _roll_campaign_spend_totals(day: date, start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO campaign_stats_campaignspendtotal AS total (campaign_id, currency, payments, total, reach)
            SELECT t.campaign_id, p.currency, count(*), sum(p.total), coalesce(sum(t.reach), 0)
            FROM tasks_payment p JOIN tasks_task t ON t.id = p.task_id
            WHERE p.created_at >= %s AND p.created_at < %s
            GROUP BY t.campaign_id, p.currency
            ON CONFLICT (campaign_id, currency) DO UPDATE SET
                payments = total.payments + EXCLUDED.payments, total = total.total + EXCLUDED.total,
                reach = total.reach + EXCLUDED.reach
            """,
            [start, end],
        )


def _roll_publisher_activity(day: date, start: datetime, end: datetime) -> None:
    with connection.cursor() as cursor:
        # First the count per last join day, against the activity as it was before this day: a publisher
        # whose last rolled join is an earlier day moves from that day's count to this one's; a new one
        # is added to this one's.
        cursor.execute(
            """
            WITH joined AS (
                SELECT DISTINCT publisher_id FROM tasks_task
                WHERE publisher_id IS NOT NULL AND joined_at >= %(start)s AND joined_at < %(end)s
            ), previous AS (
                SELECT a.last_joined_on AS day FROM joined j
                LEFT JOIN campaign_stats_publisheractivity a ON a.publisher_id = j.publisher_id
            )
            INSERT INTO campaign_stats_publisherlastjoinday AS d (day, publishers)
            SELECT day, sum(n) FROM (
                SELECT day, -1 AS n FROM previous WHERE day < %(day)s
                UNION ALL
                SELECT %(day)s::date, 1 FROM previous WHERE day IS NULL OR day < %(day)s
            ) moves
            GROUP BY day
            ON CONFLICT (day) DO UPDATE SET publishers = d.publishers + EXCLUDED.publishers
            """,
            {"day": day, "start": start, "end": end},
        )
        cursor.execute("DELETE FROM campaign_stats_publisherlastjoinday WHERE publishers = 0")
        cursor.execute(
            """
            INSERT INTO campaign_stats_publisheractivity (publisher_id, first_joined_on, last_joined_on)
            SELECT DISTINCT t.publisher_id, %s::date, %s::date
            FROM tasks_task t
            WHERE t.publisher_id IS NOT NULL AND t.joined_at >= %s AND t.joined_at < %s
            ON CONFLICT (publisher_id) DO UPDATE SET
                first_joined_on = LEAST(campaign_stats_publisheractivity.first_joined_on, EXCLUDED.first_joined_on),
                last_joined_on = GREATEST(campaign_stats_publisheractivity.last_joined_on, EXCLUDED.last_joined_on)
            """,
            [day, day, start, end],
        )


def _first_task_review() -> date | None:
    return _first_day(Task.objects.filter(status__in=POSTED).aggregate(at=Min("reviewed_at"))["at"])


def _first_payment() -> date | None:
    return _first_day(Payment.objects.aggregate(at=Min("created_at"))["at"])


def _first_join() -> date | None:
    return _first_day(Task.objects.filter(publisher__isnull=False).aggregate(at=Min("joined_at"))["at"])


# ------------------------------------------------------------------------------
# The same rollups through the ORM, for the embedded SQLite mode (no jsonb, no ANY, no casts).
# ------------------------------------------------------------------------------
def _posted_between(start: datetime, end: datetime):
    return Task.objects.filter(status__in=POSTED, reviewed_at__gte=start, reviewed_at__lt=end)


def _paid_between(start: datetime, end: datetime):
    return Payment.objects.filter(created_at__gte=start, created_at__lt=end)


def _merge(model, key: dict, amounts: dict) -> None:
    _, created = model.objects.get_or_create(**key, defaults=amounts)
    if not created:
        model.objects.filter(**key).update(**{field: F(field) + value for field, value in amounts.items()})


def _orm_task_day(day: date, start: datetime, end: datetime) -> None:
    TaskDay.objects.filter(day=day).delete()
    rows = (_posted_between(start, end).values("campaign__advertiser_id").order_by()
            .annotate(posts=Count("id"), reach=Coalesce(Sum("reach"), 0), engagement=Coalesce(Sum("engagement"), 0)))
    TaskDay.objects.bulk_create([
        TaskDay(day=day, advertiser_id=row["campaign__advertiser_id"], posts=row["posts"], reach=row["reach"],
                engagement=row["engagement"]) for row in rows])


def _orm_campaign_network_totals(day: date, start: datetime, end: datetime) -> None:
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for campaign_id, networks, reach, engagement in _posted_between(start, end).values_list(
            "campaign_id", "networks", "reach", "engagement").iterator():
        for network in networks if isinstance(networks, list) else []:
            figures = sums[(campaign_id, network)]
            figures[0], figures[1], figures[2] = figures[0] + 1, figures[1] + reach, figures[2] + engagement
    for (campaign_id, network), (posts, reach, engagement) in sums.items():
        _merge(CampaignNetworkTotal, {"campaign_id": campaign_id, "network": network},
               {"posts": posts, "reach": reach, "engagement": engagement})


def _orm_spend_day(day: date, start: datetime, end: datetime) -> None:
    SpendDay.objects.filter(day=day).delete()
    rows = (_paid_between(start, end).values("advertiser_id", "currency", "charged_currency").order_by()
            .annotate(payments=Count("id"), total=Sum("total"), charged=Sum("charged"),
                      reach=Coalesce(Sum("task__reach"), 0)))
    SpendDay.objects.bulk_create([SpendDay(day=day, **row) for row in rows])


def _orm_campaign_spend_totals(day: date, start: datetime, end: datetime) -> None:
    rows = (_paid_between(start, end).values("task__campaign_id", "currency").order_by()
            .annotate(payments=Count("id"), total=Sum("total"), reach=Coalesce(Sum("task__reach"), 0)))
    for row in rows:
        _merge(CampaignSpendTotal, {"campaign_id": row["task__campaign_id"], "currency": row["currency"]},
               {"payments": row["payments"], "total": row["total"], "reach": row["reach"]})


def _orm_publisher_activity(day: date, start: datetime, end: datetime) -> None:
    publisher_ids = (Task.objects.filter(publisher__isnull=False, joined_at__gte=start, joined_at__lt=end)
                     .values_list("publisher_id", flat=True).distinct())
    moves: dict[date, int] = defaultdict(int)  # change of the count per last join day
    for publisher_id in publisher_ids:
        activity, created = PublisherActivity.objects.get_or_create(
            publisher_id=publisher_id, defaults={"first_joined_on": day, "last_joined_on": day})
        if created:
            moves[day] += 1
            continue
        if activity.last_joined_on < day:
            moves[activity.last_joined_on] -= 1
            moves[day] += 1
            PublisherActivity.objects.filter(pk=activity.pk).update(last_joined_on=day)
        if activity.first_joined_on > day:
            PublisherActivity.objects.filter(pk=activity.pk).update(first_joined_on=day)
    for moved_day, publishers in moves.items():
        if publishers:
            _merge(PublisherLastJoinDay, {"day": moved_day}, {"publishers": publishers})
    PublisherLastJoinDay.objects.filter(publishers=0).delete()


# name: (roll one day in SQL on PostgreSQL, the same through the ORM elsewhere, first day with data)
ROLLUPS: dict[str, tuple[Callable, Callable, Callable[[], date | None]]] = {
    "task_day": (_roll_task_day, _orm_task_day, _first_task_review),
    "campaign_network_totals": (_roll_campaign_network_totals, _orm_campaign_network_totals, _first_task_review),
    "spend_day": (_roll_spend_day, _orm_spend_day, _first_payment),
    "campaign_spend_totals": (_roll_campaign_spend_totals, _orm_campaign_spend_totals, _first_payment),
    "publisher_activity": (_roll_publisher_activity, _orm_publisher_activity, _first_join),
}


def roll_up(name: str, until: date | None = None) -> int:
    """Roll every closed day after the watermark up to `until` (default: yesterday); returns days rolled."""
    in_sql, through_orm, first_day = ROLLUPS[name]
    roll_day = in_sql if connection.vendor == "postgresql" else through_orm
    last = until or today() - timedelta(days=1)
    last = min(last, today() - timedelta(days=1))  # today is never rolled: it is still changing
    mark = watermark(name)
    day = mark + timedelta(days=1) if mark else first_day()
    rolled = 0
    while day is not None and day <= last:
        with transaction.atomic():
            _, claimed = RollupRun.objects.get_or_create(name=name, day=day)
            if claimed:
                roll_day(day, day_start(day), day_start(day + timedelta(days=1)))
                rolled += 1
        day += timedelta(days=1)
    return rolled


def roll_up_everything(until: date | None = None) -> dict[str, int]:
    return {name: roll_up(name, until) for name in ROLLUPS}
