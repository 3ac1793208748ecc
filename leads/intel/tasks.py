"""Celery tasks of lead intelligence: thin wrappers that take plain values and call services."""
from celery import shared_task

from . import services


@shared_task(name="intel.record_visit_batch", acks_late=True, ignore_result=True)
def record_visit_batch(site_id: int, ip: str | None, user_agent: str, received_at: str, batch: dict) -> None:
    # Idempotent (actions are keyed by the snippet's ids), so a redelivery after a lost worker is harmless.
    services.record_visit_batch(site_id, ip, user_agent, received_at, batch)
