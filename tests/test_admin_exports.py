"""CSV and XLSX exports of selected rows from admin: tasks, payments, invoices, visit sessions, leads, web results.

Each export has its header and only the rows selected, never another advertiser's (the action's
queryset is the admin's scoped one), in a constant number of queries; XLSX keeps money as numbers
and dates as dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Membership
from campaigns.export_columns import INVOICES
from leads.export_columns import WEB_RESULTS
from leads.exports import LEAD_COLUMNS
from leads.intel.export_columns import VISIT_SESSIONS
from tasks.export_columns import PAYMENTS, TASKS

from .campaigns.factories import InvoiceFactory, PaymentFactory, SubmissionFactory, TaskFactory
from .factories import MembershipFactory
from .intel.factories import VisitSessionFactory
from .leads.factories import LeadFactory
from .web.factories import WebResultFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Export:
    changelist: str
    make: Callable[[Any], Any]
    header: list[str]
    key_column: str = "id"

    def key(self, row) -> str:
        return row.number if self.key_column == "number" else str(row.pk)


EXPORTS = {
    "tasks": Export(
        "admin:tasks_task_changelist", lambda adv: TaskFactory(campaign__advertiser=adv), [c.header for c in TASKS]
    ),
    "payments": Export(
        "admin:tasks_payment_changelist",
        lambda adv: PaymentFactory(task__campaign__advertiser=adv),
        [c.header for c in PAYMENTS],
    ),
    "invoices": Export(
        "admin:campaigns_invoice_changelist",
        lambda adv: InvoiceFactory(advertiser=adv),
        [c.header for c in INVOICES],
        key_column="number",
    ),
    "visit sessions": Export(
        "admin:intel_visitsession_changelist",
        lambda adv: VisitSessionFactory(site__advertiser=adv),
        [c.header for c in VISIT_SESSIONS],
    ),
    "leads": Export("admin:leads_lead_changelist", lambda adv: LeadFactory(advertiser=adv), list(LEAD_COLUMNS)),
    "web results": Export(
        "admin:leads_webresult_changelist",
        lambda adv: WebResultFactory(job__advertiser=adv),
        [c.header for c in WEB_RESULTS],
    ),
}


@pytest.fixture
def manager(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def export(client: Client, spec: Export, rows, format_name: str) -> bytes:
    response = client.post(
        reverse(spec.changelist), {"action": f"export_{format_name}", "_selected_action": [row.pk for row in rows]}
    )
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode())))


def xlsx_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body))["export"].iter_rows(values_only=True))


@pytest.fixture(params=list(EXPORTS))
def spec(request) -> Export:
    return EXPORTS[request.param]


@pytest.fixture
def selection(spec, advertiser, other_advertiser):
    """Two of the member's three rows, and another advertiser's row slipped into the selection."""
    mine = [spec.make(advertiser) for _ in range(3)]
    theirs = spec.make(other_advertiser)
    return mine[:2], [*mine[:2], theirs]


def test_csv_has_the_header_and_only_the_selected_own_rows(manager, spec, selection):
    wanted, posted = selection
    header, *body = csv_rows(export(manager, spec, posted, "csv"))
    assert header == spec.header
    assert sorted(row[header.index(spec.key_column)] for row in body) == sorted(spec.key(row) for row in wanted)


def test_xlsx_opens_with_the_header_and_only_the_selected_own_rows(manager, spec, selection):
    wanted, posted = selection
    header, *body = xlsx_rows(export(manager, spec, posted, "xlsx"))
    assert list(header) == spec.header
    keys = sorted(str(row[header.index(spec.key_column)]) for row in body)
    assert keys == sorted(spec.key(row) for row in wanted)


def test_xlsx_money_is_a_number_and_dates_are_dates(manager, advertiser):
    payment = PaymentFactory(task__campaign__advertiser=advertiser, total=Decimal("55.25"))
    header, row = xlsx_rows(export(manager, EXPORTS["payments"], [payment], "xlsx"))
    assert row[header.index("total")] == 55.25 and isinstance(row[header.index("created_at")], datetime)
    invoice = InvoiceFactory(advertiser=advertiser)
    header, row = xlsx_rows(export(manager, EXPORTS["invoices"], [invoice], "xlsx"))
    assert row[header.index("date")].date() == invoice.date


def test_csv_money_keeps_its_cents(manager, advertiser):
    payment = PaymentFactory(task__campaign__advertiser=advertiser, total=Decimal("55.50"))
    header, row = csv_rows(export(manager, EXPORTS["payments"], [payment], "csv"))
    assert row[header.index("total")] == "55.50"


def test_task_export_follows_relations(manager, advertiser):
    task = SubmissionFactory(task__campaign__advertiser=advertiser, post_url="https://instagram.com/p/abc").task
    header, row = csv_rows(export(manager, EXPORTS["tasks"], [task], "csv"))
    assert row[header.index("post_url")] == "https://instagram.com/p/abc"
    assert row[header.index("campaign")] == task.campaign.name and row[header.index("paid_total")] == ""


@pytest.mark.parametrize("name", ["tasks", "payments", "visit sessions", "web results"])
def test_export_queries_do_not_grow_with_the_rows(manager, advertiser, name):
    spec = EXPORTS[name]

    def queries(count: int) -> int:
        rows = [spec.make(advertiser) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            export(manager, spec, rows, "csv")
        return len(captured)

    assert queries(2) == queries(6)


def test_a_viewer_may_export(advertiser):
    client = Client()
    client.force_login(MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user)
    task = TaskFactory(campaign__advertiser=advertiser)
    header, row = csv_rows(export(client, EXPORTS["tasks"], [task], "csv"))
    assert row[header.index("id")] == str(task.pk)


def test_a_selection_too_large_for_a_response_is_refused_with_a_message(manager, advertiser, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    tasks = [TaskFactory(campaign__advertiser=advertiser) for _ in range(2)]
    response = manager.post(
        reverse("admin:tasks_task_changelist"),
        {"action": "export_csv", "_selected_action": [task.pk for task in tasks]},
        follow=True,
    )
    assert response.status_code == 200 and "Too many rows for a download from admin" in response.content.decode()
