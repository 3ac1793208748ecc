"""Social scrape jobs: create, queue, claim, run per target, cap, finish, retry, cancel, schedule.

Life of a job: `create_job` (pending) → `queue_job` (waits in the queue) → `claim_next_job`
(assigned to a worker, fair share per advertiser, priority within it) → `start_job`
(running; one `JobUnit` per target) → worker lanes run units page by page with
`store_page` → `finish_job_if_done` (completed | failed, webhook) → maybe `retry_or_fail`.
Every status change is a conditional UPDATE (`… WHERE status = …`), so a repeated or
concurrent step is a no-op. A page's leads, posts, counters and cursor are written in one
transaction under the job's row lock: caps are exact with targets in parallel, and a worker
killed mid-page leaves nothing half-written (the page is fetched again and upserted again).
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from accounts.models import HELD_STATUSES
from leadplatform.domain import RuleRefused

from . import heartbeats, schedules, slots
from .connectors import (
    CAPABILITY_FOR_KIND,
    Connector,
    ConnectorError,
    ConnectorUnavailable,
    FetchRequest,
    Page,
    Profile,
    connector_for,
    web_connector_for,
)
from .ingest import LeadSource, relax_commit, upsert_content_items, upsert_leads, with_contacts
from .models import ContentItem, JobPlan, JobUnit, Lead, ScrapeJob, Target

logger = logging.getLogger(__name__)

Status = ScrapeJob.Status
ACTIVE = (Status.ASSIGNED, Status.RUNNING)
HELD = [str(status) for status in HELD_STATUSES]
#: A lane hands over to a fresh task after this many seconds (well inside the task soft limit).
LANE_SECONDS = 4 * 60
#: Deliveries of one unit before it is given up (a poison target must not loop forever).
MAX_UNIT_ATTEMPTS = 5
SOCIAL_KINDS = tuple(CAPABILITY_FOR_KIND)


class JobError(RuleRefused):
    """A request about a job that its state does not allow."""


# ---------------------------------------------------------------------------------------
# Creating and changing jobs
# ---------------------------------------------------------------------------------------
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
    JobPlan.objects.create(job=job, max_retries=settings.LEADS_JOB_MAX_RETRIES if max_retries is None else max_retries)
    if schedule:
        set_job_schedule(job, schedule)
    return job


def create_group_post_task(
    *, advertiser_id: int, user=None, group_id: str, group_name: str = "", max_posts: int, priority: int = 0
) -> ScrapeJob:
    """The group-post API: a group-post task is a job of kind group_posts over one group target; it queues at once."""
    with transaction.atomic():
        target, _ = Target.objects.get_or_create(
            advertiser_id=advertiser_id, platform="facebook", target_type=Target.Type.GROUP, identifier=group_id
        )
        job = create_job(
            advertiser_id=advertiser_id,
            user=user,
            kind=ScrapeJob.Kind.GROUP_POSTS,
            targets=[target],
            name=group_name or f"Group {group_id}",
            platform="facebook",
            priority=priority,
            group_id=group_id,
            group_name=group_name,
            max_posts=max_posts,
        )
        queue_job(job)
    return job


def update_pending_task(job: ScrapeJob, changes: dict[str, Any]) -> ScrapeJob:
    """The group-post API: only a pending task may change (a conditional UPDATE: a claim in between wins)."""
    allowed = {key: value for key, value in changes.items() if key in ("group_name", "max_posts", "priority")}
    if "group_name" in allowed:
        allowed["group_name"] = allowed["group_name"] or ""
    if "priority" in allowed and allowed["priority"] is None:
        allowed["priority"] = 0
    if allowed and not ScrapeJob.objects.filter(pk=job.pk, status=Status.PENDING).update(**allowed):
        raise JobError("Only pending tasks can be updated.")
    job.refresh_from_db()
    return job


def reset_task(job: ScrapeJob) -> ScrapeJob:
    """Completed or failed → pending, worker and completion cleared, queued again."""
    with transaction.atomic():
        updated = ScrapeJob.objects.filter(pk=job.pk, status__in=(Status.COMPLETED, Status.FAILED)).update(
            status=Status.PENDING,
            worker_id="",
            completed_at=None,
            assigned_at=None,
            started_at=None,
            error="",
            progress=0,
            items_scraped=0,
            items_failed=0,
            leads_stored=0,
        )
        if not updated:
            raise JobError("Only completed or failed tasks can be reset.")
        JobUnit.objects.filter(job=job).delete()
        JobPlan.objects.filter(job=job).update(retries_used=0, not_before=None)
        job.refresh_from_db()
        queue_job(job)
    return job


def queue_job(job: ScrapeJob) -> ScrapeJob:
    """Put the job in the queue (pending, queued_at set) and wake a worker after commit.

    A job already queued, assigned or running is left as it is; a finished one starts over.
    """
    with transaction.atomic():
        locked = ScrapeJob.objects.select_for_update().get(pk=job.pk)
        if locked.status in ACTIVE:
            raise JobError("The job is already running.")
        plan, _ = JobPlan.objects.get_or_create(job=locked, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES})
        if locked.status == Status.PENDING and plan.queued_at is not None:
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
            plan.retries_used = 0
        plan.queued_at = timezone.now()
        plan.not_before = None
        plan.save(update_fields=["queued_at", "not_before", "retries_used"])
        transaction.on_commit(_wake_worker)
    job.refresh_from_db()
    return job


def _wake_worker(countdown: float | None = None) -> None:
    from .tasks import run_next_scrape_job

    run_next_scrape_job.apply_async(countdown=countdown)


def cancel_job(job: ScrapeJob) -> bool:
    """Pending, assigned or running → cancelled; lanes see it at their next page and stop."""
    with transaction.atomic():
        cancelled = ScrapeJob.objects.filter(
            pk=job.pk, status__in=(Status.PENDING, Status.ASSIGNED, Status.RUNNING)
        ).update(status=Status.CANCELLED, completed_at=timezone.now())
        JobPlan.objects.filter(job_id=job.pk).update(queued_at=None)
    return bool(cancelled)


def delete_job(job: ScrapeJob) -> None:
    """DELETE: a running job is cancelled first (committed), then removed with its schedule."""
    cancel_job(job)
    with transaction.atomic():
        plan = JobPlan.objects.filter(job_id=job.pk).select_related("periodic_task").first()
        if plan and plan.periodic_task_id:
            PeriodicTask.objects.filter(pk=plan.periodic_task_id).delete()
        ScrapeJob.objects.filter(pk=job.pk).delete()


# ---------------------------------------------------------------------------------------
# Schedules (django-celery-beat)
# ---------------------------------------------------------------------------------------
#: What beat calls for a scheduled job: web jobs start a new crawl; social jobs join the queue.
SCHEDULED_RUN_TASK = {ScrapeJob.Kind.WEB: "leads.rerun_scheduled_web_job"}


def set_job_schedule(job: ScrapeJob, schedule: dict | None) -> PeriodicTask | None:
    """{"interval_seconds": N} or {"crontab": "m h dom mon dow"}; None clears it. One beat task per job.

    The schedule is checked again here (`leads.schedules`): no caller can schedule runs closer
    together than minimum interval. Raises `schedules.ScheduleError`.
    """
    plan, _ = JobPlan.objects.get_or_create(job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES})
    if not schedule:
        if plan.periodic_task_id:
            PeriodicTask.objects.filter(pk=plan.periodic_task_id).delete()
        return None
    schedule = schedules.check_schedule(schedule)
    fields: dict[str, Any] = {"interval": None, "crontab": None}
    if schedule.get("interval_seconds"):
        seconds = int(schedule["interval_seconds"])
        fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        expires = seconds
    else:
        minute, hour, day_of_month, month_of_year, day_of_week = str(schedule["crontab"]).split()
        fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone="UTC",
        )
        expires = 3600
    task, _ = PeriodicTask.objects.update_or_create(
        name=f"scrape-job-{job.pk}",
        defaults={
            **fields,
            "task": SCHEDULED_RUN_TASK.get(job.kind, "leads.queue_scheduled_scrape_job"),
            "args": json.dumps([job.pk]),
            "enabled": True,
            # A run that could not be delivered within its period is dropped, not piled up.
            "expire_seconds": max(60, min(expires, 24 * 3600)),
        },
    )
    if plan.periodic_task_id != task.pk:
        plan.periodic_task = task
        plan.save(update_fields=["periodic_task"])
    return task


def describe_schedule(job: ScrapeJob) -> dict[str, Any] | None:
    plan = getattr(job, "plan", None)
    task = plan.periodic_task if plan else None
    if task is None:
        return None
    if task.interval_id:
        return {"interval_seconds": task.interval.every if task.interval.period == "seconds" else None, "crontab": None}
    crontab = task.crontab
    return {
        "interval_seconds": None,
        "crontab": " ".join(
            [crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week]
        ),
    }


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


# ---------------------------------------------------------------------------------------
# Claiming: fair share per advertiser and kind of work (leads.slots), priority within it
# ---------------------------------------------------------------------------------------
CLAIM_CANDIDATES_SQL = f"""
SELECT j.id, j.advertiser_id, j.kind
FROM leads_scrapejob j
JOIN leads_jobplan p ON p.job_id = j.id
JOIN accounts_advertiser a ON a.id = j.advertiser_id
WHERE j.status = 'pending' AND p.queued_at IS NOT NULL AND (p.not_before IS NULL OR p.not_before <= %(now)s)
  AND j.kind = ANY(%(kinds)s) AND NOT a.status = ANY(%(held)s)
