"""Beat's sweep of jobs whose worker is gone (`leads.heartbeats` tells which): each kind recovers its own,
a social job in `leads.jobs.lifecycle`, a web job in `leads.engine.runner`."""

from __future__ import annotations

import logging

from .engine import runner
from .heartbeats import stalled_job_ids
from .jobs import lifecycle
from .models import ScrapeJob

logger = logging.getLogger(__name__)


def recover_stalled_jobs() -> dict[str, int]:
    """Beat's sweep: each stalled job is re-queued or, after its last attempt, failed. Returns counts."""
    outcome = {"requeued": 0, "failed": 0}
    for job_id in stalled_job_ids():
        kind = ScrapeJob.objects.filter(pk=job_id).values_list("kind", flat=True).first()
        recover = runner.recover_stalled_job if kind == ScrapeJob.Kind.WEB else lifecycle.recover_stalled_job
        result = recover(job_id)
        if result == ScrapeJob.Status.PENDING:
            outcome["requeued"] += 1
        elif result == ScrapeJob.Status.FAILED:
            outcome["failed"] += 1
    if any(outcome.values()):
        logger.warning("recovered stalled jobs: %s", outcome)
    return outcome
