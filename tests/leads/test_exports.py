"""Exports: the spreadsheet formula guard, each format, /api/v1 lead exports and background exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone
from openpyxl import load_workbook

from leads import exports
from leads.models import BackgroundExport, Lead

from .factories import LeadFactory

V1 = "/api/v1"


def _stream(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


# --- the formula guard ------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "+49 30 1234567",
        "+1-555-0100",
        "+44 (0)20 7946 0958",
        "-12.5",
        "-5",
        "+3",
        "plain",
        "",
        "a=b",
        "1+1",
        "+49 30 1234567, +1-555-0100",
    ],
)
def test_numbers_phone_numbers_and_plain_text_stay_intact(value):
    assert exports.spreadsheet_safe(value) == value


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        '=HYPERLINK("http://x")',
        "@SUM(A1)",
        "\tx",
        "\rx",
        "+SUM(A1)",
        "-cmd|' /C calc'!A0",
        "-",
        "+",
        "-2+3",
        "+1e5",
        "-A1",
    ],
)
def test_formulas_are_neutralised(value):
    assert exports.spreadsheet_safe(value) == "'" + value


# --- /api/v1/leads/export -----------------------------------------------------------------


@pytest.fixture
def leads(owner, outsider):
    LeadFactory(
        advertiser=owner.advertiser,
        username="phone_owner",
        phones="+49 30 1234567, +1-555-0100",
        emails="a@b.example",
        outreach_ready=True,
        followers=5000,
    )
    LeadFactory(advertiser=owner.advertiser, username="sneaky", full_name='=HYPERLINK("http://x")', followers=10)
    LeadFactory(advertiser=owner.advertiser, username="minus", full_name="-cmd|' /C calc'!A0", followers=20)
    LeadFactory(advertiser=outsider.advertiser, username="foreign")


@pytest.mark.django_db
def test_csv_export_keeps_phone_numbers_and_guards_formulas(owner, leads):
    response = owner.client().get(f"{V1}/leads/export?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = {row["username"]: row for row in csv.DictReader(io.StringIO(_stream(response).decode()))}
    assert set(rows) == {"phone_owner", "sneaky", "minus"}
    assert rows["phone_owner"]["phones"] == "+49 30 1234567, +1-555-0100"
    assert rows["sneaky"]["full_name"] == '\'=HYPERLINK("http://x")'
    assert rows["minus"]["full_name"] == "'-cmd|' /C calc'!A0"


@pytest.mark.django_db
def test_export_applies_the_lists_filters(owner, leads):
    body = _stream(owner.client().get(f"{V1}/leads/export?format=ndjson&min_followers=1000"))
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert [record["username"] for record in records] == ["phone_owner"]
    assert records[0]["followers"] == 5000 and records[0]["outreach_ready"] is True


@pytest.mark.django_db
def test_bad_filter_or_format_is_400_in_the_surface_shape(owner):
    for query in ("format=xml", "min_followers=abc"):
        response = owner.client().get(f"{V1}/leads/export?{query}")
        assert response.status_code == 400
        assert set(response.json()) >= {"error", "message"}


@pytest.mark.django_db
def test_ndjson_is_one_record_per_line(owner, leads):
    response = owner.client().get(f"{V1}/leads/export?format=ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    lines = _stream(response).decode().splitlines()
    assert len(lines) == 3
    assert list(json.loads(lines[0])) == exports.LEAD_COLUMNS


@pytest.mark.django_db
def test_xlsx_has_typed_cells_and_no_formulas(owner, leads):
    response = owner.client().get(f"{V1}/leads/export?format=xlsx")
    assert response["Content-Type"] == exports.FORMATS["xlsx"].content_type
    sheet = load_workbook(io.BytesIO(_stream(response)))["export"]
    rows = list(sheet.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert list(header) == exports.LEAD_COLUMNS
    by_name = {row[header.index("username")]: row for row in body}
    assert by_name["phone_owner"][header.index("followers")] == 5000
    assert by_name["phone_owner"][header.index("phones")] == "+49 30 1234567, +1-555-0100"
    cell = next(c for c in sheet.iter_rows(min_row=2) for c in c if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s"


@pytest.mark.django_db
def test_json_export_is_an_array_of_the_records(owner, leads):
    records = json.loads(_stream(owner.client().get(f"{V1}/leads/export?format=json")))
    assert len(records) == 3 and all(set(record) == set(exports.LEAD_COLUMNS) for record in records)


@pytest.mark.django_db
def test_export_never_contains_another_tenants_leads(outsider, leads):
    body = _stream(outsider.client().get(f"{V1}/leads/export?format=csv")).decode()
    assert "foreign" in body and "phone_owner" not in body


@pytest.mark.django_db
def test_admin_lead_export_uses_the_guard(admin_client, owner, leads):
    from django.urls import reverse

    selected = list(Lead.objects.for_advertiser(owner.advertiser.pk).values_list("pk", flat=True))
    response = admin_client.post(
        reverse("admin:leads_lead_changelist"), {"action": "export_csv", "_selected_action": selected}
    )
    rows = {row["username"]: row for row in csv.DictReader(io.StringIO(_stream(response).decode()))}
    assert rows["sneaky"]["full_name"].startswith("'=")
    assert rows["phone_owner"]["phones"] == "+49 30 1234567, +1-555-0100"


# --- background exports --------------------------------------------------------------------


@pytest.fixture
def small_stream_limit(settings):
    settings.EXPORT_STREAM_MAX_ROWS = 2
    settings.EXPORT_XLSX_STREAM_MAX_ROWS = 2
    return settings


@pytest.fixture
def queued_exports():
    with mock.patch("leads.tasks.write_background_export.delay") as delay:
        yield delay


@pytest.mark.django_db
def test_a_large_export_runs_in_the_background_and_is_downloaded_when_done(
    owner, leads, small_stream_limit, queued_exports, django_capture_on_commit_callbacks, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    client = owner.client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(f"{V1}/leads/export?format=csv&min_followers=0")
    assert response.status_code == 202
    data = response.json()["data"]
    assert (data["status"], data["download_url"]) == ("pending", None)
    export = BackgroundExport.objects.get(public_id=data["id"])
    queued_exports.assert_called_once_with(export.pk)
    assert export.params == {"filters": {"min_followers": "0"}} and export.advertiser_id == owner.advertiser.pk

    exports.write_background_export(export.pk)

    status = client.get(data["status_url"]).json()["data"]
    assert (status["status"], status["rows"]) == ("completed", 3)
    download = client.get(status["download_url"])
    assert download.status_code == 200
    rows = list(csv.DictReader(io.StringIO(_stream(download).decode())))
    assert {row["username"] for row in rows} == {"phone_owner", "sneaky", "minus"}


@pytest.mark.django_db
def test_download_before_completion_is_409(owner, leads, small_stream_limit, queued_exports):
    data = owner.client().get(f"{V1}/leads/export?format=xlsx").json()["data"]
    response = owner.client().get(f"{V1}/exports/{data['id']}/download")
    assert response.status_code == 409


@pytest.mark.django_db
def test_another_tenants_export_is_404(owner, outsider, leads, small_stream_limit, queued_exports):
    data = owner.client().get(f"{V1}/leads/export?format=csv").json()["data"]
    for path in (f"{V1}/exports/{data['id']}", f"{V1}/exports/{data['id']}/download"):
        assert outsider.client().get(path).status_code == 404


@pytest.mark.django_db
def test_a_redelivered_export_task_writes_the_file_once(
    owner, leads, small_stream_limit, queued_exports, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    data = owner.client().get(f"{V1}/leads/export?format=ndjson").json()["data"]
    export = BackgroundExport.objects.get(public_id=data["id"])
    BackgroundExport.objects.filter(pk=export.pk).update(status=BackgroundExport.Status.RUNNING)  # a worker died
    exports.write_background_export(export.pk)
    exports.write_background_export(export.pk)  # a repeat after completion is a no-op
    export.refresh_from_db()
    assert export.status == "completed" and export.rows == 3
    assert len(list((tmp_path / "exports" / str(export.public_id)).iterdir())) == 1


@pytest.mark.django_db
def test_expired_background_exports_are_deleted_with_their_files(
    owner, leads, small_stream_limit, queued_exports, tmp_path, settings
):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORT_RETENTION_HOURS = 48
    data = owner.client().get(f"{V1}/leads/export?format=csv").json()["data"]
    export = BackgroundExport.objects.get(public_id=data["id"])
    exports.write_background_export(export.pk)
    export.refresh_from_db()
    path = tmp_path / export.file.name
    assert path.exists()
    with time_machine.travel(timezone.now() + timedelta(hours=47)):
        assert exports.delete_expired_exports() == 0
    with time_machine.travel(timezone.now() + timedelta(hours=49)):
        assert exports.delete_expired_exports() == 1
    assert not path.exists() and not BackgroundExport.objects.filter(pk=export.pk).exists()
