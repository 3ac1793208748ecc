"""Celery tasks of the leads app: thin wrappers taking ids and calling services.

The services never import this module: they announce what should be sent (`leads.events`), and
`leads.signals` sends these tasks.
"""

from __future__ import annotations

import os
import socket

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from leads import exports, heartbeats, proxies, stalled_jobs, token_refresh, webhooks
from leads.engine import runner
from leads.jobs import claim, lifecycle, run
from leads.web import jobs as webjobs

# --- webhooks (shared by every job kind) ----------------------------------


@shared_task(name="leads.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    delay = webhooks.attempt_delivery(delivery_id)
    if delay is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=delay)


@shared_task(name="leads.resend_overdue_webhooks", ignore_result=True)
def resend_overdue_webhooks() -> None:
    for delivery_id in webhooks.overdue_delivery_ids():
        deliver_webhook.delay(delivery_id)


# --- social scrape jobs ----------------------------------------------------
# Every step is idempotent (conditional UPDATEs, upserts, cursors saved with their page),
# so acks_late + reject_on_worker_lost redeliver a killed worker's task safely.


def _worker_name(task) -> str:
    return f"{task.request.hostname or socket.gethostname()}:{os.getpid()}"


@shared_task(
    name="leads.run_next_scrape_job", bind=True, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def run_next_scrape_job(self) -> None:
    worker = _worker_name(self)
    job = claim.claim_next_job(worker)
    if job is not None:
        start_scrape_job.run(job.pk, worker=worker)


@shared_task(name="leads.start_scrape_job", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def start_scrape_job(job_id: int, worker: str = "") -> None:
    for number in range(run.start_job(job_id, worker or "recovered")):
        run_scrape_job_runner.delay(job_id, number)


# The registered name is the one messages already in the broker carry (arguments are positional).
@shared_task(name="leads.run_scrape_job_lane", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_scrape_job_runner(job_id: int, number: int) -> None:
    """Runner `number` of the job: runs its units until none is left or its time is up (then hands over)."""
    try:
        with heartbeats.beating(job_id):
            result = run.run_units(job_id, number)
    except SoftTimeLimitExceeded:
        result = run.RunnerResult(handover=True)
    if result.handover:
        run_scrape_job_runner.delay(job_id, number)


@shared_task(name="leads.queue_scheduled_scrape_job", ignore_result=True)
def queue_scheduled_scrape_job(job_id: int) -> None:
    lifecycle.queue_scheduled_job(job_id)


@shared_task(name="leads.dispatch_scrape_jobs", ignore_result=True)
def dispatch_scrape_jobs() -> None:
    for _ in range(min(claim.due_queued_job_count(), 20)):
        run_next_scrape_job.delay()
    for job_id in claim.stalled_assigned_job_ids():
        start_scrape_job.delay(job_id)
    runner.start_waiting_crawls()


@shared_task(name="leads.recover_stalled_jobs", ignore_result=True)
def recover_stalled_jobs() -> None:
    stalled_jobs.recover_stalled_jobs()


# --- web scraper ---------------------------------------------------------


@shared_task(name="leads.run_web_job", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_web_job(job_id: int) -> None:
    runner.run_web_job(job_id)


@shared_task(name="leads.rerun_scheduled_web_job", ignore_result=True)
def rerun_scheduled_web_job(job_id: int) -> None:
    webjobs.rerun_scheduled_web_job(job_id)


@shared_task(name="leads.write_background_export", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def write_background_export(export_id: int) -> None:
    exports.write_background_export(export_id)


@shared_task(name="leads.delete_expired_exports", ignore_result=True)
def delete_expired_exports() -> None:
    exports.delete_expired_exports()


@shared_task(name="leads.recheck_proxies", ignore_result=True)
def recheck_proxies() -> None:
    proxies.recheck_proxies()


# --- connector credentials -----------------------------------------------------------


@shared_task(name="leads.refresh_connector_tokens", ignore_result=True)
def refresh_connector_tokens() -> None:
    for credential_id in token_refresh.credentials_due_for_refresh():
        token_refresh.refresh_token(credential_id)
