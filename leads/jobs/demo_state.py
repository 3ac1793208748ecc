"""The run state the demo data gives its jobs, whatever running them since has left behind.

A worker that runs a demo job counts attempts, writes heartbeats, stores unit cursors and may
use up retries; a re-seed that set only the status back would leave a pending job with a
spent attempt budget, which the next run fails with a false reason.
"""

from __future__ import annotations

from leads.models import JobDispatch, JobUnit, ScrapeJob

DEMO_WORKER = "demo-worker"


def run_fields(status: str) -> dict:
    """The run fields of a demo job seeded in `status`: one attempt on the demo worker once it ran, none
    pending; never a heartbeat (no demo job is left running). Timestamps and counters are the demo's own."""
    ran = status != ScrapeJob.Status.PENDING
    return {"attempts": 1 if ran else 0, "worker_id": DEMO_WORKER if ran else "", "heartbeat_at": None}


def clear_run_leftovers(job: ScrapeJob) -> None:
    """What running the job left beside its row: its units (cursors, attempts) and its dispatch state
    (queued, retry backoff, retries used). Its schedule, if any, stays."""
    JobUnit.objects.filter(job=job).delete()
    JobDispatch.objects.filter(job=job).update(queued_at=None, not_before=None, retries_used=0)
