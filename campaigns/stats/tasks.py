"""Celery tasks of the campaign statistics (thin wrappers): folding the trigger-kept state counts, rolling
the recent joins into the publisher activity."""
from celery import shared_task

from .counts import fold_state_counts
from .rollups import roll_up_recent_joins

TASK_OPTIONS = {"ignore_result": True, "acks_late": True}


@shared_task(name="campaigns.fold_state_counts", **TASK_OPTIONS)
def fold_state_count_deltas() -> int:
    return fold_state_counts()


@shared_task(name="campaigns.roll_up_recent_joins", **TASK_OPTIONS)
def roll_up_recent_publisher_joins() -> int:
    return roll_up_recent_joins()
