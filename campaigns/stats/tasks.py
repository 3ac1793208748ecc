"""Celery tasks of the campaign statistics: folding the trigger-kept state counts (a thin wrapper)."""
from celery import shared_task

from .counts import fold_state_counts


@shared_task(name="campaigns.fold_state_counts", ignore_result=True, acks_late=True)
def fold_state_count_deltas() -> int:
    return fold_state_counts()
