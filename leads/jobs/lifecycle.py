"""A social job's states: create, queue (and beat's scheduled queueing), cancel, delete, finish,
retry with backoff or fail, recover from a lost worker.

Every status change is a conditional UPDATE (`… WHERE status = …`), so a repeated or concurrent
step is a no-op.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from leads import events, heartbeats
from leads.models import JobDispatch, JobUnit, ScrapeJob, Target

from .schedule import set_job_schedule
from .states import ACTIVE, JobError, Status


def ensure_job_volume(advertiser_id: int) -> None:
    """An advertiser holds a bounded number of unfinished jobs."""
    open_jobs = ScrapeJob.objects.for_advertiser(advertiser_id).exclude(status__in=ScrapeJob.FINISHED).count()
    if open_jobs >= settings.LEADS_MAX_OPEN_JOBS_PER_ADVERTISER:
        raise JobError(f"This advertiser already has {open_jobs} unfinished jobs; finish or delete some first.")


@transaction.atomic
def create_job(
    *,
    advertiser_id: int,
    user=None,
    kind: str,
    targets: Iterable[Target],
    name: str = "",
    platform: str = "instagram",
    speed_mode: str = ScrapeJob.SpeedMode.NORMAL,
    max_leads: int | None = None,
    max_leads_per_target: int | None = None,
    filters: dict | None = None,
    priority: int = 0,
    max_retries: int | None = None,
    schedule: dict | None = None,
    **extra: Any,
) -> ScrapeJob:
    ensure_job_volume(advertiser_id)
    job = ScrapeJob.objects.create(
        advertiser_id=advertiser_id,
        created_by=user if getattr(user, "pk", None) else None,
        name=name,
        kind=kind,
        platform=platform,
        speed_mode=speed_mode,
        max_leads=max_leads,
        max_leads_per_target=max_leads_per_target,
        filters=filters or {},
        priority=priority,
        **extra,
    )
    job.targets.set(list(targets))
    JobDispatch.objects.create(
        job=job, max_retries=settings.LEADS_JOB_MAX_RETRIES if max_retries is None else max_retries
    )
    if schedule:
        set_job_schedule(job, schedule)
    return job


def queue_job(job: ScrapeJob) -> ScrapeJob:
    """Put the job in the queue (pending, queued_at set) and wake a worker after commit.

    A job already queued, assigned or running is left as it is; a finished one starts over.
    `job` is the row as the caller read it: when a concurrent step (a cancel) changed its status
    since, the run is refused rather than undoing that step.
    """
    with transaction.atomic():
        locked = ScrapeJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in ACTIVE or job.status in ACTIVE:
            raise JobError("The job is already running.")
        if locked.status != job.status:
            raise JobError(changed_meanwhile(locked))
        dispatch, _ = JobDispatch.objects.get_or_create(
            job=locked, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES}
        )
        if locked.status == Status.PENDING and dispatch.queued_at is not None:
            return locked
        if locked.status != Status.PENDING:
            ScrapeJob.objects.filter(pk=locked.pk).update(
                status=Status.PENDING,
                worker_id="",
                error="",
                progress=0,
                items_scraped=0,
                items_failed=0,
                leads_stored=0,
                assigned_at=None,
                started_at=None,
                completed_at=None,
            )
            JobUnit.objects.filter(job=locked).delete()
            dispatch.retries_used = 0
        dispatch.queued_at = timezone.now()
        dispatch.not_before = None
        dispatch.save(update_fields=["queued_at", "not_before", "retries_used"])
        transaction.on_commit(_wake_worker)
    job.refresh_from_db()
    return job


def _wake_worker(countdown: float | None = None) -> None:
    events.social_jobs_waiting.send(sender=ScrapeJob, countdown=countdown)


def changed_meanwhile(job: ScrapeJob) -> str:
    return f"The job changed meanwhile (it is {job.get_status_display().lower()} now); reload it and try again."


def cancel_job(job: ScrapeJob) -> bool:
    """Pending, assigned or running → cancelled; its runners see it at their next page and stop.

    False, changing nothing, when the job was finished as the caller read it or finished meanwhile:
    a cancel that lost a race with a run must not take the new run's place in the queue away.
    """
    return job.status not in ScrapeJob.FINISHED and cancel_unfinished_job(job.pk)


def cancel_unfinished_job(job_id: int) -> bool:
    """Cancel the job if it is unfinished now, whatever status a caller read before."""
    with transaction.atomic():
        cancelled = ScrapeJob.objects.filter(
            pk=job_id, status__in=(Status.PENDING, Status.ASSIGNED, Status.RUNNING)
        ).update(status=Status.CANCELLED, completed_at=timezone.now())
        if cancelled:
            JobDispatch.objects.filter(job_id=job_id).update(queued_at=None)
    return bool(cancelled)


def delete_job(job: ScrapeJob) -> None:
    """DELETE: a running job is cancelled first (committed), then removed with its schedule."""
    cancel_unfinished_job(job.pk)
    with transaction.atomic():
        dispatch = JobDispatch.objects.filter(job_id=job.pk).select_related("periodic_task").first()
        if dispatch and dispatch.periodic_task_id:
            PeriodicTask.objects.filter(pk=dispatch.periodic_task_id).delete()
        ScrapeJob.objects.filter(pk=job.pk).delete()


def queue_scheduled_job(job_id: int) -> None:
    """Beat's call: queue the job unless it is queued or running already (a repeat is a no-op).

    A suspended or inactive advertiser's schedules skip their runs until it is reactivated.
    """
    job = ScrapeJob.objects.select_related("advertiser").filter(pk=job_id).first()
    if job is None or job.status in ACTIVE or job.advertiser.is_held:
        return
    try:
        queue_job(job)
    except JobError:
        return


def update_progress(job_id: int) -> None:
    job = ScrapeJob.objects.get(pk=job_id)
    units = JobUnit.objects.filter(job_id=job_id).aggregate(
        total=Count("id"), finished=Count("id", filter=Q(status__in=(JobUnit.Status.DONE, JobUnit.Status.FAILED)))
    )
    shares = [units["finished"] / units["total"]] if units["total"] else [0.0]
    if job.max_leads:
        shares.append(job.leads_stored / job.max_leads)
    if job.max_posts:
        shares.append(job.items_scraped / job.max_posts)
    progress = round(min(100.0, 100.0 * max(shares)), 2)
    if job.status == Status.RUNNING and progress >= 100 and units["finished"] < units["total"]:
        progress = 99.0  # 100 only once every unit is finished
    ScrapeJob.objects.filter(pk=job_id).update(progress=progress)


def finish_job_if_done(job_id: int) -> str | None:
    """running → completed (or failed when every target failed) once no unit is left; announces it."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING:
            return None
        counts = JobUnit.objects.filter(job_id=job_id).aggregate(
            open=Count("id", filter=Q(status__in=(JobUnit.Status.PENDING, JobUnit.Status.RUNNING))),
            done=Count("id", filter=Q(status=JobUnit.Status.DONE)),
            failed=Count("id", filter=Q(status=JobUnit.Status.FAILED)),
        )
        if counts["open"]:
            return None
        if counts["failed"] and not counts["done"]:
            errors = list(
                JobUnit.objects.filter(job_id=job_id, status=JobUnit.Status.FAILED).values_list("error", flat=True)[:3]
            )
            reason = "Every target failed: " + "; ".join(error for error in errors if error)
        else:
            ScrapeJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                status=Status.COMPLETED,
                progress=100,
                completed_at=timezone.now(),
                error=f"{counts['failed']} of {counts['failed'] + counts['done']} targets failed."
                if counts["failed"]
                else "",
            )
            job.refresh_from_db()
            events.job_finished.send(sender=ScrapeJob, job=job, event="job.completed")
            transaction.on_commit(_wake_worker)
            return Status.COMPLETED
    fail_job(job_id, reason)
    return Status.FAILED


