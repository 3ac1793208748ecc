"""Celery tasks of accounts: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="accounts.flush_usage_counters", ignore_result=True)
def flush_usage_counters() -> int:
    return services.flush_usage_counters()
