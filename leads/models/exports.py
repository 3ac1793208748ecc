"""Background exports: a file of web results or leads written by a worker, fetched when ready."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.scoping import TenantScopedQuerySet
from leadplatform.stored_text import refuse_null_characters


class BackgroundExport(models.Model):
    """An export too large to stream within one request (more rows than `EXPORT_STREAM_MAX_ROWS`)."""

    class Source(models.TextChoices):
        WEB_RESULTS = "web_results", "Web results of a job"
        LEADS = "leads", "Leads"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"

    public_id = models.UUIDField("public ID", default=uuid.uuid4, unique=True, editable=False)
    # Empty for a platform-wide lead export by staff.
    advertiser = models.ForeignKey(
        "accounts.Advertiser", null=True, blank=True, on_delete=models.CASCADE, related_name="background_exports"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.CharField(max_length=16, choices=Source.choices)
    format = models.CharField(max_length=8)
    params = models.JSONField(
        default=dict,
        blank=True,
        validators=[refuse_null_characters],
        help_text="The web job's id, or the lead filters.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    rows = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", max_length=300, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.source} export {self.public_id} ({self.format})"
