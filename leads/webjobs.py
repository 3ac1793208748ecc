"""Web-scraper jobs (seed 004): create, cancel or delete, results and their export, statistics.

Running a job is `leads.engine.runner`; these are the rules the API and admin call.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from rest_framework.exceptions import NotFound, ValidationError

from accounts.models import Advertiser
from accounts.principal import Principal
from leads import outbound
from leads.engine.spec import PRIORITIES, parse_config, parse_selectors
from leads.models import Platform, ScrapeJob, WebResult

#: The web surface's words for the canonical statuses ("assigned" is still "pending" to a client).
SURFACE_STATUS = {
    ScrapeJob.Status.PENDING: "pending",
    ScrapeJob.Status.ASSIGNED: "pending",
    ScrapeJob.Status.RUNNING: "running",
    ScrapeJob.Status.COMPLETED: "completed",
    ScrapeJob.Status.FAILED: "failed",
    ScrapeJob.Status.CANCELLED: "cancelled",
}
STATUS_FILTER = {
    "pending": [ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED],
    "running": [ScrapeJob.Status.RUNNING],
    "completed": [ScrapeJob.Status.COMPLETED],
    "failed": [ScrapeJob.Status.FAILED],
    "cancelled": [ScrapeJob.Status.CANCELLED],
}
UNFINISHED = [ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED, ScrapeJob.Status.RUNNING]


def web_jobs():
    return ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB)


def advertiser_for(principal: Principal, advertiser_id: int | None) -> Advertiser:
    """The tenant a new row belongs to: the principal's own; a platform principal names one."""
    if principal.is_platform:
        if advertiser_id is None:
            raise ValidationError({"advertiser_id": ["Platform staff must name the advertiser."]})
        advertiser = Advertiser.objects.filter(pk=advertiser_id).first()
        if advertiser is None:
            raise NotFound("Advertiser not found")
        return advertiser
    if advertiser_id is not None and advertiser_id != principal.advertiser_id:
        raise NotFound("Advertiser not found")
    return principal.advertiser


def check_target_url(url: str, field: str = "url") -> None:
    """Refuse at create time what the guard would refuse at connect time (422 on this surface)."""
    try:
        outbound.check_url(url)
    except outbound.OutboundError as exc:
        raise ValidationError({field: [str(exc)]}) from None


def create_web_job(
    *, principal: Principal, url: str, engine: str, priority: str, selectors, config, advertiser_id: int | None = None
) -> ScrapeJob:
    advertiser = advertiser_for(principal, advertiser_id)
    try:
        selectors = parse_selectors(selectors)
        config = parse_config(config)
    except ValueError as exc:
        raise ValidationError(exc.args[0]) from None
    check_target_url(url)
    with transaction.atomic():
        Advertiser.objects.select_for_update().filter(pk=advertiser.pk).first()
        if web_jobs().for_advertiser(advertiser.pk).filter(status__in=UNFINISHED).count() >= settings.SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER:
            raise ValidationError({"url": [f"At most {settings.SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER} unfinished jobs per account."]})
        job = ScrapeJob.objects.create(
            advertiser=advertiser,
            created_by=principal.user,
            kind=ScrapeJob.Kind.WEB,
            platform=Platform.WEB,
            url=url,
            engine=engine,
            priority=PRIORITIES[priority],
            selectors=selectors,
            config=config,
        )
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def enqueue(job_id: int) -> None:
    from leads.tasks import run_web_job

    run_web_job.delay(job_id)


def cancel_or_delete(job: ScrapeJob) -> str:
    """DELETE /jobs/{id}: an unfinished job is cancelled (a running crawl stops at its next batch);
    a finished one is deleted with its results."""
    cancelled = ScrapeJob.objects.filter(pk=job.pk, status__in=UNFINISHED).update(
        status=ScrapeJob.Status.CANCELLED, completed_at=timezone.now()
    )
    if cancelled:
        return "cancelled"
    ScrapeJob.objects.filter(pk=job.pk, status__in=ScrapeJob.FINISHED).delete()
    return "deleted"


# --- results and export -------------------------------------------------------------


def result_rows(job: ScrapeJob):
    return WebResult.objects.filter(job_id=job.pk).order_by("id")


def _stamp(value) -> str:
    return value.isoformat().replace("+00:00", "Z")


def export_json(job: ScrapeJob) -> Iterator[bytes]:
    """A JSON array of every result, streamed row by row from a server-side cursor."""
    job_id = str(job.public_id)
    yield b"["
    first = True
    for url, data, scraped_at in result_rows(job).values_list("url", "data", "scraped_at").iterator(chunk_size=2000):
        row = json.dumps({"job_id": job_id, "url": url, "data": data, "scraped_at": _stamp(scraped_at)}, ensure_ascii=False)
        yield (row if first else "," + row).encode()
        first = False
    yield b"]"


def _csv_cell(value) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    # Spreadsheet formula injection (OWASP): a scraped "=HYPERLINK(…)" must stay text.
    if text[:1] in ("=", "+", "@", "\t", "\r") or (text[:1] == "-" and not text[1:2].isdigit()):
        return "'" + text
    return text


def csv_columns(job: ScrapeJob) -> list[str]:
    return list(job.selectors or {}) or ["title"]


def export_csv(job: ScrapeJob) -> Iterator[bytes]:
    """One row per result: job_id, url, scraped_at, then one column per selector; lists as JSON."""
    columns = csv_columns(job)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    job_id = str(job.public_id)

    def flush() -> bytes:
        value = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return value.encode()

    writer.writerow(["job_id", "url", "scraped_at", *columns])
    yield flush()
    for url, data, scraped_at in result_rows(job).values_list("url", "data", "scraped_at").iterator(chunk_size=2000):
        data = data if isinstance(data, dict) else {}
        writer.writerow([job_id, url, _stamp(scraped_at), *(_csv_cell(data.get(column)) for column in columns)])
        yield flush()


# --- statistics ---------------------------------------------------------------------


def job_stats(principal: Principal) -> dict:
    """`/monitoring/stats` over the caller's web jobs, in one aggregate query."""
    since = timezone.now() - timedelta(hours=24)
    aggregates = {f"n_{status}": Count("id", filter=Q(status=status)) for status in ScrapeJob.Status.values}
    row = web_jobs().for_principal(principal).aggregate(
        total=Count("id"), items=Sum("items_scraped"), last_24h=Count("id", filter=Q(created_at__gte=since)), **aggregates
    )
    counts = {word: 0 for word in STATUS_FILTER}
    for status in ScrapeJob.Status.values:
        counts[SURFACE_STATUS[status]] += row[f"n_{status}"]
    decided = counts["completed"] + counts["failed"]
    return {
        "status_counts": counts,
        "total_items_scraped": row["items"] or 0,
        "jobs_last_24h": row["last_24h"],
        "success_rate": round(100.0 * counts["completed"] / decided, 2) if decided else 0.0,
        "total_jobs": row["total"],
    }
