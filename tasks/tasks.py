"""Celery tasks of the tasks app: thin wrappers around services."""

from celery import shared_task

from . import idempotency


@shared_task(name="tasks.purge_idempotency_keys", ignore_result=True)
def purge_idempotency_keys() -> int:
    return idempotency.purge_expired_keys()
