"""The leads app's receivers: account events, and what the scraping services announce (`leads.events`)
turned into Celery tasks and webhook deliveries. Connected when the app is ready (`LeadsConfig.ready`).

Every send goes through `publishing.send_or_leave_for_beat`: the work is committed before it is
announced, so a broker outage leaves it for beat's sweep instead of failing the caller."""

from __future__ import annotations

from functools import partial

from django.dispatch import receiver

from accounts.signals import advertiser_reactivated

from . import events, tasks, webhooks
from .publishing import send_or_leave_for_beat


@receiver(advertiser_reactivated, dispatch_uid="leads.resume_held_work")
def resume_held_work(sender, advertiser, **kwargs) -> None:
    # Beat would send the waiting jobs at its next dispatch; this sends them now.
    send_or_leave_for_beat(tasks.dispatch_scrape_jobs.delay, "the dispatch of waiting jobs")


@receiver(events.job_finished, dispatch_uid="leads.notify_webhooks")
def notify_webhooks(sender, job, event: str, **kwargs) -> None:
    webhooks.emit_job_event(job, event)


@receiver(events.social_jobs_waiting, dispatch_uid="leads.wake_social_worker")
def wake_social_worker(sender, countdown: float | None = None, **kwargs) -> None:
    send_or_leave_for_beat(partial(tasks.run_next_scrape_job.apply_async, countdown=countdown), "a queued social job")


@receiver(events.web_job_ready, dispatch_uid="leads.start_web_job")
def start_web_job(sender, job_id: int, **kwargs) -> None:
    send_or_leave_for_beat(partial(tasks.run_web_job.delay, job_id), f"web job {job_id}")


@receiver(events.webhook_deliveries_ready, dispatch_uid="leads.send_webhook_deliveries")
def send_webhook_deliveries(sender, delivery_ids: list[int], **kwargs) -> None:
    for delivery_id in delivery_ids:
        send_or_leave_for_beat(partial(tasks.deliver_webhook.delay, delivery_id), f"webhook delivery {delivery_id}")


@receiver(events.background_export_ready, dispatch_uid="leads.write_background_export")
def write_background_export(sender, export_id: int, **kwargs) -> None:
    tasks.write_background_export.delay(export_id)
