"""A lead's advertiser, job and target are checked once per statement by triggers (migration leads 0006)
instead of per row by foreign keys: the same refusals, locks and concurrent outcomes as the constraints."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from accounts.models import Advertiser
from leads.connectors.base import Profile
from leads.ingest import LeadSource, upsert_leads
from leads.models import Lead, ScrapeJob

from ..factories import AdvertiserFactory
from .factories import JobFactory, LeadFactory, TargetFactory

pytestmark = pytest.mark.django_db
MISSING = 2_000_000_000


def profiles(*usernames: str) -> list[Profile]:
    return [Profile(platform="instagram", username=name) for name in usernames]


def check_deferred() -> None:
    """Fire the deferred checks now, as a commit would (the test's transaction never commits)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_a_batch_for_a_missing_advertiser_is_refused_and_stores_nothing():
    with pytest.raises(IntegrityError, match="accounts_advertiser"), transaction.atomic():
        upsert_leads(LeadSource(MISSING), profiles("ann", "bob"))
    assert not Lead.objects.exists()


@pytest.mark.parametrize("reference", ["job_id", "target_id"])
def test_a_batch_naming_a_missing_job_or_target_is_refused(reference):
    source = LeadSource(AdvertiserFactory().pk, **{reference: MISSING})
    with pytest.raises(IntegrityError, match=reference), transaction.atomic():
        upsert_leads(source, profiles("ann"))
    assert not Lead.objects.exists()


def test_a_batch_with_existing_references_is_stored():
    job = JobFactory()
    target = TargetFactory(advertiser=job.advertiser)
    upsert_leads(LeadSource(job.advertiser_id, job_id=job.pk, target_id=target.pk), profiles("ann"))
    assert Lead.objects.values_list("job_id", "target_id").get() == (job.pk, target.pk)


def test_an_update_pointing_a_lead_at_a_missing_job_is_refused():
    lead = LeadFactory(job=JobFactory())
    with pytest.raises(IntegrityError, match="leads_scrapejob"), transaction.atomic():
        Lead.objects.filter(pk=lead.pk).update(job_id=MISSING)
    assert Lead.objects.get(pk=lead.pk).job_id == lead.job_id


@pytest.mark.parametrize("table", ["leads_scrapejob", "leads_target"])
def test_deleting_a_referenced_row_behind_djangos_back_is_refused(table):
    job = JobFactory()
    lead = LeadFactory(advertiser=job.advertiser, job=job, target=TargetFactory(advertiser=job.advertiser))
    row_id = lead.job_id if table == "leads_scrapejob" else lead.target_id
    with pytest.raises(IntegrityError, match='from table "leads_lead"'), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM leads_jobplan WHERE job_id = %s", [job.pk])  # the job's other reference
            cursor.execute(f"DELETE FROM {table} WHERE id = %s", [row_id])  # noqa: S608 - fixed names
        check_deferred()


def test_deleting_a_referenced_advertiser_behind_djangos_back_is_refused():
    lead = LeadFactory()
    with pytest.raises(IntegrityError, match='from table "leads_lead"'), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM leads_leadcount WHERE advertiser_id = %s", [lead.advertiser_id])
            cursor.execute("DELETE FROM accounts_advertiser WHERE id = %s", [lead.advertiser_id])
        check_deferred()


def test_django_deletes_still_null_the_job_and_target_and_cascade_the_advertiser():
    job = JobFactory()
    target = TargetFactory(advertiser=job.advertiser)
    lead = LeadFactory(advertiser=job.advertiser, job=job, target=target)
    job.delete()
    target.delete()
    check_deferred()
    assert Lead.objects.values_list("job_id", "target_id").get(pk=lead.pk) == (None, None)
    Advertiser.objects.filter(pk=lead.advertiser_id).delete()
    check_deferred()
    assert not Lead.objects.exists()


def test_deleting_an_advertiser_takes_its_jobs_targets_and_leads_with_it():
    job = JobFactory()
    LeadFactory.create_batch(3, advertiser=job.advertiser, job=job, target=TargetFactory(advertiser=job.advertiser))
    Advertiser.objects.filter(pk=job.advertiser_id).delete()
    check_deferred()
    assert not Lead.objects.exists() and not ScrapeJob.objects.filter(pk=job.pk).exists()


def in_thread(work, outcome: dict) -> threading.Thread:
    """Start `work` on its own connection; `outcome` records "done" or, refused, the error's text."""

    def run():
        try:
            work()
            outcome["done"] = True
        except IntegrityError as exc:
            outcome["refused"] = str(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def kept_open(work, done: threading.Event, release: threading.Event):
    """`work` in a transaction that stays open, after `done` is set, until `release` is."""

    def run():
        with transaction.atomic():
            work()
            done.set()
            release.wait(10)

    return run


def blocked_on_a_lock(waiter: threading.Thread, timeout: float = 10.0) -> bool:
    """Whether PostgreSQL shows a session of this database waiting for a lock while `waiter` runs:
    proof that it waits, rather than a guess from how long it took."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while waiter.is_alive() and time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


def race(first, second) -> tuple[bool, dict, dict]:
    """Run `first` in an open transaction, then `second` beside it; returns whether `second` waited for
    `first`'s locks, and both outcomes."""
    done, release, first_outcome, second_outcome = threading.Event(), threading.Event(), {}, {}
    holder = in_thread(kept_open(first, done, release), first_outcome)
    done.wait(10)
    waiter = in_thread(second, second_outcome)
    waited = blocked_on_a_lock(waiter)
    release.set()
    holder.join(10)
    waiter.join(10)
    return waited, first_outcome, second_outcome


@pytest.mark.django_db(transaction=True)
def test_an_open_ingest_keeps_its_advertiser_from_being_deleted():
    advertiser = AdvertiserFactory()
    waited, _, deletion = race(
        lambda: upsert_leads(LeadSource(advertiser.pk), profiles("ann")),
        lambda: Advertiser.objects.filter(pk=advertiser.pk).delete(),
    )
    assert waited and "refused" in deletion
    assert Lead.objects.filter(advertiser=advertiser).count() == 1


@pytest.mark.django_db(transaction=True)
def test_an_ingest_racing_the_deletion_of_its_advertiser_is_refused():
    advertiser = AdvertiserFactory()
    waited, _, ingest = race(
        lambda: Advertiser.objects.filter(pk=advertiser.pk).delete(),
        lambda: upsert_leads(LeadSource(advertiser.pk), profiles("ann")),
    )
    assert waited and "accounts_advertiser" in ingest.get("refused", "")
    assert not Lead.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_deleting_a_job_under_repeatable_read_is_refused():
    job = JobFactory()
    with pytest.raises(OperationalError, match="READ COMMITTED"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        ScrapeJob.objects.filter(pk=job.pk).delete()
    assert ScrapeJob.objects.filter(pk=job.pk).exists()
