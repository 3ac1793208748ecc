"""Running one web job: claim it, crawl in a thread, store batches here, finish it, notify.

Idempotent under redelivery (acks_late): the claim is a conditional UPDATE, results are
inserted with ON CONFLICT DO NOTHING on (job, url), and the final counts are recounted from
the stored rows, so a rerun after a crash gives one result per page and exact counters.
Cancellation: every batch's counter UPDATE is conditional on status=running; when it
matches nothing the crawl is told to stop.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from leads import proxies, webhooks
from leads.models import ScrapeJob, WebResult

from .crawler import Batch, CrawlReport, crawl
from .spec import CrawlSpec

logger = logging.getLogger(__name__)

#: Deliveries of one job's task before it is declared failed (a poison job must not loop).
MAX_ATTEMPTS = 3


def claim(job_id: int, worker: str = "") -> ScrapeJob | None:
    """pending → running, or take over a running job whose worker died (older than the time cap)."""
    now = timezone.now()
    stale = now - timedelta(seconds=settings.SCRAPER_JOB_MAX_SECONDS + 120)
    claimed = (
        ScrapeJob.objects.filter(pk=job_id, kind=ScrapeJob.Kind.WEB)
        .filter(Q(status__in=[ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED]) | Q(status=ScrapeJob.Status.RUNNING, started_at__lt=stale))
        .update(status=ScrapeJob.Status.RUNNING, started_at=now, attempts=F("attempts") + 1, worker_id=worker[:200])
    )
    return ScrapeJob.objects.get(pk=job_id) if claimed else None


def store_batch(job_id: int, batch: Batch) -> bool:
    """Insert a batch of results and move the counters; False when the job is no longer running."""
    if batch.results:
        now = timezone.now()
        WebResult.objects.bulk_create(
            [WebResult(job_id=job_id, url=url, data=data, scraped_at=now) for url, data in batch.results],
            ignore_conflicts=True,
            batch_size=1000,
        )
    progress = min(99.0, round(100.0 * batch.pages_done / max(1, batch.pages_planned), 1))
    return bool(
        ScrapeJob.objects.filter(pk=job_id, status=ScrapeJob.Status.RUNNING).update(
            items_scraped=F("items_scraped") + batch.scraped,
            items_failed=F("items_failed") + batch.failed,
            progress=progress,
        )
    )


def crawl_and_store(spec: CrawlSpec) -> CrawlReport:
    """The crawl runs in a thread with its own event loop; this thread owns the database connection."""
    batches: queue.Queue = queue.Queue()
    stop = threading.Event()
    outcome: dict = {}

    def target() -> None:
        try:
            outcome["report"] = crawl(spec, batches.put, stop, settings.SCRAPER_PROXY_BAN_AFTER)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread, re-raised there
            outcome["error"] = exc
        finally:
            batches.put(None)

    thread = threading.Thread(target=target, name=f"crawl-{spec.job_id}", daemon=True)
    thread.start()
    try:
        while (batch := batches.get()) is not None:
            if not store_batch(spec.job_id, batch):
                stop.set()
    except BaseException:
        # A database error or Celery's soft time limit: stop the crawl before giving up the job.
        stop.set()
        thread.join(timeout=30)
        raise
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["report"]


def finish(job_id: int, report: CrawlReport) -> ScrapeJob | None:
    with transaction.atomic():
        scraped = WebResult.objects.filter(job_id=job_id).count()
        failed = bool(report.start_error) or (scraped == 0 and report.items_failed > 0)
        notes = [report.start_error, report.error_summary()]
        if report.stop_reason and report.stop_reason != "cancelled":
            notes.append(f"Stopped early: {report.stop_reason}.")
        if report.skipped_by_robots:
            notes.append(f"{report.skipped_by_robots} pages skipped by robots.txt.")
        status = ScrapeJob.Status.FAILED if failed else ScrapeJob.Status.COMPLETED
        updated = ScrapeJob.objects.filter(pk=job_id, status=ScrapeJob.Status.RUNNING).update(
            status=status,
            completed_at=timezone.now(),
            progress=100.0 if not failed else F("progress"),
            items_scraped=scraped,
            items_failed=report.items_failed,
            error=" ".join(note for note in notes if note)[:2000],
        )
        if not updated:
            return None  # cancelled meanwhile: no event
        job = ScrapeJob.objects.get(pk=job_id)
        webhooks.emit_job_event(job, "job.failed" if failed else "job.completed")
    return job


def fail(job_id: int, message: str) -> None:
    with transaction.atomic():
        updated = ScrapeJob.objects.filter(pk=job_id, status=ScrapeJob.Status.RUNNING).update(
            status=ScrapeJob.Status.FAILED, completed_at=timezone.now(), error=message
        )
        if updated:
            webhooks.emit_job_event(ScrapeJob.objects.get(pk=job_id), "job.failed")


def run_web_job(job_id: int) -> None:
    job = claim(job_id, worker=f"{os.uname().nodename}:{os.getpid()}")
    if job is None:
        return  # finished, cancelled, or running elsewhere
    if job.attempts > MAX_ATTEMPTS:
        fail(job_id, f"Gave up after {MAX_ATTEMPTS} attempts.")
        return
    spec = CrawlSpec.for_job(job, proxies=proxies.active_proxy_urls())
    try:
        report = crawl_and_store(spec)
    except Exception:
        logger.exception("web job %s crashed", job_id)
        fail(job_id, "Internal error while crawling.")
        return
    proxies.record_outcomes(report.proxies)
    finish(job_id, report)
