"""Celery tasks of campaigns: one periodic task per statistics rollup (thin wrappers)."""
from celery import shared_task

from campaigns.stats.rollups import roll_up

ROLLUP_TASK_OPTIONS = {"ignore_result": True, "acks_late": True}


@shared_task(name="campaigns.roll_up_task_days", **ROLLUP_TASK_OPTIONS)
def roll_up_task_days() -> int:
    return roll_up("task_day")


@shared_task(name="campaigns.roll_up_campaign_network_totals", **ROLLUP_TASK_OPTIONS)
def roll_up_campaign_network_totals() -> int:
    return roll_up("campaign_network_totals")


@shared_task(name="campaigns.roll_up_spend_days", **ROLLUP_TASK_OPTIONS)
def roll_up_spend_days() -> int:
    return roll_up("spend_day")


@shared_task(name="campaigns.roll_up_campaign_spend_totals", **ROLLUP_TASK_OPTIONS)
def roll_up_campaign_spend_totals() -> int:
    return roll_up("campaign_spend_totals")


@shared_task(name="campaigns.roll_up_publisher_activity", **ROLLUP_TASK_OPTIONS)
def roll_up_publisher_activity() -> int:
    return roll_up("publisher_activity")
