"""Building the daily rollups: each beat run rolls every closed day after the watermark, once.

A day is rolled inside one transaction that first claims its `RollupRun` key, so two
overlapping runs (or a repeated one) roll it exactly once. Facts only ever land on the
current day (tasks are reviewed, publishers join and payments are made "now"), so a closed
day never changes after it is rolled.

Publisher activity is also rolled before its day closes: merging joins is idempotent, so beat
rolls the recent joins every minute (`roll_up_recent_joins`) and the closed day rolls them again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

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
    RollupMark,
    RollupRun,
    SpendDay,
    TaskDay,
)

POSTED = ("accepted", "paid")  # Task statuses that count as an approved post.
# Recent joins are rolled every minute; the joined-influencer figures read the joins of the last LIVE_OVERLAP
# before the latest such roll again as live rows, so a join committed up to this long after its `joined_at`
# is counted at once (the overlap is deduplicated against the activity).
LIVE_OVERLAP = timedelta(minutes=5)
PUBLISHER_ACTIVITY_LOCK = 0x6373616374  # pg_advisory_xact_lock key ("csact")


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def today() -> date:
    return timezone.now().astimezone(UTC).date()


def watermark(name: str) -> date | None:
    """The latest day this rollup holds; every later day is read from the raw rows."""
    return RollupRun.objects.filter(name=name).aggregate(day=Max("day"))["day"]


def _utc_day(moment: datetime | None) -> date | None:
    return moment.astimezone(UTC).date() if moment else None


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


# Joins of [start, end) per influencer: their first and last join day (UTC).
_JOINS = """
    SELECT publisher_id, (min(joined_at) AT TIME ZONE 'UTC')::date AS first_day,
           (max(joined_at) AT TIME ZONE 'UTC')::date AS last_day
    FROM tasks_task WHERE publisher_id IS NOT NULL AND joined_at >= %(start)s AND joined_at < %(end)s
    GROUP BY publisher_id
"""


def _lock_publisher_activity() -> None:
    """The count per last join day is computed against the activity as it is: one roll at a time (closed day
    or recent joins). SQLite runs one writing transaction at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PUBLISHER_ACTIVITY_LOCK])


def _roll_publisher_joins(start: datetime, end: datetime) -> int:
    """Merge the joins of [start, end) into the activity; returns the influencers whose activity changed.

    Idempotent: rolling joins again changes nothing, so windows may overlap and a closed day may be rolled
    after its joins were rolled as recent ones."""
    _lock_publisher_activity()
    window = {"start": start, "end": end}
    with connection.cursor() as cursor:
        # One statement, so the count per last join day and the activity are written from one snapshot of
        # the joins: as two statements, a join committed between them moved the activity but not the count.
        # The count is computed against the activity as it was: an influencer whose last join moves later
        # leaves the count of their previous last day for the new one; a new one is added. Only activity
        # rows that change are written, so rolling recent joins every minute rewrites nothing twice.
        # (A data-modifying CTE runs whether or not the final SELECT reads it.)
        cursor.execute(
            f"""
            WITH joined AS ({_JOINS}), moved AS (
                SELECT a.last_joined_on AS previous, j.last_day FROM joined j
                LEFT JOIN campaign_stats_publisheractivity a ON a.publisher_id = j.publisher_id
                WHERE a.last_joined_on IS NULL OR a.last_joined_on < j.last_day
            ), counted AS (
                INSERT INTO campaign_stats_publisherlastjoinday AS d (day, publishers)
                SELECT day, sum(n) FROM (
                    SELECT previous AS day, -1 AS n FROM moved WHERE previous IS NOT NULL
                    UNION ALL
                    SELECT last_day, 1 FROM moved
                ) moves
                GROUP BY day
                ON CONFLICT (day) DO UPDATE SET publishers = d.publishers + EXCLUDED.publishers
                RETURNING 1
            ), changed AS (
                INSERT INTO campaign_stats_publisheractivity AS a (publisher_id, first_joined_on, last_joined_on)
                SELECT publisher_id, first_day, last_day FROM joined
                ON CONFLICT (publisher_id) DO UPDATE SET
                    first_joined_on = LEAST(a.first_joined_on, EXCLUDED.first_joined_on),
                    last_joined_on = GREATEST(a.last_joined_on, EXCLUDED.last_joined_on)
                WHERE a.first_joined_on > EXCLUDED.first_joined_on OR a.last_joined_on < EXCLUDED.last_joined_on
                RETURNING 1
            )
            SELECT count(*) FROM changed
            """,
            window,
        )
        changed = cursor.fetchone()[0]
        cursor.execute("DELETE FROM campaign_stats_publisherlastjoinday WHERE publishers = 0")
        return changed


def _roll_publisher_activity(day: date, start: datetime, end: datetime) -> None:
    _roll_publisher_joins(start, end)


def _first_task_review() -> date | None:
    return _utc_day(Task.objects.filter(status__in=POSTED).aggregate(at=Min("reviewed_at"))["at"])


def _first_payment() -> date | None:
    return _utc_day(Payment.objects.aggregate(at=Min("created_at"))["at"])


