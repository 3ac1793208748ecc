"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="accounts.flush_usage_counters", ignore_result=True)
def flush_usage_counters() -> int:
    return services.flush_usage_counters()


@shared_task(name="accounts.purge_expired_counters", ignore_result=True)
def purge_expired_counters() -> int:
    return services.purge_expired_counters()
