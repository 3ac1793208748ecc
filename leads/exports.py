"""Exports of scraped rows (web results, leads) as JSON, NDJSON, CSV or XLSX, in constant memory.

An export is a `Table` (columns, flat rows for spreadsheets, records for JSON) written by one of
the `FORMATS`. Small exports stream in the response; one with more rows than
`EXPORT_STREAM_MAX_ROWS` would outlive the web server's request timeout, so it is written to
media storage by a Celery task (`BackgroundExport`) and fetched from a download route.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone

from leadplatform.api.dependencies import DEPENDENCY_ERRORS

from . import events
from .models import BackgroundExport, Lead, ScrapeJob, WebResult

logger = logging.getLogger(__name__)

CHUNK_ROWS = 2000
FILE_CHUNK_BYTES = 256 * 1024

# --- spreadsheet formula guard -------------------------------------------------------

#: A number or phone number: digits and their punctuation ("+49 30 1234567", "+1-555-0100", "-12.5",
#: "+44 (0)20 7946 0958"). A cell may hold a comma-separated list of them (a lead's phones).
_NUMBER = re.compile(r"[+-]?[\d\s()./-]*\d[\d\s()./-]*")


def _is_numbers(text: str) -> bool:
    return all(_NUMBER.fullmatch(part.strip()) for part in re.split(r"[,;]", text))


def spreadsheet_safe(text: str) -> str:
    """Neutralise spreadsheet formula injection (OWASP "CSV injection") with a leading `'`.

    `=`, `@`, tab and carriage return always start a formula or a cell trick; `+` and `-` only
    when what follows is not a number (`+SUM(A1)`, `-cmd|' /C calc'!A0`), so phone numbers and
    negative amounts stay intact.
    """
    first = text[:1]
    if first in ("=", "@", "\t", "\r"):
        return "'" + text
    if first in ("+", "-") and not _is_numbers(text):
        return "'" + text
    return text


# --- what is exported ------------------------------------------------------------------


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


@dataclass
class Table:
    """Rows to export: `columns` and `rows()` (flat cells) for CSV/XLSX, `records()` for JSON/NDJSON."""

    name: str
    columns: list[str]
    rows: Callable[[], Iterator[list[Any]]]
    records: Callable[[], Iterator[dict[str, Any]]]
    count: Callable[[], int]


def web_results_table(job: ScrapeJob) -> Table:
    """A web job's results: job_id, url, scraped_at, then one column per selector (lists as JSON)."""
    job_id = str(job.public_id)
    selectors = list(job.selectors or {}) or ["title"]
    results = WebResult.objects.filter(job_id=job.pk).order_by("id")

    def raw() -> Iterator[tuple]:
        return results.values_list("url", "data", "scraped_at").iterator(chunk_size=CHUNK_ROWS)

    def rows() -> Iterator[list[Any]]:
        for url, data, scraped_at in raw():
            data = data if isinstance(data, dict) else {}
            yield [job_id, url, _stamp(scraped_at), *(data.get(name) for name in selectors)]

    def records() -> Iterator[dict[str, Any]]:
        for url, data, scraped_at in raw():
            yield {"job_id": job_id, "url": url, "data": data, "scraped_at": _stamp(scraped_at)}

    return Table(f"results-{job_id}", ["job_id", "url", "scraped_at", *selectors], rows, records, results.count)


#: Lead columns of every lead export (API and admin).
LEAD_COLUMNS = [
    "id",
    "platform",
    "username",
    "full_name",
    "followers",
    "following",
    "emails",
    "phones",
    "website",
    "is_verified",
    "is_business",
    "outreach_ready",
    "source_type",
    "job_id",
    "target_id",
    "bio",
    "scraped_at",
    "created_at",
]


def leads_table(leads: QuerySet[Lead], name: str = "leads") -> Table:
    ordered = leads.order_by("id")

    # Rows keep datetimes (a date cell in XLSX, ISO 8601 in CSV); JSON records carry the ISO text.
    def rows() -> Iterator[list[Any]]:
        for values in ordered.values_list(*LEAD_COLUMNS).iterator(chunk_size=CHUNK_ROWS):
            yield list(values)

    def records() -> Iterator[dict[str, Any]]:
        for row in rows():
            yield {
                name: _stamp(value) if isinstance(value, datetime) else value
                for name, value in zip(LEAD_COLUMNS, row, strict=True)
            }

    return Table(name, list(LEAD_COLUMNS), rows, records, ordered.count)


