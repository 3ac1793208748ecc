"""Web-result exports beyond the seed's JSON and CSV: NDJSON, XLSX, phone numbers, background exports."""

from __future__ import annotations

import csv
import io
import json
from unittest import mock

import pytest
from openpyxl import load_workbook

from leads import exports
from leads.models import BackgroundExport

from .factories import WebJobFactory, WebResultFactory

pytestmark = pytest.mark.django_db

BASE = "/api/web/v1"


def _stream(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


@pytest.fixture
def job(owner):
    job = WebJobFactory(
        advertiser=owner.advertiser,
        status="completed",
        selectors={"title": "h1::text", "phone": ".tel::text", "tags": "li::text"},
    )
    WebResultFactory(
        job=job, url="https://shop.example/1", data={"title": "Shop", "phone": "+1-555-0100", "tags": ["a"]}
    )
    WebResultFactory(
        job=job, url="https://shop.example/2", data={"title": "+SUM(A1)", "phone": "+49 30 1234567", "tags": None}
    )
    job.refresh_from_db()  # selector order is the stored (jsonb) order
    return job


def test_csv_keeps_phone_numbers_and_guards_formulas(owner, job):
    body = _stream(owner.client().get(f"{BASE}/results/{job.public_id}/export?format=csv")).decode()
    rows = {row["url"]: row for row in csv.DictReader(io.StringIO(body))}
    assert rows["https://shop.example/1"]["phone"] == "+1-555-0100"
    assert rows["https://shop.example/2"]["phone"] == "+49 30 1234567"
    assert rows["https://shop.example/2"]["title"] == "'+SUM(A1)"
    assert rows["https://shop.example/1"]["tags"] == '["a"]'


def test_ndjson_lines_equal_the_results_page(owner, job):
    client = owner.client()
    results = client.get(f"{BASE}/results/{job.public_id}").json()["results"]
    response = client.get(f"{BASE}/results/{job.public_id}/export?format=ndjson")
    assert response["Content-Type"] == "application/x-ndjson"
    assert [json.loads(line) for line in _stream(response).decode().splitlines()] == results


def test_xlsx_has_one_column_per_selector_and_keeps_text_as_text(owner, job):
    response = owner.client().get(f"{BASE}/results/{job.public_id}/export?format=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(_stream(response)))["export"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == ["job_id", "url", "scraped_at", *job.selectors]
    by_url = {row[1]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_url["https://shop.example/2"]["title"] == "+SUM(A1)"  # a string cell, never evaluated
    assert by_url["https://shop.example/2"]["phone"] == "+49 30 1234567"


def test_an_unknown_format_is_422(owner, job):
    response = owner.client().get(f"{BASE}/results/{job.public_id}/export?format=xml")
    assert response.status_code == 422 and response.json()["type"] == "validation_error"


def test_a_large_export_is_written_in_the_background(
    owner, outsider, job, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    settings.MEDIA_ROOT = str(tmp_path)
    client = owner.client()
    with (
        mock.patch("leads.tasks.write_background_export.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.get(f"{BASE}/results/{job.public_id}/export?format=ndjson")
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["source"], body["format"], body["download_url"]) == (
        "pending",
        "web_results",
        "ndjson",
        None,
    )
    export = BackgroundExport.objects.get(public_id=body["id"])
    delay.assert_called_once_with(export.pk)
    assert outsider.client().get(body["status_url"]).status_code == 404

    exports.write_background_export(export.pk)

    status = client.get(body["status_url"]).json()
    assert (status["status"], status["rows"]) == ("completed", 2)
    lines = _stream(client.get(status["download_url"])).decode().splitlines()
    assert [json.loads(line)["url"] for line in lines] == ["https://shop.example/1", "https://shop.example/2"]


def test_an_export_whose_job_is_gone_fails_with_a_reason(owner, job, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 1
    with mock.patch("leads.tasks.write_background_export.delay"):
        body = owner.client().get(f"{BASE}/results/{job.public_id}/export?format=csv").json()
    job.delete()
    exports.write_background_export(BackgroundExport.objects.get(public_id=body["id"]).pk)
    status = owner.client().get(body["status_url"]).json()
    assert status["status"] == "failed" and status["error"] == "The exported rows are gone."


def test_xlsx_goes_to_the_background_sooner_than_text_formats(owner, job, settings):
    settings.EXPORT_STREAM_MAX_ROWS = 10
    settings.EXPORT_XLSX_STREAM_MAX_ROWS = 1
    with mock.patch("leads.tasks.write_background_export.delay"):
        assert owner.client().get(f"{BASE}/results/{job.public_id}/export?format=csv").status_code == 200
        assert owner.client().get(f"{BASE}/results/{job.public_id}/export?format=xlsx").status_code == 202
