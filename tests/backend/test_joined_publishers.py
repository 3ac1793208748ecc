"""Joined and active influencers: the rolled ones counted per last join day (kept by the publisher_activity
rollup and the roll of recent joins, in SQL and through the ORM) plus the live ones, equal to the raw rows
however often they rejoin and whichever roll saw their joins first."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from campaigns.stats import figures
from campaigns.stats.models import PublisherActivity, PublisherLastJoinDay
from campaigns.stats.rollups import LIVE_OVERLAP, roll_up, roll_up_recent_joins
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, TaskFactory
from ..factories import PublisherFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = pytest.mark.sqlite
# The `sql` cases run the rollups' PostgreSQL statements (the vendor patched): PostgreSQL only.
SQL_FORM = pytest.mark.postgresql(reason="the PostgreSQL SQL form of the rollup")


def _days_ago(days: int):
    return timezone.now() - timedelta(days=days)


def _earlier_today():
    """A moment earlier today (UTC): an hour ago, or half the time since midnight when that is shorter."""
    now = timezone.now()
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    return now - min(timedelta(hours=1), since_midnight / 2)


@pytest.fixture
def rejoining(world):
    """Influencers who join on several days (different campaigns, 40 to 3 days ago), so rolling a day moves
    them between last join days. The first joined once, 40 days ago."""
    campaigns = [world.campaign, world.foreign_campaign, CampaignFactory(), CampaignFactory()]
    publishers = PublisherFactory.create_batch(6)
    for i, publisher in enumerate(publishers):
        for j, campaign in enumerate(campaigns[: 1 + i % 4]):
            TaskFactory(campaign=campaign, publisher=publisher, status="left", joined_at=_days_ago(40 - i * 5 - j * 4))
    return campaigns, publishers


def raw_last_join_days() -> dict:
    return dict(PublisherActivity.objects.order_by().values_list("last_joined_on").annotate(n=Count("id")))


def raw_joined_and_active() -> tuple[int, int]:
    since = timezone.localdate() - timedelta(days=figures.ACTIVE_DAYS - 1)
    joined = Task.objects.filter(publisher__isnull=False)
    return (
        joined.values("publisher").distinct().count(),
        joined.filter(joined_at__date__gte=since).values("publisher").distinct().count(),
    )


def joined_and_active() -> tuple[int, int]:
    since = timezone.localdate() - timedelta(days=figures.ACTIVE_DAYS - 1)
    return figures.joined_publisher_count(), figures.joined_publisher_count(since=since)


@pytest.mark.parametrize("vendor", [pytest.param("postgresql", marks=SQL_FORM), "sqlite"], ids=["sql", "orm"])
def test_last_join_days_count_the_rolled_activity(rejoining, vendor):
    with mock.patch.object(connection, "vendor", vendor):
        for days_ago in (30, 20, 10, 1):  # several runs: later runs move publishers rolled by earlier ones
            roll_up("publisher_activity", until=timezone.localdate() - timedelta(days=days_ago))
    assert dict(PublisherLastJoinDay.objects.values_list("day", "publishers")) == raw_last_join_days()


def test_joined_and_active_publishers_equal_the_raw_rows_after_rolling(rejoining):
    campaigns, publishers = rejoining
    roll_up("publisher_activity", until=timezone.localdate() - timedelta(days=12))
    TaskFactory(campaign=campaigns[2], publisher=PublisherFactory())  # new today
    TaskFactory(campaign=campaigns[3], publisher=publishers[0])  # rolled, inactive for 40 days, back today
    assert joined_and_active() == raw_joined_and_active()


@pytest.mark.parametrize("vendor", [pytest.param("postgresql", marks=SQL_FORM), "sqlite"], ids=["sql", "orm"])
def test_recent_joins_rolled_before_their_day_closes_are_counted_once(rejoining, vendor):
    """Days rolled first as recent joins (several overlapping runs), then again when they close."""
    with mock.patch.object(connection, "vendor", vendor):
        roll_up("publisher_activity", until=timezone.localdate() - timedelta(days=25))
        for days_ago in (20, 20, 9, 4):
            roll_up_recent_joins(now=_days_ago(days_ago))
        roll_up("publisher_activity")
    assert dict(PublisherLastJoinDay.objects.values_list("day", "publishers")) == raw_last_join_days()


def test_joined_and_active_publishers_equal_the_raw_rows_with_recent_joins_rolled(rejoining):
    campaigns, publishers = rejoining
    roll_up("publisher_activity")
    TaskFactory(campaign=campaigns[2], publisher=PublisherFactory(), joined_at=_earlier_today())
    roll_up_recent_joins()
    TaskFactory(campaign=campaigns[3], publisher=publishers[0])  # rolled, inactive for 40 days, back now
    # Committed after the roll, joined before it: still live, through the overlap.
    TaskFactory(campaign=campaigns[3], publisher=PublisherFactory(), joined_at=timezone.now() - LIVE_OVERLAP / 2)
    assert joined_and_active() == raw_joined_and_active()


def test_rolling_the_same_recent_joins_again_writes_nothing(rejoining):
    roll_up("publisher_activity")
    TaskFactory(campaign=rejoining[0][2], publisher=PublisherFactory())
    first, again = roll_up_recent_joins(), roll_up_recent_joins()
    assert first > 0 and again == 0


def test_recent_joins_wait_for_the_closed_day_rollup(rejoining):
    assert roll_up_recent_joins() == 0 and not PublisherActivity.objects.exists()


@pytest.mark.postgresql(reason="concurrent rolls in threads; SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_rolls_of_recent_joins_keep_the_last_join_days_exact():
    import threading

    campaigns = CampaignFactory.create_batch(3)
    publishers = PublisherFactory.create_batch(30)
    TaskFactory(campaign=campaigns[0], publisher=publishers[0], status="left", joined_at=_days_ago(3))
    roll_up("publisher_activity")
    stop, errors = threading.Event(), []

    def in_thread(work):
        def run():
            try:
                work()
            except Exception as exc:  # reported by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        return threading.Thread(target=run)

    def join_campaigns():
        for campaign in campaigns:
            for publisher in publishers:
                TaskFactory(campaign=campaign, publisher=publisher, status="left")

    def roll():
        while not stop.is_set():
            roll_up_recent_joins()

    writer, rollers = in_thread(join_campaigns), [in_thread(roll) for _ in range(2)]
    for thread in (writer, *rollers):
        thread.start()
    writer.join(60)
    stop.set()
    for thread in rollers:
        thread.join(60)
    roll_up_recent_joins()
    assert not errors
    assert dict(PublisherLastJoinDay.objects.values_list("day", "publishers")) == raw_last_join_days()


@pytest.mark.postgresql(reason="a join committed by another thread mid-roll; SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_join_committed_while_a_roll_runs_moves_the_count_with_the_activity():
    """A join committed by another connection right after the roll's count is written (its `joined_at` a
    little earlier, as in a transaction that took its time) must be seen by both the count and the
    activity or by neither; otherwise its influencer is never counted."""
    import threading

    campaign = CampaignFactory()
    TaskFactory(campaign=campaign, publisher=PublisherFactory(), status="left", joined_at=_days_ago(3))
    roll_up("publisher_activity")
    latecomer = PublisherFactory()

    def commit_a_join():
        try:
            joined_at = timezone.now() - timedelta(seconds=30)
            TaskFactory(campaign=campaign, publisher=latecomer, status="left", joined_at=joined_at)
        finally:
            connection.close()

    def join_after_the_count_is_written(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "publisherlastjoinday AS d" in sql and not joined.is_set():
            joined.set()
            writer = threading.Thread(target=commit_a_join)
            writer.start()
            writer.join(30)
        return result

    joined = threading.Event()
    with connection.execute_wrapper(join_after_the_count_is_written):
        roll_up_recent_joins()
    roll_up_recent_joins()
    assert joined.is_set()
    assert dict(PublisherLastJoinDay.objects.values_list("day", "publishers")) == raw_last_join_days()
