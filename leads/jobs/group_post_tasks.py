"""The group-post API's tasks (/api/social): a task is a social job of kind group_posts over one
Facebook group target. Create (queued at once), change while pending, reset once finished, result."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from leads.models import JobDispatch, JobUnit, ScrapeJob, Target

from .lifecycle import create_job, queue_job
from .states import JobError, Status


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
        JobDispatch.objects.filter(job=job).update(retries_used=0, not_before=None)
        job.refresh_from_db()
        queue_job(job)
    return job


def task_result(job: ScrapeJob) -> dict[str, Any] | None:
    """The group-post API's result: posts_count and duration_seconds, once the task has completed."""
    if job.status != Status.COMPLETED or job.completed_at is None:
        return None
    started = job.started_at or job.assigned_at or job.created_at
    return {
        "posts_count": job.items_scraped,
        "duration_seconds": max(0, int((job.completed_at - started).total_seconds())),
    }
