"""Task rules the backend endpoints add: reopening a rejected task and custom tasks."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Publisher, User
from campaigns.models import Campaign
from campaigns.services import RuleBroken

from .models import Task, TaskAction
from .services import _locked_task, _log


def reopen_task(task: Task, actor: User | None, note: str = "") -> Task:
    """rejected → under_review: its submission is reviewed again (not once the influencer joined again)."""
    try:
        with transaction.atomic():
            locked = _locked_task(task)
            if locked.status != Task.Status.REJECTED:
                raise RuleBroken(
                    f"Only a rejected task can be reopened; this one is {locked.get_status_display().lower()}."
                )
            if not hasattr(locked, "submission"):
                raise RuleBroken("This task has no submission to review again.")
            locked.status = Task.Status.UNDER_REVIEW
            locked.reviewed_at = None
            locked.rejection_reason = ""
            locked.save(update_fields=["status", "reviewed_at", "rejection_reason"])
            _log(locked, TaskAction.Action.COMPLETED, actor, note or "reopened for review")
    except IntegrityError:
        raise RuleBroken("The influencer has joined this campaign again; reopen refused.") from None
    return locked


def create_custom_task(
    campaign: Campaign,
    actor: User | None,
    *,
    title: str,
    description: str = "",
    requirements: str = "",
    publisher: Publisher | None = None,
    networks: list[str] | None = None,
    deadline: datetime | None = None,
) -> Task:
    """A task with its own title, description and requirements, optionally assigned to an influencer."""
    if campaign.status in (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED):
        raise RuleBroken(f"A {campaign.status} campaign takes no new tasks.")
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise RuleBroken("The deadline of a new task must be in the future.")
    with transaction.atomic():
        task = Task.objects.create(
            campaign=campaign,
            publisher=publisher,
            custom=True,
            type=Campaign.TaskType.CUSTOM,
            title=title,
            description=description,
            requirements=requirements,
            networks=list(networks if networks is not None else campaign.networks or []),
            deadline=deadline or now + campaign.task_duration,
            joined_at=now,
        )
        _log(task, TaskAction.Action.CREATED, actor)
    return task
