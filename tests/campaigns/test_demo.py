"""Demo data: every campaign and task status for both advertisers, payments and invoices; idempotent."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts import demo as account_demo
from accounts.models import Publisher
from campaigns import demo
from campaigns.models import Campaign, Category, City, Country, Invoice
from campaigns.services import NotEligible, ensure_publisher_matches
from tasks.models import Payment, Task
from tasks.services import joining_window_open, refusal_to_complete

pytestmark = pytest.mark.django_db


def seed_once() -> dict:
    credentials: dict = {}
    with transaction.atomic():
        account_demo.seed(credentials)
    with transaction.atomic():
        demo.seed(credentials)
    return credentials


def seed_twice() -> dict:
    credentials: dict = {}
    for _ in range(2):
        credentials = {}
        with transaction.atomic():
            account_demo.seed(credentials)
        with transaction.atomic():
            demo.seed(credentials)
    return credentials


def test_seed_covers_every_status_and_is_idempotent():
    credentials = seed_twice()
    assert len(credentials["campaigns"]) == 2
    assert Category.objects.count() == len(demo.CATEGORIES)
    assert Country.objects.count() == len(demo.LOCATIONS) and City.objects.exists()
    for advertiser in credentials["campaigns"]:
        statuses = set(
            Campaign.objects.filter(advertiser_id=advertiser["advertiser_id"]).values_list("status", flat=True)
        )
        assert statuses == set(Campaign.Status.values)
        tasks = Task.objects.filter(campaign__advertiser_id=advertiser["advertiser_id"])
        assert set(tasks.values_list("status", flat=True)) == set(Task.Status.values)
        assert Payment.objects.filter(advertiser_id=advertiser["advertiser_id"]).count() == 1
        assert Invoice.objects.filter(advertiser_id=advertiser["advertiser_id"]).count() == 4
    assert Task.objects.count() == 2 * len(demo.TASKS)


# Month ends, a leap day, and both European DST changes (at 01:30 UTC the clocks jump).
CALENDAR_DAYS = [
    ("2026-01-31 12:00", "UTC"),
    ("2026-03-31 12:00", "UTC"),
    ("2026-05-31 23:30", "UTC"),
    ("2026-11-30 12:00", "UTC"),
    ("2026-12-31 23:59", "UTC"),
    ("2028-02-29 12:00", "UTC"),
    ("2026-03-29 01:30", "Europe/Berlin"),
    ("2026-10-25 01:30", "Europe/Berlin"),
]


@pytest.mark.parametrize(("moment", "zone"), CALENDAR_DAYS)
def test_seed_gives_four_invoices_in_four_months_on_any_day(moment, zone, settings):
    settings.TIME_ZONE = zone
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=UTC), tick=False):
        seed_twice()
        months = Invoice.objects.values_list("advertiser_id", "date")
        by_advertiser: dict[int, set] = {}
        for advertiser_id, day in months:
            by_advertiser.setdefault(advertiser_id, set()).add((day.year, day.month))
    assert [len(found) for found in by_advertiser.values()] == [4, 4]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 1, date(2026, 2, 28)),
        (date(2026, 1, 15), 2, date(2025, 11, 15)),
        (date(2028, 2, 29), 12, date(2027, 2, 28)),
        (date(2026, 12, 31), 0, date(2026, 12, 28)),
    ],
)
def test_months_before_steps_calendar_months(day, months, expected):
    assert demo.months_before(day, months) == expected


# ------------------------------------------------------------------------------
# Something to do in the influencer app for every demo influencer
# ------------------------------------------------------------------------------
def demo_publishers():
    return [Publisher.objects.get(user__username=spec["username"]) for spec in account_demo.PUBLISHERS]


def may_join(campaign, publisher) -> bool:
    try:
        ensure_publisher_matches(campaign, publisher)
    except NotEligible:
        return False
    return joining_window_open(campaign, timezone.now())


def unjoined_active_campaigns(publisher):
    joined = Task.objects.filter(publisher=publisher, status__in=Task.OPEN_STATUSES).values("campaign_id")
    return [
        c
        for c in Campaign.objects.filter(status=Campaign.Status.ACTIVE).exclude(pk__in=joined)
        if may_join(c, publisher)
    ]


def completable_tasks(publisher):
    return [
        t
        for t in Task.objects.filter(publisher=publisher).select_related("campaign")
        if refusal_to_complete(t, timezone.now()) is None
    ]


def seed_demo(runs: int) -> None:
    """The whole `seed_demo` command, every app's demo module, `runs` times."""
    for _ in range(runs):
        call_command("seed_demo", "--json", stdout=io.StringIO())


@pytest.mark.parametrize("runs", [1, 2])
def test_every_demo_publisher_has_an_unjoined_active_campaign(runs):
    seed_demo(runs)
    assert all(unjoined_active_campaigns(p) for p in demo_publishers())


@pytest.mark.parametrize("runs", [1, 2])
def test_every_demo_publisher_has_a_pending_task_to_complete(runs):
    seed_demo(runs)
    assert all(completable_tasks(p) for p in demo_publishers())


def test_a_seeded_pending_task_that_ran_out_of_time_is_reopened():
    seed_once()
    Task.objects.filter(status=Task.Status.PENDING).update(deadline=timezone.now() - timedelta(hours=1))
    seed_once()
    assert all(completable_tasks(p) for p in demo_publishers())
