"""Lead ingest: one merge per batch through the COPY staging table, freshest values kept."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from leads.connectors.base import Profile
from leads.ingest import LeadSource, upsert_leads
from leads.models import Lead, LeadCount

from ..factories import AdvertiserFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def profile(username: str, **fields) -> Profile:
    return Profile(platform="instagram", username=username, **fields)


@pytest.fixture
def source():
    return LeadSource(AdvertiserFactory().pk, source_type="followers")


def test_a_key_repeated_in_one_batch_is_stored_once_with_its_last_values(source):
    upsert_leads(source, [profile("@Ann", full_name="First"), profile("ann", full_name="Last")])
    assert list(Lead.objects.values_list("username", "full_name")) == [("ann", "Last")]


def test_a_later_batch_keeps_stored_values_it_does_not_report(source):
    upsert_leads(source, [profile("ann", full_name="Ann", followers=10, emails=["ann@mail.example"])])
    upsert_leads(source, [profile("ann", followers=12)])
    assert Lead.objects.values("full_name", "followers", "emails", "outreach_ready").get() == {
        "full_name": "Ann",
        "followers": 12,
        "emails": "ann@mail.example",
        "outreach_ready": True,
    }


def test_a_stale_batch_changes_nothing(source):
    now = timezone.now()
    upsert_leads(source, [profile("ann", followers=12)], now=now)
    assert upsert_leads(source, [profile("ann", followers=1)], now=now - timedelta(hours=1)) == 0


def test_two_batches_in_one_transaction_both_land(source):
    with transaction.atomic():
        upsert_leads(source, [profile("ann"), profile("bob")])
        upsert_leads(source, [profile("bob"), profile("cid")])
    assert Lead.objects.count() == 3


@pytest.mark.postgresql(reason="PostgreSQL triggers keep the lead counts")
def test_the_kept_counts_equal_the_rows(source):
    upsert_leads(source, [profile(f"u{n}", emails=["x@mail.example"] if n % 3 == 0 else []) for n in range(30)])
    upsert_leads(source, [profile(f"u{n}", emails=["y@mail.example"]) for n in range(20, 40)])
    counted = {
        ready: sum(LeadCount.objects.filter(outreach_ready=ready).values_list("count", flat=True))
        for ready in (True, False)
    }
    actual = {ready: Lead.objects.filter(outreach_ready=ready).count() for ready in (True, False)}
    assert counted == actual


@pytest.mark.postgresql(reason="concurrent batches in threads; SQLite takes one writer at a time")
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_sharing_keys_in_opposite_orders_do_not_deadlock(source):
    names = [f"shared{n:04d}" for n in range(5000)]
    upsert_leads(source, [profile(name) for name in names])  # both batches then lock existing rows
    barrier, errors = threading.Barrier(2), []

    def ingest(order):
        try:
            barrier.wait()
            with transaction.atomic():
                upsert_leads(source, [profile(name, followers=len(order)) for name in order])
        except Exception as exc:  # noqa: BLE001 - the assertion reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=ingest, args=(order,)) for order in (names, names[::-1])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (errors, Lead.objects.count()) == ([], 5000)