# --- formats -----------------------------------------------------------------------------


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return _stamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return spreadsheet_safe(text)


def write_csv(table: Table) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(table.columns)
    for count, row in enumerate(table.rows(), 1):
        writer.writerow([_csv_text(value) for value in row])
        if count % 200 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    value = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return value.encode()


def write_json(table: Table) -> Iterator[bytes]:
    yield b"["
    separator = ""
    for record in table.records():
        yield (separator + json.dumps(record, ensure_ascii=False)).encode()
        separator = ","
    yield b"]"


def write_ndjson(table: Table) -> Iterator[bytes]:
    lines: list[str] = []
    for record in table.records():
        lines.append(json.dumps(record, ensure_ascii=False))
        if len(lines) == 200:
            yield ("\n".join(lines) + "\n").encode()
            lines = []
    if lines:
        yield ("\n".join(lines) + "\n").encode()


_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _xlsx_rows(table: Table, sheet) -> Iterator[list[Any]]:
    from openpyxl.cell import WriteOnlyCell

    for row in table.rows():
        cells = []
        for value in row:
            if isinstance(value, datetime) and value.tzinfo is not None:
                # Excel has no time zones: a moment is written as its UTC wall-clock time.
                value = value.astimezone(UTC).replace(tzinfo=None)
            elif isinstance(value, UUID):
                value = str(value)
            if isinstance(value, dict | list):
                value = json.dumps(value, ensure_ascii=False)
            if isinstance(value, str):
                value = _XLSX_ILLEGAL.sub("", value)
                if value.startswith("="):
                    # openpyxl writes "=…" as a formula; a scraped value is always text.
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            cells.append(value)
        yield cells


