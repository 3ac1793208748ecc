"""Influencer tasks: submissions with screenshots, metrics, the action log, payments.

A task moves pending → under_review → accepted | rejected, accepted → paid, and
pending → left; the moves are made by `tasks.services`. Tasks and payments reach their
advertiser through the campaign.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.principal import Kind, Principal
from accounts.scoping import TenantScopedQuerySet, scoped_queryset
from campaigns.images import ValidatedImageField
from campaigns.models import MONEY, Campaign
from leadplatform.stored_text import refuse_null_characters


class TaskQuerySet(scoped_queryset("campaign__advertiser")):
    def for_principal(self, principal: Principal) -> TaskQuerySet:
        """Advertisers see their campaigns' tasks; an influencer sees their own."""
        if principal.kind is Kind.PUBLISHER:
            return self.filter(publisher=principal.publisher)
        return super().for_principal(principal)


class Task(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        UNDER_REVIEW = "under_review", "Under review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"
        LEFT = "left", "Left"

    # A participation that still counts: an influencer may not join the same campaign again.
    OPEN_STATUSES = (Status.PENDING, Status.UNDER_REVIEW, Status.ACCEPTED, Status.PAID)

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks")
    # Empty only for a custom task the advertiser has not assigned yet.
    publisher = models.ForeignKey(
        "accounts.Publisher", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    type = models.CharField(max_length=16, choices=Campaign.TaskType.choices, default=Campaign.TaskType.POST)
    title = models.CharField(max_length=200)
    description = models.TextField(max_length=5000, blank=True)
    requirements = models.TextField(max_length=5000, blank=True)
    networks = models.JSONField(default=list, blank=True, validators=[refuse_null_characters])
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    deadline = models.DateTimeField()
    joined_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=500, blank=True)
    custom = models.BooleanField(default=False, help_text="Created by the advertiser rather than by joining.")

    # Metrics, entered at review (or imported): they decide the bonuses and the leaderboard.
    reach = models.PositiveBigIntegerField(default=0)
    engagement = models.PositiveBigIntegerField(default=0, help_text="Likes + comments + shares.")
    likes = models.PositiveBigIntegerField(default=0)
    comments = models.PositiveBigIntegerField(default=0)
    best_post = models.BooleanField(default=False, help_text="Chosen as the campaign's best post (earns that bonus).")

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["campaign", "status"]), models.Index(fields=["publisher", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "publisher"],
                condition=Q(status__in=["pending", "under_review", "accepted", "paid"], custom=False),
                name="task_one_open_per_campaign_and_publisher",
                violation_error_message="This influencer already has an open task in this campaign.",
            ),
            models.CheckConstraint(
                condition=Q(publisher__isnull=False) | Q(custom=True),
                name="task_has_publisher",
                violation_error_message="A task needs an influencer unless it is a custom task.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"

    @property
    def engagement_rate(self) -> Decimal:
        """Engagement as a percentage of reach."""
        if not self.reach:
            return Decimal("0")
        return (Decimal(self.engagement) * 100 / Decimal(self.reach)).quantize(Decimal("0.01"))


class Submission(models.Model):
    """What the influencer sent when completing the task."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="submission")
    post_url = models.URLField("post URL", max_length=500)
    media_url = models.URLField("media URL", max_length=500, blank=True, help_text="Link to the posted media.")
    created_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("task__campaign__advertiser").as_manager()

    def __str__(self) -> str:
        return self.post_url


def screenshot_path(instance: Screenshot, filename: str) -> str:
    task = instance.submission.task
    return f"campaigns/advertiser_{task.campaign.advertiser_id}/campaign_{task.campaign_id}_task_{task.pk}__{filename}"


class Screenshot(models.Model):
    """A screenshot of the post: an uploaded (validated, re-encoded) image or a link to one."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="screenshots")
    image = ValidatedImageField(upload_to=screenshot_path, blank=True, max_length=300)
    url = models.URLField("URL", max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("submission__task__campaign__advertiser").as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(image="") | ~Q(url=""),
                name="screenshot_has_image_or_url",
                violation_error_message="A screenshot needs an uploaded image or a link to one.",
            )
        ]


class TaskAction(models.Model):
    """The task's log: who did what, when."""

    class Action(models.TextChoices):
        JOINED = "joined", "Joined"
        CREATED = "created", "Created"
        COMPLETED = "completed", "Completed"
        LEFT = "left", "Left"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("task__campaign__advertiser").as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.action} by {self.actor or 'system'}"


class Payment(models.Model):
    """One per task. Amounts in the campaign's currency; `charged` in the advertiser's, for its limit."""

    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="payment")
    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.PROTECT, related_name="payments")
    publisher = models.ForeignKey("accounts.Publisher", on_delete=models.PROTECT, related_name="payments")
    minimum = models.DecimalField(**MONEY)
    post = models.DecimalField(**MONEY)
    bonus_reach = models.DecimalField(default=0, **MONEY)
    bonus_engagement_rate = models.DecimalField(default=0, **MONEY)
    bonus_best_post = models.DecimalField(default=0, **MONEY)
    total = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3)
    charged = models.DecimalField(help_text="Total in the advertiser's currency, counted against its limit.", **MONEY)
    charged_currency = models.CharField(max_length=3)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0) & Q(charged__gte=0),
                name="payment_not_negative",
                violation_error_message="Payment amounts cannot be negative.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.total} {self.currency} for task {self.task_id}"

    @property
    def bonus_total(self) -> Decimal:
        return self.bonus_reach + self.bonus_engagement_rate + self.bonus_best_post
