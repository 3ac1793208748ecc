"""Counts by current state kept by triggers (tasks by status, publishers by status and sex): every figure
built on them equals the raw COUNT after any kind of write, before and after the deltas are folded, with
concurrent writers too."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, transaction
from django.db.models import Count

from accounts.models import Publisher
from campaigns.models import Campaign
from campaigns.stats import figures
from campaigns.stats.counts import fold_state_counts, state_counts
from campaigns.stats.models import StateCount
from tasks import services
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, TaskFactory
from ..factories import PublisherFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = pytest.mark.sqlite


def raw_counts(model, column: str = "status") -> dict[str, int]:
    return dict(model.objects.order_by().values_list(column).annotate(n=Count("id")))


def raw_pending() -> dict[str, int]:
    return {
        "pending_campaigns": Campaign.objects.filter(status="pending").count(),
        "pending_tasks": Task.objects.filter(status="pending").count(),
        "pending_approvals": Task.objects.filter(status="under_review").count(),
    }


def kept_figures() -> dict:
    """Every figure built on the trigger-kept counts."""
    return {
        "tasks": state_counts("task_status"),
        "publishers": state_counts("publisher_status"),
        "sexes": state_counts("publisher_sex"),
        "pending": figures.pending_counts(),
        "publisher_status": figures.publisher_status_counts(),
        "potential": figures.potential_publishers(),
        "sex_shares": figures.sex_shares(),
    }


def raw_figures() -> dict:
    """The same figures counted straight from the raw rows."""
    publishers = raw_counts(Publisher)
    registered = sum(publishers.values())
    joined = Task.objects.filter(publisher__isnull=False).values("publisher").distinct().count()
    sexes = raw_counts(Publisher, "sex")
    known = sum(sexes.get(sex, 0) for sex in Publisher.Sex.values)
    return {
        "tasks": raw_counts(Task),
        "publishers": publishers,
        "sexes": sexes,
        "pending": raw_pending(),
        "publisher_status": {status: publishers.get(status, 0) for status in Publisher.Status.values},
        "potential": {
            "potential_publishers": registered - joined,
            "conversion_rate": round(joined / registered, 4) if registered else 0.0,
        },
        "sex_shares": {
            sex: round(sexes.get(sex, 0) * 100 / known, 1) if known else 0.0 for sex in Publisher.Sex.values
        },
    }


def kept_and_raw(folded: bool) -> tuple[dict, dict]:
    """(trigger-kept figures, the same from the raw rows), after folding the deltas or not."""
    if folded:
        fold_state_counts()
    return kept_figures(), raw_figures()


FOLDED = pytest.mark.parametrize("folded", [False, True], ids=["deltas", "folded"])


@FOLDED
def test_counts_follow_created_tasks_and_publishers(world, folded):
    TaskFactory.create_batch(3, campaign=world.campaign, status="under_review")
    PublisherFactory(status=Publisher.Status.SUSPENDED, sex="")
    kept, raw = kept_and_raw(folded)
    assert kept == raw


@FOLDED
def test_counts_follow_status_moves_through_the_services(world, staff, folded):
    services.approve_task(world.review_task, staff.user)
    services.pay_task(world.review_task, staff.user)
    services.leave_task(world.pending_task, world.pending_task.publisher)
    kept, raw = kept_and_raw(folded)
    assert kept == raw


@FOLDED
def test_counts_follow_bulk_updates(world, folded):
    Task.objects.filter(status="pending").update(status="under_review")
    Task.objects.filter(pk=world.foreign_task.pk).update(status="rejected")
    Publisher.objects.filter(pk=world.publisher.pk).update(status=Publisher.Status.INACTIVE, sex="male")
    kept, raw = kept_and_raw(folded)
    assert kept == raw


@FOLDED
def test_counts_follow_deleted_tasks_and_cascades(world, folded):
    Task.objects.filter(pk=world.review_task.pk).delete()
    world.publisher.user.delete()  # user → publisher → their tasks
    world.foreign_campaign.delete()  # campaign → its tasks
    kept, raw = kept_and_raw(folded)
    assert kept == raw


def test_an_update_that_moves_no_status_appends_no_delta(world):
    before = StateCount.objects.count()
    Task.objects.update(reach=123, engagement=4)
    Publisher.objects.update(banned=True)
    assert StateCount.objects.count() == before


def test_a_fold_leaves_one_row_per_status(world):
    TaskFactory.create_batch(2, campaign=world.campaign)
    Task.objects.filter(status="pending").update(status="left")
    fold_state_counts()
    rows = list(StateCount.objects.values_list("name", "key"))
    assert sorted(rows) == sorted({(name, key) for name, key in rows})


def test_the_embedded_mode_counts_the_rows_and_gets_the_same_figures(world):
    """SQLite has no triggers: there the figures are plain COUNTs, equal to the trigger-kept ones."""
    Task.objects.filter(status="pending").update(status="under_review")
    kept = kept_figures()
    with mock.patch.object(connection, "vendor", "sqlite"):
        assert kept_figures() == kept


@pytest.mark.postgresql(reason="on SQLite the figures are counted from the rows, by design")
def test_state_figures_do_not_read_the_counted_tables(world):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        figures.pending_counts()
        figures.publisher_status_counts()
        figures.sex_shares()
    assert not [q["sql"] for q in queries if "tasks_task" in q["sql"] or "accounts_publisher" in q["sql"]]


@pytest.mark.postgresql(reason="concurrent writers in threads; SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_a_fold_is_exact_while_a_writer_commits_around_it():
    """A writer's deltas not yet committed when the fold runs are neither folded nor lost."""
    campaign = CampaignFactory()
    TaskFactory.create_batch(3, campaign=campaign)
    written, folded = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                TaskFactory.create_batch(2, campaign=campaign, status="under_review")
                Task.objects.filter(campaign=campaign, status="pending").update(status="left")
                written.set()
                folded.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    fold_state_counts()
    folded.set()
    thread.join(10)
    assert state_counts("task_status") == raw_counts(Task)


@pytest.mark.postgresql(reason="concurrent writers in threads; SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_folds_are_exact_under_concurrent_writers():
    campaign = CampaignFactory()
    publishers = PublisherFactory.create_batch(40)
    stop = threading.Event()
    errors = []

    def writer(mine):
        try:
            for publisher in mine:
                task = TaskFactory(campaign=campaign, publisher=publisher)
                Task.objects.filter(pk=task.pk).update(status="under_review")
                Task.objects.filter(pk=task.pk).update(status="rejected")
                Publisher.objects.filter(pk=publisher.pk).update(status=Publisher.Status.INACTIVE)
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    def folder():
        try:
            while not stop.is_set():
                fold_state_counts()
        finally:
            connection.close()

    writers = [threading.Thread(target=writer, args=(publishers[i::2],)) for i in range(2)]
    folders = [threading.Thread(target=folder) for _ in range(2)]
    for thread in writers + folders:
        thread.start()
    for thread in writers:
        thread.join(60)
    stop.set()
    for thread in folders:
        thread.join(60)
    assert not errors
    assert (state_counts("task_status"), state_counts("publisher_status")) == (raw_counts(Task), raw_counts(Publisher))


@pytest.mark.postgresql(reason="the deltas are appended by PostgreSQL triggers")
def test_the_beat_task_folds_the_deltas(world):
    from campaigns.stats.tasks import fold_state_count_deltas

    Task.objects.filter(status="pending").update(status="left")
    assert fold_state_count_deltas() > 0