ORDER BY (SELECT count(*) FROM leads_scrapejob r
          WHERE r.advertiser_id = j.advertiser_id AND r.status IN ('assigned', 'running')
            AND {slots.slot_sql("r")} = {slots.slot_sql("j")}) ASC,
         j.priority DESC, p.queued_at ASC, j.id ASC
LIMIT 20
FOR UPDATE OF j SKIP LOCKED
"""


def _claim_candidates(kinds: list[str]) -> list[tuple[int, int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_CANDIDATES_SQL, {"now": timezone.now(), "kinds": kinds, "held": HELD})
        return cursor.fetchall()


def _claim_candidates_portably(kinds: list[str]) -> list[tuple[int, int, str]]:
    """The same order on the embedded SQLite database, whose IMMEDIATE transactions admit one writer."""
    now = timezone.now()
    queued = list(
        ScrapeJob.objects.filter(status=Status.PENDING, kind__in=kinds, plan__queued_at__isnull=False)
        .exclude(advertiser__status__in=HELD)
        .filter(Q(plan__not_before__isnull=True) | Q(plan__not_before__lte=now))
        .values_list("id", "advertiser_id", "kind", "priority", "plan__queued_at")[:200]
    )
    busy: dict[tuple[int, str], int] = {}
    for advertiser_id, kind, n in (
        ScrapeJob.objects.filter(status__in=ACTIVE)
        .values("advertiser_id", "kind")
        .annotate(n=Count("id"))
        .values_list("advertiser_id", "kind", "n")
    ):
        key = (advertiser_id, slots.slot_of(kind))
        busy[key] = busy.get(key, 0) + n
    queued.sort(key=lambda row: (busy.get((row[1], slots.slot_of(row[2])), 0), -row[3], row[4], row[0]))
    return [(job_id, advertiser_id, kind) for job_id, advertiser_id, kind, _, _ in queued[:20]]


def claim_next_job(worker_id: str, kinds: Iterable[str] = SOCIAL_KINDS) -> ScrapeJob | None:
    """Assign the best queued job to `worker_id`: least-busy advertiser first, then priority, then age.

    A suspended advertiser's queued jobs are not claimed; they wait, queued, for its reactivation.

    Rows are locked with SKIP LOCKED, so two workers never claim the same job; the
    advertiser's cap for the job's kind of work is re-checked under a per-advertiser advisory
    lock, so it is exact.
    """
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        candidates = _claim_candidates(list(kinds)) if postgres else _claim_candidates_portably(list(kinds))
        full: set[tuple[int, str]] = set()
        for job_id, advertiser_id, kind in candidates:
            slot = (advertiser_id, slots.slot_of(kind))
            if slot in full:
                continue
            slots.lock_advertiser(advertiser_id)
            if not slots.has_free_slot(advertiser_id, kind):
                full.add(slot)
                continue
            now = timezone.now()
            if ScrapeJob.objects.filter(pk=job_id, status=Status.PENDING).update(
                status=Status.ASSIGNED, worker_id=worker_id[:200], assigned_at=now
            ):
                JobPlan.objects.filter(job_id=job_id).update(queued_at=None)
                return ScrapeJob.objects.get(pk=job_id)
    return None


# ---------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------
def start_job(job_id: int, worker_id: str) -> int:
    """assigned → running; one unit per target; returns how many lanes to run (0: nothing to do).

    A job no configured connector can do fails at once with the reason.
    """
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return 0
        if job.status == Status.ASSIGNED:
            # started_at marks the run: kept across automatic retries, cleared when a finished job is queued again.
            ScrapeJob.objects.filter(pk=job_id, status=Status.ASSIGNED).update(
                status=Status.RUNNING,
                worker_id=worker_id[:200],
                started_at=Coalesce(F("started_at"), timezone.now()),
                heartbeat_at=timezone.now(),
                attempts=F("attempts") + 1,
            )
        target_ids = list(job.targets.values_list("id", flat=True))
        existing = set(JobUnit.objects.filter(job_id=job_id).values_list("target_id", flat=True))
        JobUnit.objects.bulk_create(
            [JobUnit(job_id=job_id, target_id=target_id) for target_id in target_ids if target_id not in existing],
            ignore_conflicts=True,
        )
    if not target_ids:
        fail_job(job_id, "The job has no targets.", retry=False)
        return 0
    try:
        connector = connector_for(job.advertiser_id, job.kind, job.platform, job.speed_mode)
    except ConnectorUnavailable as exc:
        fail_job(job_id, str(exc), retry=False)
        return 0
    connector.close()
    return settings.LEADS_SPEED_MODES.get(job.speed_mode, settings.LEADS_SPEED_MODES["normal"])["concurrency"]


@dataclass
class LaneResult:
    """What a lane did: `handover` when its time is up and a fresh task should continue."""

    units_run: int = 0
    handover: bool = False


def run_lane(job_id: int, lane: int, *, should_stop: Callable[[], bool] = lambda: False) -> LaneResult:
    """Run units of the job one after the other: first the unit this lane held when it died, then pending ones."""
    result = LaneResult()
    deadline = time.monotonic() + LANE_SECONDS
    job = ScrapeJob.objects.filter(pk=job_id).first()
    if job is None or job.status != Status.RUNNING:
        return result
    try:
        connector = connector_for(job.advertiser_id, job.kind, job.platform, job.speed_mode)
    except ConnectorUnavailable as exc:
        fail_job(job_id, str(exc), retry=False)
        return result
    enricher = web_connector_for(job.advertiser_id, job.speed_mode)
    try:
        while True:
            unit = claim_unit(job_id, lane)
            if unit is None:
                break
            result.units_run += 1
            if not run_unit(job, unit, connector, enricher, deadline=deadline, should_stop=should_stop):
                result.handover = True
                return result
    finally:
        connector.close()
        if enricher:
            enricher.close()
    finish_job_if_done(job_id)
    return result


def claim_unit(job_id: int, lane: int) -> JobUnit | None:
    """The unit this lane was running (a redelivery after a crash), else the next pending one."""
    with transaction.atomic():
        unit = (
            JobUnit.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(job_id=job_id, job__status=Status.RUNNING))
            .filter(Q(status=JobUnit.Status.RUNNING, lane=lane) | Q(status=JobUnit.Status.PENDING))
            .order_by("-status", "id")  # descending, "running" comes before "pending": resume first
            .first()
        )
        if unit is None:
            return None
        unit.status = JobUnit.Status.RUNNING
        unit.lane = lane
        unit.attempts += 1
        unit.started_at = unit.started_at or timezone.now()
        unit.save(update_fields=["status", "lane", "attempts", "started_at"])
    return unit


def run_unit(
    job: ScrapeJob,
    unit: JobUnit,
    connector: Connector,
    enricher,
    *,
    deadline: float,
    should_stop: Callable[[], bool],
) -> bool:
    """Fetch and store the unit's pages; False when the lane must hand over (time up) with the unit still running."""
    if unit.attempts > MAX_UNIT_ATTEMPTS:
        finish_unit(unit, failed=True, error=f"Gave up after {MAX_UNIT_ATTEMPTS} attempts.")
        return True
    target = unit.target
    capability = CAPABILITY_FOR_KIND[job.kind]
    while True:
        if time.monotonic() > deadline or should_stop():
            return False
        heartbeats.pulse(job.pk)
        limit = _unit_limit(job)
        request = FetchRequest(
            capability=capability,
            identifier=target.identifier,
            platform=target.platform or job.platform,
            cursor=unit.cursor,
            limit=limit,
        )
        try:
            page = connector.fetch_page(request)
        except ConnectorError as exc:
            # The HTTP layer has already retried what is worth retrying; the job-level retry
            # runs failed targets again later (finished ones keep their leads).
            logger.warning("unit %s of job %s failed: %s", unit.pk, job.pk, exc)
            finish_unit(unit, failed=True, error=f"{target}: {exc}"[:500])
            return True
        if enricher is not None:
            page.profiles = [
                enricher.enrich(profile) if profile.website and not profile.emails else profile
                for profile in page.profiles
            ]
        outcome = store_page(job.pk, unit.pk, page)
        if outcome.stop:
            return True
        unit.cursor = page.next_cursor
        if page.is_last or outcome.unit_full:
            finish_unit(unit, failed=False)
            return True


