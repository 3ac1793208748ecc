"""Daily rollup tables. Each day is rolled once (a `RollupRun` row is its per-period key).

Days are UTC calendar days. A rollup covers every day up to its watermark (the latest day
rolled, contiguously); later days (always including today) are read from the raw rows.
"""
from __future__ import annotations

from django.db import models

from campaigns.models import MONEY


class RollupRun(models.Model):
    """One rollup of one day: its presence makes a repeated beat run a no-op."""

    name = models.CharField(max_length=40)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "day"]
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="rollup_run_once_per_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class TaskDay(models.Model):
    """Approved posts of a campaign on a day: tasks accepted or paid, by the day they were reviewed."""

    day = models.DateField()
    advertiser_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    posts = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagement = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "advertiser_id"]), models.Index(fields=["campaign_id", "day"])]
        constraints = [models.UniqueConstraint(fields=["day", "campaign_id"], name="task_day_unique")]


class TaskNetworkDay(models.Model):
    """The same per network: a task posted on several networks counts under each of them."""

    day = models.DateField()
    advertiser_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    network = models.CharField(max_length=16)
    posts = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagement = models.BigIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["campaign_id", "day"])]
        constraints = [models.UniqueConstraint(fields=["day", "campaign_id", "network"], name="task_network_day_unique")]


class SpendDay(models.Model):
    """Payments of a campaign on a day: totals in the campaign's currency, charges in the advertiser's."""

    day = models.DateField()
    advertiser_id = models.BigIntegerField()
    campaign_id = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    charged_currency = models.CharField(max_length=3)
    payments = models.BigIntegerField(default=0)
    total = models.DecimalField(**MONEY)
    charged = models.DecimalField(**MONEY)
    reach = models.BigIntegerField(default=0, help_text="Reach of the paid tasks (for CPM).")

    class Meta:
        indexes = [models.Index(fields=["day", "advertiser_id"]), models.Index(fields=["campaign_id", "day"])]
        constraints = [
            models.UniqueConstraint(fields=["day", "campaign_id", "currency", "charged_currency"], name="spend_day_unique")
        ]


class PublisherActivity(models.Model):
    """Per publisher: the first and last day they joined a campaign (rolled day by day)."""

    publisher_id = models.BigIntegerField(unique=True)
    first_joined_on = models.DateField()
    last_joined_on = models.DateField(db_index=True)
