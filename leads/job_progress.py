"""A job's live state as its admin page shows it: progress, per-target status, the reason in words,
and the run / cancel / retry transitions it allows (through the same services as the API).

Social jobs (`leads.jobs`) fan out into one `JobUnit` per target; a web job (`leads.web.jobs`) has one
target, its start URL. Both answer the same `snapshot` shape, polled by static/leads/job_progress.js.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from leadplatform.domain import InvalidInput, RuleRefused

from . import slots
from .jobs import lifecycle
from .models import JobDispatch, JobUnit, ScrapeJob
from .web import jobs as webjobs

Status = ScrapeJob.Status
UNIT = JobUnit.Status
RUN, CANCEL, RETRY = "run", "cancel", "retry"
TRANSITIONS = (RUN, CANCEL, RETRY)
WAITING_STATUSES = (Status.PENDING, Status.ASSIGNED)
UNFINISHED = (Status.PENDING, Status.ASSIGNED, Status.RUNNING)


class TransitionRefused(Exception):
    """The job is not in a state that allows the transition (or its advertiser has no room for a run)."""


def is_web(job: ScrapeJob) -> bool:
    return job.kind == ScrapeJob.Kind.WEB


# --- progress ----------------------------------------------------------------------------


def displayed_progress(job: ScrapeJob, targets_done: int | None = None) -> float:
    """The percent shown: 100 only once completed; a waiting job with no finished target shows 0.

    A job queued again after a failed attempt may still hold the attempt's stored progress; it has
    not finished, so it never reads as done.
    """
    if job.status == Status.COMPLETED:
        return 100.0
    if job.status in WAITING_STATUSES and targets_done == 0:
        return 0.0
    return round(min(float(job.progress or 0), 99.0), 1)


# --- per target --------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetState:
    target: str
    status: str
    error: str = ""
    leads_stored: int = 0
    items_scraped: int = 0
    pages_done: int = 0
    attempts: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "status": self.status,
            "error": self.error,
            "leads_stored": self.leads_stored,
            "items_scraped": self.items_scraped,
            "pages_done": self.pages_done,
            "attempts": self.attempts,
        }


def target_states(job: ScrapeJob) -> list[TargetState]:
    """One row per target: its unit once the job has started, else "waiting" for each chosen target."""
    if is_web(job):
        status = webjobs.SURFACE_STATUS.get(job.status, job.status)
        error = job.error if job.status == Status.FAILED else ""
        return [TargetState(job.url, status, error, items_scraped=job.items_scraped, attempts=job.attempts)]
    units = list(JobUnit.objects.filter(job_id=job.pk).select_related("target").order_by("id"))
    if units:
        return [
            TargetState(
                str(unit.target),
                unit.status,
                unit.error,
                unit.leads_stored,
                unit.items_scraped,
                unit.pages_done,
                unit.attempts,
            )
            for unit in units
        ]
    waiting = "cancelled" if job.status == Status.CANCELLED else "waiting"
    targets = [str(target) for target in job.targets.all().order_by("id")]
    if job.kind == ScrapeJob.Kind.GROUP_POSTS and not targets:
        targets = [f"group:{job.group_id}"]
    return [TargetState(target, waiting) for target in targets]


def target_counts(states: list[TargetState]) -> dict[str, int]:
    # A unit's words ("done") and a web job's ("completed") both count.
    def count(*names: str) -> int:
        return sum(1 for state in states if state.status in names)

    return {
        "targets": len(states),
        "targets_done": count(UNIT.DONE, Status.COMPLETED),
        "targets_failed": count(UNIT.FAILED),
        "targets_running": count(UNIT.RUNNING),
    }


# --- retries and reasons -----------------------------------------------------------------


def dispatch_of(job: ScrapeJob) -> JobDispatch | None:
    return None if is_web(job) else JobDispatch.objects.filter(job_id=job.pk).first()


def next_retry_at(job: ScrapeJob, dispatch: JobDispatch | None) -> datetime | None:
    """When a job queued again after a failure may start, if that is still ahead."""
    if dispatch is None or job.status != Status.PENDING or dispatch.not_before is None:
        return None
    return dispatch.not_before if dispatch.not_before > timezone.now() else None


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _last_attempt(error: str) -> str:
    # fail_job words a final failure "Every target failed: …"; on a job still retrying it is only the last attempt.
    prefix = "Every target failed: "
    if error.startswith(prefix):
        return "the last attempt failed on every target: " + error[len(prefix) :]
    return "the last attempt failed: " + error


def reason_in_words(job: ScrapeJob, dispatch: JobDispatch | None = None, waiting_reason: str | None = None) -> str:
    """Why the job is where it is: the failure, the retry it waits for, or a finished job's notes."""
    error = (job.error or "").strip()
    if job.status == Status.FAILED:
        return error or "The job failed without a recorded reason."
    if job.status == Status.CANCELLED:
        return "Cancelled."
    if job.status in WAITING_STATUSES and error:
        last = _last_attempt(error)
        if dispatch is not None and dispatch.retries_used:
            return f"Retry {dispatch.retries_used} of {dispatch.max_retries}: {last}"
        return last[0].upper() + last[1:]
    if job.status in WAITING_STATUSES:
        return waiting_reason or ""
    return error


