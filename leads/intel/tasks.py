"""Celery tasks of lead intelligence: thin wrappers that take plain values and call services."""

from datetime import timedelta

from celery import shared_task
from django.db import OperationalError

from . import alerts, services

# Recording is idempotent (actions are keyed by the snippet's ids), so a redelivery after a lost
# worker or a retry after a dropped database connection records nothing twice.
RECORDING = {
    "acks_late": True,
    "ignore_result": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": True,
    "max_retries": 5,
}


@shared_task(name="intel.record_visit_batch", **RECORDING)
def record_visit_batch(site_id: int, ip: str | None, user_agent: str, received_at: str, batch: dict) -> None:
    services.record_visit_batch(site_id, ip, user_agent, received_at, batch)


# Published by the collect route at most every few hundred milliseconds, and run by beat every few
# seconds in case a publish was lost. Several may run at once: each takes its own beacons.
@shared_task(name="intel.drain_collected_beacons", **RECORDING)
def drain_collected_beacons() -> None:
    services.drain_collected_beacons()


# E-mailing is idempotent per alert (marked sent under its row lock), so a redelivery sends nothing twice.
@shared_task(name="intel.send_alert_emails", acks_late=True, ignore_result=True)
def send_alert_emails(alert_ids: list[int]) -> None:
    alerts.send_alert_emails(alert_ids)


# What a broker outage or a failed send left unsent: beat sends it a minute later.
@shared_task(name="intel.send_overdue_alert_emails", acks_late=True, ignore_result=True)
def send_overdue_alert_emails() -> None:
    alerts.send_alert_emails(older_than=timedelta(minutes=1))
