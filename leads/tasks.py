"""Celery tasks of the leads app: thin wrappers taking ids and calling services."""
from __future__ import annotations

from celery import shared_task

# --- webhooks (issue 6; shared by every job kind) ----------------------------------


@shared_task(name="leads.deliver_webhook", acks_late=True, ignore_result=True)
def deliver_webhook(delivery_id: int) -> None:
    from leads import webhooks

    delay = webhooks.attempt_delivery(delivery_id)
    if delay is not None:
        deliver_webhook.apply_async((delivery_id,), countdown=delay)


@shared_task(name="leads.resend_overdue_webhooks", ignore_result=True)
def resend_overdue_webhooks() -> None:
    from leads import webhooks

    for delivery_id in webhooks.overdue_delivery_ids():
        deliver_webhook.delay(delivery_id)