def write_xlsx_file(table: Table, path: str) -> int:
    """Write the table to `path` with openpyxl's write-only mode (rows go straight to disk)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("export")
    sheet.append(table.columns)
    count = 0
    for cells in _xlsx_rows(table, sheet):
        sheet.append(cells)
        count += 1
    workbook.save(path)
    return count


def write_xlsx(table: Table) -> Iterator[bytes]:
    """XLSX is a zip written at the end: build it in a temporary file, then stream the file."""
    handle, path = tempfile.mkstemp(suffix=".xlsx", prefix="export-")
    os.close(handle)
    try:
        write_xlsx_file(table, path)
        with open(path, "rb") as stream:
            while chunk := stream.read(FILE_CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


@dataclass(frozen=True)
class Format:
    content_type: str
    extension: str
    write: Callable[[Table], Iterator[bytes]]

    @property
    def media_type(self) -> str:
        """The content type without its parameters (`text/csv`)."""
        return self.content_type.split(";")[0]


FORMATS = {
    "json": Format("application/json", "json", write_json),
    "ndjson": Format("application/x-ndjson", "ndjson", write_ndjson),
    "csv": Format("text/csv; charset=utf-8", "csv", write_csv),
    "xlsx": Format("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", write_xlsx),
}


def filename(table: Table, format_name: str) -> str:
    return f"{table.name}.{FORMATS[format_name].extension}"


def streaming_response(table: Table, format_name: str) -> StreamingHttpResponse:
    fmt = FORMATS[format_name]
    response = StreamingHttpResponse(fmt.write(table), content_type=fmt.content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(table, format_name)}"'
    return response


def fits_in_a_response(table: Table, format_name: str) -> bool:
    """XLSX sends its first byte only once the whole file is written, so it has a lower limit."""
    limit = settings.EXPORT_XLSX_STREAM_MAX_ROWS if format_name == "xlsx" else settings.EXPORT_STREAM_MAX_ROWS
    return table.count() <= limit


# --- background exports ---------------------------------------------------------------


def start_background_export(
    *, advertiser_id: int | None, user, source: str, format_name: str, params: dict[str, Any]
) -> BackgroundExport:
    """Record the export and hand it to a worker after commit.

    No beat sweep picks up an export the broker never took, so when the broker is unreachable the
    export is removed again and the broker's error goes up (a 503 on the API): the client's retry
    asks again, and no export is left pending forever."""
    with transaction.atomic():
        export = BackgroundExport.objects.create(
            advertiser_id=advertiser_id,
            created_by=user if getattr(user, "pk", None) else None,
            source=source,
            format=format_name,
            params=params,
        )
        transaction.on_commit(lambda: _enqueue_or_withdraw(export.pk))
    return export


def _enqueue_or_withdraw(export_id: int) -> None:
    try:
        events.background_export_ready.send(sender=BackgroundExport, export_id=export_id)
    except DEPENDENCY_ERRORS:
        BackgroundExport.objects.filter(pk=export_id, status=BackgroundExport.Status.PENDING).delete()
        raise


class ExportSourceGone(Exception):
    """What a background export was asked for no longer exists (the web job was deleted)."""


def table_for(export: BackgroundExport) -> Table:
    if export.source == BackgroundExport.Source.WEB_RESULTS:
        job = ScrapeJob.objects.filter(pk=export.params["job_id"], kind=ScrapeJob.Kind.WEB).first()
        if job is None:
            raise ExportSourceGone
        return web_results_table(job)
    from .api.v1.filters import LeadFilter

    leads = Lead.objects.all() if export.advertiser_id is None else Lead.objects.for_advertiser(export.advertiser_id)
    filterset = LeadFilter(data=export.params.get("filters") or {}, queryset=leads)
    if not filterset.is_valid():
        raise ExportSourceGone
    return leads_table(filterset.qs)


@dataclass
class _CountedTable(Table):
    written: int = 0


def _counted(table: Table) -> _CountedTable:
    """The same table, counting the rows it hands out (the file's row count, not a second COUNT)."""
    counted = _CountedTable(table.name, table.columns, table.rows, table.records, table.count)

    def counting(source: Callable[[], Iterator]) -> Callable[[], Iterator]:
        def iterate() -> Iterator:
            for item in source():
                counted.written += 1
                yield item

        return iterate

    counted.rows, counted.records = counting(table.rows), counting(table.records)
    return counted


def write_background_export(export_id: int) -> None:
    """pending → running → completed | failed. A redelivered task writes the file again from the start."""
    Status = BackgroundExport.Status
    claimed = BackgroundExport.objects.filter(pk=export_id, status__in=(Status.PENDING, Status.RUNNING)).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return
    export = BackgroundExport.objects.get(pk=export_id)
    handle, path = tempfile.mkstemp(prefix="export-")
    os.close(handle)
    try:
        table = _counted(table_for(export))
        if export.format == "xlsx":
            write_xlsx_file(table, path)
        else:
            with open(path, "wb") as out:
                for chunk in FORMATS[export.format].write(table):
                    out.write(chunk)
        rows = table.written
        name = f"exports/{export.public_id}/{filename(table, export.format)}"
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(path, "rb") as stream:
            stored = default_storage.save(name, File(stream))
    except ExportSourceGone:
        _fail(export_id, "The exported rows are gone.")
        return
    except Exception:
        logger.exception("background export %s failed", export_id)
        _fail(export_id, "Internal error while writing the export.")
        raise
    finally:
        os.unlink(path)
    BackgroundExport.objects.filter(pk=export_id, status=Status.RUNNING).update(
        status=Status.COMPLETED, file=stored, rows=rows, completed_at=timezone.now()
    )


def _fail(export_id: int, reason: str) -> None:
    BackgroundExport.objects.filter(pk=export_id).update(
        status=BackgroundExport.Status.FAILED, error=reason, completed_at=timezone.now()
    )


def delete_expired_exports() -> int:
    """Background exports older than EXPORT_RETENTION_HOURS: file first, then the row (a repeat is a no-op)."""
    cutoff = timezone.now() - timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    deleted = 0
    for export in BackgroundExport.objects.filter(created_at__lt=cutoff).only("pk", "file")[:1000]:
        if export.file and default_storage.exists(export.file.name):
            default_storage.delete(export.file.name)
        export.delete()
        deleted += 1
    return deleted


def open_export_file(export: BackgroundExport) -> Iterator[bytes]:
    with default_storage.open(export.file.name, "rb") as stream:
        while chunk := stream.read(FILE_CHUNK_BYTES):
            yield chunk
