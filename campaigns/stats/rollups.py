"""Building the daily rollups: each beat run rolls every closed day after the watermark, once.

A day is rolled inside one transaction that first claims its `RollupRun` key, so two
overlapping runs (or a repeated one) roll it exactly once. Facts only ever land on the
current day (tasks are reviewed, publishers join and payments are made "now"), so a closed
day never changes after it is rolled.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone as dt_timezone

from django.db import connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from tasks.models import Payment, Task

from .models import RollupRun

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


# name: (roll one day, first day with data)
ROLLUPS: dict[str, tuple[Callable[[date, datetime, datetime], None], Callable[[], date | None]]] = {
    "task_day": (_roll_task_day, _first_task_review),
    "campaign_network_totals": (_roll_campaign_network_totals, _first_task_review),
    "spend_day": (_roll_spend_day, _first_payment),
    "campaign_spend_totals": (_roll_campaign_spend_totals, _first_payment),
    "publisher_activity": (_roll_publisher_activity, _first_join),
}


def roll_up(name: str, until: date | None = None) -> int:
    """Roll every closed day after the watermark up to `until` (default: yesterday); returns days rolled."""
    roll_day, first_day = ROLLUPS[name]
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