def _unit_limit(job: ScrapeJob) -> int | None:
    limits = [value for value in (job.max_leads_per_target, job.max_leads, job.max_posts) if value]
    return min(limits) if limits else None


@dataclass
class PageOutcome:
    leads_added: int = 0
    posts_added: int = 0
    stop: bool = False  # the job is no longer running, or its cap is reached
    unit_full: bool = False


def passes_filters(profile: Profile, filters: dict[str, Any]) -> bool:
    """The job's filters, applied before anything is stored. An unknown value never passes a bound."""
    minimum, maximum = filters.get("min_followers"), filters.get("max_followers")
    if minimum is not None and (profile.followers is None or profile.followers < int(minimum)):
        return False
    if maximum is not None and (profile.followers is None or profile.followers > int(maximum)):
        return False
    if filters.get("has_email") and not profile.emails:
        return False
    if filters.get("verified") is not None and bool(profile.is_verified) != bool(filters["verified"]):
        return False
    if filters.get("business") is not None and bool(profile.is_business) != bool(filters["business"]):
        return False
    keywords = filters.get("bio_keywords") or []
    if isinstance(keywords, str):
        keywords = [part for part in keywords.split(",")]
    keywords = [keyword.strip().lower() for keyword in keywords if keyword.strip()]
    if keywords and not any(keyword in (profile.bio or "").lower() for keyword in keywords):
        return False
    return True