def fail_job(job_id: int, reason: str, *, retry: bool = True) -> None:
    """Retry with exponential backoff and jitter while the retry budget allows, else failed (announced)."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return
        dispatch, _ = JobDispatch.objects.select_for_update().get_or_create(
            job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES}
        )
        now = timezone.now()
        if retry and dispatch.retries_used < dispatch.max_retries:
            base = settings.LEADS_JOB_RETRY_BACKOFF_SECONDS * (2**dispatch.retries_used)
            delay = random.uniform(base / 2, base)
            ScrapeJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
                status=Status.PENDING, worker_id="", error=reason[:2000], assigned_at=None
            )
            # Only the failed targets run again; finished ones keep their leads.
            # A failed provider run is not resumed: its targets start over (upserts make that safe).
            JobUnit.objects.filter(job_id=job_id, status__in=(JobUnit.Status.FAILED, JobUnit.Status.RUNNING)).update(
                status=JobUnit.Status.PENDING, runner=None, attempts=0, error="", cursor=""
            )
            ScrapeJob.objects.filter(pk=job_id).update(items_failed=0)
            # Back in the queue, the job is as far as its finished targets, not at the failed attempt's 100%.
            update_progress(job_id)
            dispatch.retries_used += 1
            dispatch.queued_at = now
            dispatch.not_before = now + timedelta(seconds=delay)
            dispatch.save(update_fields=["retries_used", "queued_at", "not_before"])
            transaction.on_commit(lambda: _wake_worker(countdown=delay))
            return
        ScrapeJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
            status=Status.FAILED, error=reason[:2000], completed_at=now
        )
        job.refresh_from_db()
        events.job_finished.send(sender=ScrapeJob, job=job, event="job.failed")
        transaction.on_commit(_wake_worker)


def recover_stalled_job(job_id: int) -> str | None:
    """A running job whose worker is gone (leads.heartbeats): queued again with the attempt counted
    against its retries (its targets resume from their saved cursors), or failed with the reason once
    they are spent. None when the job is no longer running or has beaten meanwhile."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING or not heartbeats.is_stale(job):
            return None
        dispatch, _ = JobDispatch.objects.select_for_update().get_or_create(
            job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES}
        )
        reason = heartbeats.stalled_reason(job)
        if dispatch.retries_used < dispatch.max_retries:
            dispatch.retries_used += 1
            ScrapeJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                status=Status.PENDING,
                worker_id="",
                assigned_at=None,
                heartbeat_at=None,
                error=f"{reason} Queued again (retry {dispatch.retries_used} of {dispatch.max_retries}).",
            )
            JobUnit.objects.filter(job_id=job_id, status=JobUnit.Status.RUNNING).update(
                status=JobUnit.Status.PENDING, runner=None
            )
            dispatch.queued_at = timezone.now()
            dispatch.not_before = None
            dispatch.save(update_fields=["retries_used", "queued_at", "not_before"])
            transaction.on_commit(_wake_worker)
            return Status.PENDING
    fail_job(
        job_id,
        f"{reason} Gave up after {dispatch.retries_used} retries: check that the Celery workers are running, "
        "then run the job again.",
        retry=False,
    )
    return Status.FAILED
