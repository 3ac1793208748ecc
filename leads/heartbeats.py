"""Heartbeats of running jobs, and what happens to a job whose worker is gone.

A running job's run loop calls `pulse` (the runners of a social job between pages and on every
provider request, the web runner on every stored batch); the `heartbeat_at` column moves at
most every JOB_HEARTBEAT_INTERVAL_SECONDS per process, so a pulse costs nothing most of the
time. A job without a sign of life for JOB_HEARTBEAT_TIMEOUT_SECONDS has lost its worker:

- a redelivered task may take it over at once (`holder_is_gone`: the heartbeat is stale, or
  the worker that held it ran on this host and its process no longer exists — a SIGKILLed pool
  process whose task Celery redelivers within a second);
- beat (`leads.stalled_jobs.recover_stalled_jobs`, every minute) re-queues it with the attempt counted, or fails
  it with the reason once its attempts are spent.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import ScrapeJob

_current_job: ContextVar[int | None] = ContextVar("heartbeat_job", default=None)
_last_pulse: dict[int, float] = {}
_lock = threading.Lock()


@contextmanager
def beating(job_id: int) -> Iterator[None]:
    """Inside the block, `pulse()` without an id (e.g. from a connector's HTTP loop) beats for `job_id`."""
    token = _current_job.set(job_id)
    try:
        pulse(job_id, force=True)
        yield
    finally:
        _current_job.reset(token)
        with _lock:
            _last_pulse.pop(job_id, None)


def pulse(job_id: int | None = None, *, force: bool = False) -> None:
    """Record that the job's worker is alive, unless this process did so less than the interval ago."""
    job_id = job_id if job_id is not None else _current_job.get()
    if job_id is None:
        return
    now = time.monotonic()
    with _lock:
        if not force and now - _last_pulse.get(job_id, float("-inf")) < settings.JOB_HEARTBEAT_INTERVAL_SECONDS:
            return
        _last_pulse[job_id] = now
    ScrapeJob.objects.filter(pk=job_id, status=ScrapeJob.Status.RUNNING).update(heartbeat_at=timezone.now())


def stale_before() -> datetime:
    return timezone.now() - timedelta(seconds=settings.JOB_HEARTBEAT_TIMEOUT_SECONDS)


def last_sign_of_life():
    """The heartbeat, or for a job that never beat, when it started (or was claimed)."""
    return Coalesce(F("heartbeat_at"), F("started_at"), F("assigned_at"), F("created_at"))


def is_stale(job: ScrapeJob) -> bool:
    seen = job.heartbeat_at or job.started_at or job.assigned_at or job.created_at
    return seen < stale_before()


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def worker_process_is_gone(worker_id: str) -> bool:
    """True only when `worker_id` ("host:pid", host possibly "name@host") ran on this host and that
    process is dead. A worker elsewhere cannot be checked from here: its heartbeat decides."""
    host, _, pid = (worker_id or "").rpartition(":")
    if not pid.isdigit() or not host:
        return False
    nodename = os.uname().nodename
    if host != nodename and not host.endswith("@" + nodename):
        return False
    return int(pid) != os.getpid() and not _process_exists(int(pid))


def holder_is_gone(job: ScrapeJob) -> bool:
    """May another task take over this running job?"""
    return is_stale(job) or worker_process_is_gone(job.worker_id)


def stalled_reason(job: ScrapeJob) -> str:
    holder = f" ({job.worker_id})" if job.worker_id else ""
    return (
        f"The worker running this job{holder} stopped: no heartbeat for over "
        f"{settings.JOB_HEARTBEAT_TIMEOUT_SECONDS} seconds."
    )


def stalled_job_ids(limit: int = 100) -> list[int]:
    """Running jobs of every kind whose last sign of life is older than the timeout."""
    return list(
        ScrapeJob.objects.filter(status=ScrapeJob.Status.RUNNING)
        .alias(seen=last_sign_of_life())
        .filter(seen__lt=stale_before())
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
