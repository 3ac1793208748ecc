"""Celery tasks of the campaign statistics, each a thin wrapper run by beat: one per daily rollup,
folding the trigger-kept state counts, and rolling the recent joins into the publisher activity."""

from celery import shared_task

from .counts import fold_state_counts
from .rollups import roll_up, roll_up_recent_joins

TASK_OPTIONS = {"ignore_result": True, "acks_late": True}


@shared_task(name="campaigns.roll_up_task_days", **TASK_OPTIONS)
def roll_up_task_days() -> int:
    return roll_up("task_day")


@shared_task(name="campaigns.roll_up_campaign_network_totals", **TASK_OPTIONS)
def roll_up_campaign_network_totals() -> int:
    return roll_up("campaign_network_totals")


@shared_task(name="campaigns.roll_up_spend_days", **TASK_OPTIONS)
def roll_up_spend_days() -> int:
    return roll_up("spend_day")


@shared_task(name="campaigns.roll_up_campaign_spend_totals", **TASK_OPTIONS)
def roll_up_campaign_spend_totals() -> int:
    return roll_up("campaign_spend_totals")


@shared_task(name="campaigns.roll_up_publisher_activity", **TASK_OPTIONS)
def roll_up_publisher_activity() -> int:
    return roll_up("publisher_activity")


@shared_task(name="campaigns.fold_state_counts", **TASK_OPTIONS)
def fold_state_count_deltas() -> int:
    return fold_state_counts()


@shared_task(name="campaigns.roll_up_recent_joins", **TASK_OPTIONS)
def roll_up_recent_publisher_joins() -> int:
    return roll_up_recent_joins()
