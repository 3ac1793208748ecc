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
        constraints = [
            models.UniqueConstraint(
                fields=["name", "day"],
                name="rollup_run_once_per_day",
                violation_error_message="This rollup already ran for this day.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"


class RollupMark(models.Model):
    """How far a rollup that also rolls the current day has got: every fact before `until` is in it
    (`rollups.roll_up_recent_joins`)."""

    name = models.CharField(max_length=40, unique=True)
    until = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} until {self.until}"


class TaskDay(models.Model):
    """Approved posts of an advertiser's campaigns on a day: tasks accepted or paid, by the day they were reviewed."""

    day = models.DateField()
    advertiser_id = models.BigIntegerField(
        "advertiser ID",
    )
    posts = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagement = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "advertiser_id"],
                name="task_day_unique",
                violation_error_message="There is already a row for this advertiser and day.",
            )
        ]


class CampaignNetworkTotal(models.Model):
    """Approved posts of a campaign per network, every rolled day merged in; a task on several networks
    counts under each of them."""

    campaign_id = models.BigIntegerField(
        "campaign ID",
    )
    network = models.CharField(max_length=16)
    posts = models.BigIntegerField(default=0)
    reach = models.BigIntegerField(default=0)
    engagement = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_id", "network"],
                name="campaign_network_total_unique",
                violation_error_message="There is already a total for this campaign and network.",
            )
        ]


class SpendDay(models.Model):
    """Payments of an advertiser on a day: totals in the campaigns' currency, charges in the advertiser's."""

    day = models.DateField()
    advertiser_id = models.BigIntegerField(
        "advertiser ID",
    )
    currency = models.CharField(max_length=3)
    charged_currency = models.CharField(max_length=3)
    payments = models.BigIntegerField(default=0)
    total = models.DecimalField(**MONEY)
    charged = models.DecimalField(**MONEY)
    reach = models.BigIntegerField(default=0, help_text="Reach of the paid tasks (for CPM).")

    class Meta:
        indexes = [models.Index(fields=["advertiser_id", "day"])]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "advertiser_id", "currency", "charged_currency"],
                name="spend_day_unique",
                violation_error_message="There is already a spend row for this advertiser, day and currencies.",
            )
        ]


class CampaignSpendTotal(models.Model):
    """Payments of a campaign, every rolled day merged in."""

    campaign_id = models.BigIntegerField(
        "campaign ID",
    )
    currency = models.CharField(max_length=3)
    payments = models.BigIntegerField(default=0)
    total = models.DecimalField(**MONEY)
    reach = models.BigIntegerField(default=0, help_text="Reach of the paid tasks (for CPM).")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["campaign_id", "currency"],
                name="campaign_spend_total_unique",
                violation_error_message="There is already a spend total for this campaign and currency.",
            )
        ]


class PublisherActivity(models.Model):
    """Per publisher: the first and last day they joined a campaign (rolled day by day)."""

    publisher_id = models.BigIntegerField("publisher ID", unique=True)
    first_joined_on = models.DateField()
    last_joined_on = models.DateField(db_index=True)

    class Meta:
        verbose_name_plural = "publisher activities"


class PublisherLastJoinDay(models.Model):
    """Rolled publishers counted by the last day they joined (`PublisherActivity.last_joined_on`), kept by the
    publisher_activity rollup in the same transaction: "joined ever" and "joined since" read these few rows
    instead of counting every publisher's activity row."""

    day = models.DateField(unique=True)
    publishers = models.BigIntegerField(default=0)


class StateCount(models.Model):
    """A count by current state (`name`: what is counted, `key`: the state) kept as delta rows.

    On PostgreSQL, statement triggers on the counted table (campaigns.stats.triggers) append one row per changed key; the count of a key
    is the sum of its rows. Appending, never updating a shared row, means concurrent writers neither wait on
    each other nor deadlock; beat folds each key's rows into one (`counts.fold_state_counts`).
    """

    name = models.CharField(max_length=40)
    key = models.CharField(max_length=40)
    n = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["name"], name="state_count_name")]
