"""update_each: many rows, each with its own values, in one statement (PostgreSQL) or bulk_update (elsewhere)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from leadplatform.bulk_update import update_each
from leads.intel.models import CompanyScore

from .factories import AdvertiserFactory
from .intel.factories import CompanyFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def rows():
    advertiser, now = AdvertiserFactory(), timezone.now()
    return [
        CompanyScore.objects.create(advertiser=advertiser, company=CompanyFactory(), anchored_at=now) for _ in range(3)
    ]


def test_each_row_gets_its_own_values(rows):
    later = timezone.now() + timedelta(days=1)
    for n, row in enumerate(rows):
        row.points, row.anchored_at, row.top_pages = n * 1.5, later, {"/pricing": n}
    update_each(rows, ["points", "anchored_at", "top_pages"])
    stored = list(CompanyScore.objects.order_by("pk").values_list("points", "anchored_at", "top_pages"))
    assert stored == [(n * 1.5, later, {"/pricing": n}) for n in range(3)]


def test_fields_not_named_are_left_alone(rows):
    rows[0].points, rows[0].sessions = 9.0, 99
    update_each(rows[:1], ["points"])
    assert CompanyScore.objects.filter(pk=rows[0].pk).values_list("points", "sessions").get() == (9.0, 0)


@pytest.mark.postgresql(reason="the one-statement form is PostgreSQL's")
def test_any_number_of_rows_is_one_statement(rows):
    with CaptureQueriesContext(connection) as queries:
        update_each(rows, ["points"])
    assert len(queries) == 1


def test_no_rows_is_no_statement():
    with CaptureQueriesContext(connection) as queries:
        assert update_each([], ["points"]) == 0
    assert len(queries) == 0