# --- transitions -------------------------------------------------------------------------


def allowed_transitions(job: ScrapeJob, dispatch: JobDispatch | None = None) -> list[str]:
    """Run: a job not queued yet, or a completed one again. Retry: a failed or cancelled one. Cancel: unfinished."""
    allowed = []
    queued = is_web(job) or (dispatch is not None and dispatch.queued_at is not None)
    if job.status == Status.COMPLETED or (job.status == Status.PENDING and not queued):
        allowed.append(RUN)
    if job.status in UNFINISHED:
        allowed.append(CANCEL)
    if job.status in (Status.FAILED, Status.CANCELLED):
        allowed.append(RETRY)
    return allowed


def apply_transition(job: ScrapeJob, transition: str) -> str:
    """Run, cancel or retry the job; a message for the user. Refused when the state does not allow it."""
    if transition not in allowed_transitions(job, dispatch_of(job)):
        raise TransitionRefused(f"The job is {job.get_status_display().lower()}: it cannot be {_past(transition)} now.")
    if transition == CANCEL:
        cancelled = webjobs.cancel_web_job(job) if is_web(job) else lifecycle.cancel_job(job)
        if not cancelled:
            raise TransitionRefused("The job finished meanwhile: nothing to cancel.")
        return "The job is cancelled."
    try:
        if is_web(job):
            webjobs.rerun_web_job(job)
        else:
            lifecycle.queue_job(job)
    except RuleRefused as exc:  # queued or running already, or changed by a concurrent request
        raise TransitionRefused(str(exc)) from None
    except InvalidInput as exc:  # the advertiser's cap on unfinished web jobs
        raise TransitionRefused(_first_message(exc.errors)) from None
    return "The job is queued." if transition == RUN else "The job is queued again."


def _past(transition: str) -> str:
    return {RUN: "run", CANCEL: "cancelled", RETRY: "retried"}[transition]


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        detail = next(iter(detail.values()), "")
    if isinstance(detail, list):
        detail = detail[0] if detail else ""
    return str(detail) or "The job cannot run now."


def summary_in_words(job: ScrapeJob, counts: dict[str, int]) -> str:
    if is_web(job):
        return f"{job.items_scraped} pages scraped, {job.items_failed} failed."
    targets = (
        f"{counts['targets']} targets: {counts['targets_done']} done, {counts['targets_failed']} failed, "
        f"{counts['targets_running']} running"
    )
    if job.kind == ScrapeJob.Kind.GROUP_POSTS:
        return f"{targets} · {job.items_scraped} posts stored."
    return f"{targets} · {job.leads_stored} leads stored · {job.items_scraped} profiles scraped."


# --- the whole state ---------------------------------------------------------------------


def snapshot(job: ScrapeJob, *, may_change: bool) -> dict[str, Any]:
    """The JSON the job page polls (a handful of queries whatever the number of targets)."""
    dispatch = dispatch_of(job)
    states = target_states(job)
    counts = target_counts(states)
    waiting = slots.waiting_of([job])[job.pk] if job.status == Status.PENDING else slots.NOT_WAITING
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "finished": job.is_finished,
        "progress": displayed_progress(job, counts["targets_done"] + counts["targets_failed"]),
        "counts": {
            **counts,
            "leads_stored": job.leads_stored,
            "items_scraped": job.items_scraped,
            "items_failed": job.items_failed,
        },
        "summary": summary_in_words(job, counts),
        "targets": [state.as_dict() for state in states],
        "next_retry_at": _stamp(next_retry_at(job, dispatch)),
        "reason": reason_in_words(job, dispatch, waiting.reason),
        "queue_position": waiting.position,
        "actions": allowed_transitions(job, dispatch) if may_change else [],
    }