def store_page(job_id: int, unit_id: int, page: Page) -> PageOutcome:
    """One transaction per page: leads (filtered, capped, de-duplicated), posts, counters, cursor."""
    outcome = PageOutcome()
    with transaction.atomic():
        relax_commit()
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING:
            outcome.stop = True
            return outcome
        unit = JobUnit.objects.select_for_update().select_related("target").get(pk=unit_id)
        target = unit.target
        now = timezone.now()
        run_started = job.started_at or job.created_at

        profiles = [with_contacts(profile) for profile in page.profiles]
        kept = [profile for profile in profiles if passes_filters(profile, job.filters or {})]
        by_key = {(profile.platform, profile.username.strip().lstrip("@").lower()): profile for profile in kept}
        by_key.pop(("", ""), None)
        already_ours = set()
        if by_key:
            # Leads this run has stored already (a page fetched again after a crash, or found by two targets).
            already_ours = set(
                Lead.objects.for_advertiser(job.advertiser_id)
                .filter(job_id=job.pk, username__in=[key[1] for key in by_key], scraped_at__gte=run_started)
                .values_list("platform", "username")
            )
        fresh = [key for key in by_key if key not in already_ours]
        room = len(fresh)
        if job.max_leads:
            room = min(room, max(0, job.max_leads - job.leads_stored))
        if job.max_leads_per_target:
            room = min(room, max(0, job.max_leads_per_target - unit.leads_stored))
        taken = fresh[:room]
        to_store = [by_key[key] for key in already_ours if key in by_key] + [by_key[key] for key in taken]
        upsert_leads(
            LeadSource(job.advertiser_id, source_type=target.target_type, job_id=job.pk, target_id=target.pk),
            to_store,
            now=now,
        )
        outcome.leads_added = len(taken)

        posts = page.posts
        if posts and job.max_posts:
            known = set(
                ContentItem.objects.for_advertiser(job.advertiser_id)
                .filter(job_id=job.pk, post_id__in=[post.post_id for post in posts], scraped_at__gte=run_started)
                .values_list("post_id", flat=True)
            )
            seen: set[str] = set()
            new_posts = [p for p in posts if p.post_id not in known and not (p.post_id in seen or seen.add(p.post_id))]
            room_posts = max(0, job.max_posts - job.items_scraped)
            posts = [p for p in posts if p.post_id in known] + new_posts[:room_posts]
            outcome.posts_added = min(len(new_posts), room_posts)
        upsert_content_items(job.advertiser_id, posts, job_id=job.pk, now=now)

        fetched = len(page.posts) + len(page.profiles)
        scraped_increment = outcome.posts_added if job.max_posts else fetched
        unit.leads_stored += outcome.leads_added
        unit.items_scraped += fetched
        unit.pages_done += 1
        unit.cursor = page.next_cursor
        job_full = bool(job.max_leads and job.leads_stored + outcome.leads_added >= job.max_leads) or bool(
            job.max_posts and job.items_scraped + scraped_increment >= job.max_posts
        )
        outcome.unit_full = job_full or bool(job.max_leads_per_target and unit.leads_stored >= job.max_leads_per_target)
        unit.save(update_fields=["leads_stored", "items_scraped", "pages_done", "cursor"])
        ScrapeJob.objects.filter(pk=job.pk).update(
            leads_stored=F("leads_stored") + outcome.leads_added,
            items_scraped=F("items_scraped") + scraped_increment,
        )
        if job_full:
            # The cap is reached: the other targets have nothing left to add.
            JobUnit.objects.filter(job_id=job.pk, status=JobUnit.Status.PENDING).update(
                status=JobUnit.Status.DONE, finished_at=now
            )
        _update_progress(job.pk)
    return outcome


