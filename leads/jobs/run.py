"""Running a claimed social job: start it (one `JobUnit` per target), run its units in parallel runner
tasks, unit by unit and page by page, store each page.

A page's leads, posts, counters and cursor are written in one transaction under the job's row
lock: caps are exact with targets in parallel, and a worker killed mid-page leaves nothing
half-written (the page is fetched again and upserted again).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from leads import heartbeats
from leads.connectors import (
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
from leads.ingest import LeadSource, relax_commit, upsert_content_items, upsert_leads, with_contacts
from leads.models import ContentItem, JobUnit, Lead, ScrapeJob

from .lifecycle import fail_job, finish_job_if_done, update_progress
from .states import ACTIVE, Status

logger = logging.getLogger(__name__)

#: A runner hands over to a fresh task after this many seconds (well inside the task soft limit).
RUNNER_SECONDS = 4 * 60
#: Deliveries of one unit before it is given up (a poison target must not loop forever).
MAX_UNIT_ATTEMPTS = 5


def start_job(job_id: int, worker_id: str) -> int:
    """assigned → running; one unit per target; returns how many runners to start (0: nothing to do).

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
class RunnerResult:
    """What a runner did: `handover` when its time is up and a fresh task should continue."""

    units_run: int = 0
    handover: bool = False


def run_units(job_id: int, runner: int, *, should_stop: Callable[[], bool] = lambda: False) -> RunnerResult:
    """Run units of the job one after the other: first the unit this runner held when it died, then pending ones."""
    result = RunnerResult()
    deadline = time.monotonic() + RUNNER_SECONDS
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
            unit = claim_unit(job_id, runner)
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


def claim_unit(job_id: int, runner: int) -> JobUnit | None:
    """The unit this runner was running (a redelivery after a crash), else the next pending one."""
    with transaction.atomic():
        unit = (
            JobUnit.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(Q(job_id=job_id, job__status=Status.RUNNING))
            .filter(Q(status=JobUnit.Status.RUNNING, runner=runner) | Q(status=JobUnit.Status.PENDING))
            .order_by("-status", "id")  # descending, "running" comes before "pending": resume first
            .first()
        )
        if unit is None:
            return None
        unit.status = JobUnit.Status.RUNNING
        unit.runner = runner
        unit.attempts += 1
        unit.started_at = unit.started_at or timezone.now()
        unit.save(update_fields=["status", "runner", "attempts", "started_at"])
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
    """Fetch and store the unit's pages; False when the runner must hand over (time up) with the unit still running."""
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
        update_progress(job.pk)
    return outcome


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
            update_progress(unit.job_id)