def _first_join() -> date | None:
    return _utc_day(Task.objects.filter(publisher__isnull=False).aggregate(at=Min("joined_at"))["at"])


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
    rows = (
        _posted_between(start, end)
        .values("campaign__advertiser_id")
        .order_by()
        .annotate(posts=Count("id"), reach=Coalesce(Sum("reach"), 0), engagement=Coalesce(Sum("engagement"), 0))
    )
    TaskDay.objects.bulk_create(
        [
            TaskDay(
                day=day,
                advertiser_id=row["campaign__advertiser_id"],
                posts=row["posts"],
                reach=row["reach"],
                engagement=row["engagement"],
            )
            for row in rows
        ]
    )


def _orm_campaign_network_totals(day: date, start: datetime, end: datetime) -> None:
    sums: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for campaign_id, networks, reach, engagement in (
        _posted_between(start, end).values_list("campaign_id", "networks", "reach", "engagement").iterator()
    ):
        for network in networks if isinstance(networks, list) else []:
            figures = sums[(campaign_id, network)]
            figures[0], figures[1], figures[2] = figures[0] + 1, figures[1] + reach, figures[2] + engagement
    for (campaign_id, network), (posts, reach, engagement) in sums.items():
        _merge(
            CampaignNetworkTotal,
            {"campaign_id": campaign_id, "network": network},
            {"posts": posts, "reach": reach, "engagement": engagement},
        )


def _orm_spend_day(day: date, start: datetime, end: datetime) -> None:
    SpendDay.objects.filter(day=day).delete()
    rows = (
        _paid_between(start, end)
        .values("advertiser_id", "currency", "charged_currency")
        .order_by()
        .annotate(
            payments=Count("id"), total=Sum("total"), charged=Sum("charged"), reach=Coalesce(Sum("task__reach"), 0)
        )
    )
    SpendDay.objects.bulk_create([SpendDay(day=day, **row) for row in rows])


def _orm_campaign_spend_totals(day: date, start: datetime, end: datetime) -> None:
    rows = (
        _paid_between(start, end)
        .values("task__campaign_id", "currency")
        .order_by()
        .annotate(payments=Count("id"), total=Sum("total"), reach=Coalesce(Sum("task__reach"), 0))
    )
    for row in rows:
        _merge(
            CampaignSpendTotal,
            {"campaign_id": row["task__campaign_id"], "currency": row["currency"]},
            {"payments": row["payments"], "total": row["total"], "reach": row["reach"]},
        )


def _orm_publisher_joins(start: datetime, end: datetime) -> int:
    _lock_publisher_activity()
    joins = (
        Task.objects.filter(publisher__isnull=False, joined_at__gte=start, joined_at__lt=end)
        .values("publisher_id")
        .order_by()
        .annotate(first=Min("joined_at"), last=Max("joined_at"))
    )
    moves: dict[date, int] = defaultdict(int)  # change of the count per last join day
    changed = 0
    for row in joins:
        first_day, last_day = _utc_day(row["first"]), _utc_day(row["last"])
        activity, created = PublisherActivity.objects.get_or_create(
            publisher_id=row["publisher_id"], defaults={"first_joined_on": first_day, "last_joined_on": last_day}
        )
        updates = {}
        if created:
            moves[last_day] += 1
        elif activity.last_joined_on < last_day:
            moves[activity.last_joined_on] -= 1
            moves[last_day] += 1
            updates["last_joined_on"] = last_day
        if not created and activity.first_joined_on > first_day:
            updates["first_joined_on"] = first_day
        if updates:
            PublisherActivity.objects.filter(pk=activity.pk).update(**updates)
        changed += bool(created or updates)
    for moved_day, publishers in moves.items():
        if publishers:
            _merge(PublisherLastJoinDay, {"day": moved_day}, {"publishers": publishers})
    PublisherLastJoinDay.objects.filter(publishers=0).delete()
    return changed


def _orm_publisher_activity(day: date, start: datetime, end: datetime) -> None:
    _orm_publisher_joins(start, end)


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


def roll_up_recent_joins(now: datetime | None = None) -> int:
    """Roll the joins since the previous run (from LIVE_OVERLAP before it) into the publisher activity, so
    the live part of the joined-influencer figures is minutes of joins, not a day's.

    Runs after the closed-day rollup has started (its watermark); returns the influencers whose activity
    changed. A join committed more than LIVE_OVERLAP after its `joined_at` is missed here and rolled with
    its closed day.
    """
    until = now or timezone.now()
    with transaction.atomic():
        _lock_publisher_activity()
        start = joins_rolled_before()
        if start is None:
            return 0
        roll = _roll_publisher_joins if connection.vendor == "postgresql" else _orm_publisher_joins
        changed = roll(start, until)
        RollupMark.objects.update_or_create(name="publisher_activity", defaults={"until": until})
    return changed


def joins_rolled_before() -> datetime | None:
    """The moment before which every join is in the publisher activity (the closed days rolled, then the
    recent joins up to LIVE_OVERLAP before their latest roll); None while nothing is rolled."""
    mark = watermark("publisher_activity")
    if mark is None:
        return None
    moment = day_start(mark + timedelta(days=1))
    recent = RollupMark.objects.filter(name="publisher_activity").values_list("until", flat=True).first()
    return max(moment, recent - LIVE_OVERLAP) if recent is not None else moment
