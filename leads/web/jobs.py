"""Web-scraper jobs (the web scraper API): create, cancel or delete, results, statistics.

Running a job is `leads.engine.runner`; these are the rules the API and admin call.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from accounts.models import Advertiser
from accounts.principal import Principal
from leadplatform.api.tenancy import advertiser_for_new_row
from leadplatform.domain import InvalidInput, RuleRefused
from leads import events, outbound, schedules
from leads.engine.spec import PRIORITIES, parse_config, parse_selectors
from leads.jobs.schedule import set_job_schedule
from leads.models import Platform, ScrapeJob, WebResult

logger = logging.getLogger(__name__)

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


def check_target_url(url: str, field: str = "url") -> None:
    """Refuse at create time what the guard would refuse at connect time (422 on this surface)."""
    try:
        outbound.check_url(url)
    except outbound.OutboundError as exc:
        raise InvalidInput({field: [str(exc)]}) from None


def _ensure_room_for_a_run(advertiser_id: int) -> None:
    """Under the advertiser's row lock: at most SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER unfinished jobs."""
    Advertiser.objects.select_for_update().filter(pk=advertiser_id).first()
    if (
        web_jobs().for_advertiser(advertiser_id).filter(status__in=UNFINISHED).count()
        >= settings.SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER
    ):
        raise InvalidInput(
            {"url": [f"At most {settings.SCRAPER_MAX_OPEN_JOBS_PER_ADVERTISER} unfinished jobs per account."]}
        )


def create_web_job(
    *,
    principal: Principal,
    url: str,
    engine: str,
    priority: str,
    selectors,
    config,
    advertiser_id: int | None = None,
    schedule: dict | None = None,
) -> ScrapeJob:
    """A new job, crawled at once; with a schedule, beat starts a new run at each firing (see `rerun_web_job`)."""
    advertiser = advertiser_for_new_row(principal, advertiser_id)
    try:
        selectors = parse_selectors(selectors)
        config = parse_config(config)
    except ValueError as exc:
        errors = exc.args[0]
        raise InvalidInput(errors if isinstance(errors, dict) else {"non_field_errors": [str(errors)]}) from None
    check_target_url(url)
    with transaction.atomic():
        _ensure_room_for_a_run(advertiser.pk)
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
        if schedule:
            set_schedule(job, schedule)
        transaction.on_commit(lambda: enqueue(job.pk))
    return job


def set_schedule(job: ScrapeJob, schedule: dict | None) -> None:
    """Set (or with None clear) the job's schedule: the lead jobs' beat mechanism and minimum interval."""
    try:
        set_job_schedule(job, schedule)
    except schedules.ScheduleError as exc:
        raise InvalidInput({"schedule": [str(exc)]}) from None


class RunInProgress(RuleRefused):
    """A new run was asked for while the job is queued or running."""


class JobChangedMeanwhile(RuleRefused):
    """A concurrent request (a rerun, a cancel, a delete) changed the job after this one read it."""


def rerun_web_job(job: ScrapeJob) -> ScrapeJob:
    """finished | failed | cancelled → pending: the previous run's results are replaced by the new run's.

    `job` is the row as the caller read it: the new run starts only from that same finished status
    (a conditional UPDATE), so of a rerun and a concurrent cancel or delete exactly one wins.
    """
    if job.status not in ScrapeJob.FINISHED:
        raise RunInProgress("The job is queued or running; wait for it to finish or cancel it.")
    with transaction.atomic():
        _ensure_room_for_a_run(job.advertiser_id)
        restarted = ScrapeJob.objects.filter(pk=job.pk, status=job.status).update(
            status=ScrapeJob.Status.PENDING,
            progress=0,
            items_scraped=0,
            items_failed=0,
            attempts=0,
            error="",
            worker_id="",
            started_at=None,
            completed_at=None,
        )
        if not restarted:
            raise JobChangedMeanwhile("The job changed meanwhile (cancelled, deleted or run again); reload it.")
        WebResult.objects.filter(job_id=job.pk).delete()
        transaction.on_commit(lambda: enqueue(job.pk))
    job.refresh_from_db()
    return job


def rerun_scheduled_web_job(job_id: int) -> None:
    """Beat's call at each firing: a job still queued or running keeps its run (a repeat is a no-op), and a
    held (suspended or inactive) advertiser's schedule skips its runs."""
    job = web_jobs().select_related("advertiser").filter(pk=job_id).first()
    if job is None or job.advertiser.is_held:
        return
    try:
        rerun_web_job(job)
    except (RunInProgress, JobChangedMeanwhile):
        return
    except InvalidInput:
        logger.warning("scheduled run of web job %s skipped: its advertiser has too many unfinished jobs", job_id)


def enqueue(job_id: int) -> None:
    events.web_job_ready.send(sender=ScrapeJob, job_id=job_id)


def cancel_web_job(job: ScrapeJob) -> bool:
    """An unfinished job → cancelled (a running crawl stops at its next batch); False, changing nothing,
    when it was finished as the caller read it or finished meanwhile (a cancel never stops a newer run)."""
    return job.status in UNFINISHED and bool(
        ScrapeJob.objects.filter(pk=job.pk, status__in=UNFINISHED).update(
            status=ScrapeJob.Status.CANCELLED, completed_at=timezone.now()
        )
    )


def cancel_or_delete(job: ScrapeJob) -> str:
    """DELETE /jobs/{id}: an unfinished job is cancelled; a finished one is deleted with its results.

    Each branch acts only on the status the caller read: a job that a concurrent rerun started again
    (or a concurrent request finished or removed) is refused, never deleted under the new run.
    """
    if job.status in UNFINISHED:
        if cancel_web_job(job):
            return "cancelled"
        raise JobChangedMeanwhile("The job finished meanwhile; reload it.")
    with transaction.atomic():
        # The row lock waits for a concurrent rerun's commit and then sees its new status.
        if not ScrapeJob.objects.select_for_update().filter(pk=job.pk, status=job.status).exists():
            raise JobChangedMeanwhile("The job changed meanwhile (run again or deleted); reload it.")
        set_job_schedule(job, None)
        ScrapeJob.objects.filter(pk=job.pk).delete()
    return "deleted"


# --- results -----------------------------------------------------------------------


def result_rows(job: ScrapeJob):
    return WebResult.objects.filter(job_id=job.pk).order_by("id")


# --- statistics ---------------------------------------------------------------------


def job_stats(jobs) -> dict:
    """`/monitoring/stats` over `jobs` (the caller's web jobs), in one aggregate query."""
    since = timezone.now() - timedelta(hours=24)
    aggregates = {f"n_{status}": Count("id", filter=Q(status=status)) for status in ScrapeJob.Status.values}
    row = jobs.filter(kind=ScrapeJob.Kind.WEB).aggregate(
        total=Count("id"),
        items=Sum("items_scraped"),
        last_24h=Count("id", filter=Q(created_at__gte=since)),
        **aggregates,
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