def _update_progress(job_id: int) -> None:
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


def finish_unit(unit: JobUnit, *, failed: bool, error: str = "") -> None:
    with transaction.atomic():
        JobUnit.objects.filter(pk=unit.pk, status=JobUnit.Status.RUNNING).update(
            status=JobUnit.Status.FAILED if failed else JobUnit.Status.DONE,
            error=error[:500],
            finished_at=timezone.now(),
        )
        if failed:
            ScrapeJob.objects.filter(pk=unit.job_id).update(items_failed=F("items_failed") + 1)
        if ScrapeJob.objects.filter(pk=unit.job_id).exists():
            _update_progress(unit.job_id)


def finish_job_if_done(job_id: int) -> str | None:
    """running → completed (or failed when every target failed) once no unit is left; emits the webhook."""
    from . import webhooks

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
            webhooks.emit_job_event(job, "job.completed")
            transaction.on_commit(_wake_worker)
            return Status.COMPLETED
    fail_job(job_id, reason)
    return Status.FAILED


def fail_job(job_id: int, reason: str, *, retry: bool = True) -> None:
    """Retry with exponential backoff and jitter while the plan allows, else failed + webhook."""
    from . import webhooks

    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status not in ACTIVE:
            return
        plan, _ = JobPlan.objects.select_for_update().get_or_create(
            job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES}
        )
        now = timezone.now()
        if retry and plan.retries_used < plan.max_retries:
            base = settings.LEADS_JOB_RETRY_BACKOFF_SECONDS * (2**plan.retries_used)
            delay = random.uniform(base / 2, base)
            ScrapeJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
                status=Status.PENDING, worker_id="", error=reason[:2000], assigned_at=None
            )
            # Only the failed targets run again; finished ones keep their leads.
            # A failed provider run is not resumed: its targets start over (upserts make that safe).
            JobUnit.objects.filter(job_id=job_id, status__in=(JobUnit.Status.FAILED, JobUnit.Status.RUNNING)).update(
                status=JobUnit.Status.PENDING, lane=None, attempts=0, error="", cursor=""
            )
            ScrapeJob.objects.filter(pk=job_id).update(items_failed=0)
            # Back in the queue, the job is as far as its finished targets, not at the failed attempt's 100%.
            _update_progress(job_id)
            plan.retries_used += 1
            plan.queued_at = now
            plan.not_before = now + timedelta(seconds=delay)
            plan.save(update_fields=["retries_used", "queued_at", "not_before"])
            transaction.on_commit(lambda: _wake_worker(countdown=delay))
            return
        ScrapeJob.objects.filter(pk=job_id, status__in=ACTIVE).update(
            status=Status.FAILED, error=reason[:2000], completed_at=now
        )
        job.refresh_from_db()
        webhooks.emit_job_event(job, "job.failed")
        transaction.on_commit(_wake_worker)


