"""Running one web job: claim it, crawl in a thread, store batches here, finish it, notify.

Idempotent under redelivery (acks_late): the claim takes the job's row lock, results are
inserted with ON CONFLICT DO NOTHING on (job, url), and the final counts are recounted from
the stored rows, so a rerun after a crash gives one result per page and exact counters.
A crawl starts only in a free slot of its advertiser (WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER);
the others stay pending and are started when a crawl ends. A running crawl records a heartbeat
with every stored batch; a redelivered task takes over a job whose worker is gone
(`leads.heartbeats`), and beat re-queues or fails one nobody takes over.
Cancellation: every batch's counter UPDATE is conditional on status=running; when it
matches nothing the crawl is told to stop.
"""

from __future__ import annotations

import logging
import os
import queue
import threading

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import HELD_STATUSES
from leads import events, heartbeats, proxies, slots
from leads.models import ScrapeJob, WebResult

from .crawler import Batch, CrawlReport, crawl
from .spec import CrawlSpec

logger = logging.getLogger(__name__)

#: Deliveries of one job's task before it is declared failed (a poison job must not loop).
MAX_ATTEMPTS = 3


def claim(job_id: int, worker: str = "") -> ScrapeJob | None:
    """pending → running in a free slot of the advertiser, or take over a running job whose worker is
    gone. None when the job is finished, held by a live worker, or waits for a slot."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id, kind=ScrapeJob.Kind.WEB).first()
        if job is None or job.advertiser.is_held:
            return None  # a held advertiser's crawls wait; reactivation sends them again
        if job.status == ScrapeJob.Status.RUNNING:
            if not heartbeats.holder_is_gone(job):
                return None
        elif job.status in (ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED):
            slots.lock_advertiser(job.advertiser_id)
            if not slots.has_free_slot(job.advertiser_id, job.kind):
                return None
        else:
            return None
        now = timezone.now()
        ScrapeJob.objects.filter(pk=job_id).update(
            status=ScrapeJob.Status.RUNNING,
            started_at=now,
            heartbeat_at=now,
            attempts=F("attempts") + 1,
            worker_id=worker[:200],
        )
    return ScrapeJob.objects.get(pk=job_id)


def start_waiting_crawls(advertiser_id: int | None = None) -> int:
    """Send the waiting web jobs that fit in their advertiser's free slots to the workers, best first
    (priority, then age). Called when a crawl ends, and by beat. Returns how many were sent."""
    waiting = ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB, status=ScrapeJob.Status.PENDING).exclude(
        advertiser__status__in=HELD_STATUSES
    )
    if advertiser_id is not None:
        waiting = waiting.filter(advertiser_id=advertiser_id)
    sent = 0
    for advertiser in list(waiting.order_by().values_list("advertiser_id", flat=True).distinct()[:500]):
        free = slots.cap(ScrapeJob.Kind.WEB) - slots.running_count(advertiser, ScrapeJob.Kind.WEB)
        if free <= 0:
            continue
        for job_id in (
            waiting.filter(advertiser_id=advertiser)
            .order_by("-priority", "created_at", "id")
            .values_list("id", flat=True)[:free]
        ):
            events.web_job_ready.send(sender=ScrapeJob, job_id=job_id)
            sent += 1
    return sent


def recover_stalled_job(job_id: int) -> str | None:
    """A running crawl whose worker is gone: pending again (the attempt is counted by the next claim), or
    failed with the reason once its attempts are spent. None when it is no longer running or beat meanwhile."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id, kind=ScrapeJob.Kind.WEB).first()
        if job is None or job.status != ScrapeJob.Status.RUNNING or not heartbeats.is_stale(job):
            return None
        reason = heartbeats.stalled_reason(job)
        if job.attempts >= MAX_ATTEMPTS:
            ScrapeJob.objects.filter(pk=job_id).update(
                status=ScrapeJob.Status.FAILED,
                completed_at=timezone.now(),
                error=f"{reason} Gave up after {job.attempts} attempts: check that the Celery workers are running "
                "(GET /api/web/v1/monitoring/system), then create the job again.",
            )
            events.job_finished.send(sender=ScrapeJob, job=ScrapeJob.objects.get(pk=job_id), event="job.failed")
            transaction.on_commit(lambda: start_waiting_crawls(job.advertiser_id))
            return ScrapeJob.Status.FAILED
        ScrapeJob.objects.filter(pk=job_id).update(
            status=ScrapeJob.Status.PENDING,
            worker_id="",
            heartbeat_at=None,
            error=f"{reason} Queued again (attempt {job.attempts + 1} of {MAX_ATTEMPTS}).",
        )
        transaction.on_commit(lambda: start_waiting_crawls(job.advertiser_id))
    return ScrapeJob.Status.PENDING


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
            heartbeats.pulse(spec.job_id)
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
        events.job_finished.send(sender=ScrapeJob, job=job, event="job.failed" if failed else "job.completed")
    return job


def fail(job_id: int, message: str) -> None:
    with transaction.atomic():
        updated = ScrapeJob.objects.filter(pk=job_id, status=ScrapeJob.Status.RUNNING).update(
            status=ScrapeJob.Status.FAILED, completed_at=timezone.now(), error=message
        )
        if updated:
            events.job_finished.send(sender=ScrapeJob, job=ScrapeJob.objects.get(pk=job_id), event="job.failed")


def run_web_job(job_id: int) -> None:
    job = claim(job_id, worker=f"{os.uname().nodename}:{os.getpid()}")
    if job is None:
        return  # finished, cancelled, running elsewhere, or waiting for a slot
    try:
        with heartbeats.beating(job_id):
            crawl_job(job)
    finally:
        start_waiting_crawls(job.advertiser_id)


def crawl_job(job: ScrapeJob) -> None:
    job_id = job.pk
    if job.attempts > MAX_ATTEMPTS:
        fail(
            job_id,
            f"Gave up after {MAX_ATTEMPTS} attempts: every run ended without finishing (its worker was stopped "
            "or killed). Check the worker logs, then create the job again.",
        )
        return
    spec = CrawlSpec.for_job(job, proxies=proxies.active_proxy_urls())
    try:
        report = crawl_and_store(spec)
    except Exception:
        logger.exception("web job %s crashed", job_id)
        fail(job_id, "Internal error while crawling; the details are in the worker log. Create the job again.")
        return
    proxies.record_outcomes(report.proxies)
    finish(job_id, report)
