"""Celery tasks of the API plumbing: forgetting finished rate-limit windows and old Idempotency-Keys.

The task names predate this module (they were the accounts and tasks apps') and stay as they are:
beat rows and queued messages name them.
"""

from celery import shared_task

from . import idempotency
from .counters import DatabaseCounterStore


@shared_task(name="accounts.purge_expired_counters", ignore_result=True)
def purge_expired_counters() -> int:
    """The database counter store keeps one row per rate-limit window: drop the finished ones."""
    return DatabaseCounterStore().purge_expired()


@shared_task(name="tasks.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired_keys()