def recover_stalled_job(job_id: int) -> str | None:
    """A running job whose worker is gone (leads.heartbeats): queued again with the attempt counted
    against its retries (its targets resume from their saved cursors), or failed with the reason once
    they are spent. None when the job is no longer running or has beaten meanwhile."""
    with transaction.atomic():
        job = ScrapeJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != Status.RUNNING or not heartbeats.is_stale(job):
            return None
        plan, _ = JobPlan.objects.select_for_update().get_or_create(
            job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES}
        )
        reason = heartbeats.stalled_reason(job)
        if plan.retries_used < plan.max_retries:
            plan.retries_used += 1
            ScrapeJob.objects.filter(pk=job_id, status=Status.RUNNING).update(
                status=Status.PENDING,
                worker_id="",
                assigned_at=None,
                heartbeat_at=None,
                error=f"{reason} Queued again (retry {plan.retries_used} of {plan.max_retries}).",
            )
            JobUnit.objects.filter(job_id=job_id, status=JobUnit.Status.RUNNING).update(
                status=JobUnit.Status.PENDING, lane=None
            )
            plan.queued_at = timezone.now()
            plan.not_before = None
            plan.save(update_fields=["retries_used", "queued_at", "not_before"])
            transaction.on_commit(_wake_worker)
            return Status.PENDING
    fail_job(
        job_id,
        f"{reason} Gave up after {plan.retries_used} retries: check that the Celery workers are running, "
        "then run the job again.",
        retry=False,
    )
    return Status.FAILED


def due_queued_job_count() -> int:
    now = timezone.now()
    return (
        JobPlan.objects.filter(job__status=Status.PENDING, job__kind__in=SOCIAL_KINDS, queued_at__isnull=False)
        .exclude(job__advertiser__status__in=HELD)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .count()
    )


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------
def task_result(job: ScrapeJob) -> dict[str, Any] | None:
    """The group-post API's result: posts_count and duration_seconds, once the task has completed."""
    if job.status != Status.COMPLETED or job.completed_at is None:
        return None
    started = job.started_at or job.assigned_at or job.created_at
    return {
        "posts_count": job.items_scraped,
        "duration_seconds": max(0, int((job.completed_at - started).total_seconds())),
    }


def stalled_assigned_job_ids(older_than_seconds: int = 120) -> list[int]:
    """Jobs claimed but never started (the claiming worker died in between)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        ScrapeJob.objects.filter(status=Status.ASSIGNED, kind__in=SOCIAL_KINDS, assigned_at__lt=cutoff).values_list(
            "id", flat=True
        )[:50]
    )
