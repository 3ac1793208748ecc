"""Scraping: targets, scrape jobs, leads, content items, web results, proxies and webhooks.

One `ScrapeJob` serves every scraping surface: social lead generation (the social lead API, kinds
hashtag/followers/following/likers), group-post tasks (the group-post API, kind group_posts) and
the web scraper (the web scraper API, kind web). Each surface maps the canonical statuses to its
own words.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.scoping import TenantScopedQuerySet, scoped_queryset
from leadplatform.stored_text import refuse_null_characters

from ..encryption import decrypt_secret, encrypt_secret

#: "whsec_" and the first 8 characters of the key: enough to tell secrets apart, useless to sign.
WEBHOOK_SECRET_DISPLAY_LENGTH = 14


class Platform(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    FACEBOOK = "facebook", "Facebook"
    WEB = "web", "Web"


class Target(models.Model):
    class Type(models.TextChoices):
        HASHTAG = "hashtag", "Hashtag"
        FOLLOWERS = "followers", "Followers of an account"
        FOLLOWING = "following", "Accounts an account follows"
        LIKERS = "likers", "Likers of a post"
        GROUP = "group", "Group"
        URL = "url", "URL"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="targets")
    identifier = models.CharField(max_length=500, help_text="#hashtag, username, post URL, group id or URL.")
    target_type = models.CharField(max_length=16, choices=Type.choices, db_index=True)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.INSTAGRAM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "platform", "target_type", "identifier"],
                name="target_unique_per_advertiser",
                violation_error_message="This advertiser already has this target.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target_type}:{self.identifier}"


class ScrapeJob(models.Model):
    class Kind(models.TextChoices):
        HASHTAG = "hashtag", "Hashtag posts"
        FOLLOWERS = "followers", "Followers"
        FOLLOWING = "following", "Following"
        LIKERS = "likers", "Likers"
        GROUP_POSTS = "group_posts", "Group posts"
        WEB = "web", "Web pages"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ASSIGNED = "assigned", "Assigned to a worker"
        RUNNING = "running", "Running"
        COMPLETED = "completed", "Completed"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    FINISHED = (Status.COMPLETED, Status.FAILED, Status.CANCELLED)

    class SpeedMode(models.TextChoices):
        SAFE = "safe", "Safe"
        NORMAL = "normal", "Normal"
        AGGRESSIVE = "aggressive", "Aggressive"

    class Engine(models.TextChoices):
        AUTO = "auto", "Auto"
        HTTP = "http", "HTTP"
        BROWSER = "browser", "Browser"

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="scrape_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    public_id = models.UUIDField(
        "public ID", default=uuid.uuid4, unique=True, editable=False, help_text="String id of the web scraper API."
    )
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, db_index=True)
    platform = models.CharField(max_length=16, choices=Platform.choices, default=Platform.INSTAGRAM)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    priority = models.IntegerField(default=0, help_text="Higher runs first.")

    # Social lead generation (the social lead API).
    targets = models.ManyToManyField(Target, blank=True, related_name="jobs")
    speed_mode = models.CharField(max_length=16, choices=SpeedMode.choices, default=SpeedMode.NORMAL)
    max_leads = models.PositiveIntegerField(null=True, blank=True)
    max_leads_per_target = models.PositiveIntegerField(null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True, validators=[refuse_null_characters])

    # Group-post tasks (the group-post API).
    group_id = models.CharField("group ID", max_length=200, blank=True)
    group_name = models.CharField(max_length=300, blank=True)
    max_posts = models.PositiveIntegerField(null=True, blank=True)

    # Web scraper (the web scraper API).
    url = models.URLField("URL", max_length=2000, blank=True)
    engine = models.CharField(max_length=16, choices=Engine.choices, default=Engine.AUTO)
    selectors = models.JSONField(default=dict, blank=True, validators=[refuse_null_characters])
    config = models.JSONField(default=dict, blank=True, validators=[refuse_null_characters])

    # Progress and counters.
    progress = models.FloatField(default=0.0)
    items_scraped = models.PositiveIntegerField(default=0)
    items_failed = models.PositiveIntegerField(default=0)
    leads_stored = models.PositiveIntegerField(default=0)
    worker_id = models.CharField("worker ID", max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the worker running the job last showed it is alive; a job silent for too long is queued again.",
    )

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["advertiser", "kind", "status"], name="job_tenant_kind_status"),
            models.Index(fields=["status", "-priority", "created_at"], name="job_queue_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__gte=0) & Q(progress__lte=100),
                name="job_progress_range",
                violation_error_message="Progress must be between 0 and 100.",
            ),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.kind} job {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED


class Lead(models.Model):
    """A social profile found by a job: unique per (advertiser, platform, username)."""

    # No index of its own: (advertiser, id) and the unique (advertiser, platform, username) lead with it.
    # The three references are checked once per statement by triggers, not per row by foreign-key
    # constraints (leads.triggers, "Lead references"; docs/decisions.md): ingest writes thousands of
    # rows per statement. Every row written also updates the lead counts (leads.triggers, "Lead counts").
    advertiser = models.ForeignKey(
        "accounts.Advertiser", on_delete=models.CASCADE, related_name="leads", db_index=False, db_constraint=False
    )
    platform = models.CharField(max_length=16, choices=Platform.choices)
    username = models.CharField(max_length=200)
    full_name = models.CharField(max_length=300, blank=True)
    bio = models.TextField(blank=True)
    followers = models.BigIntegerField(null=True, blank=True)
    following = models.BigIntegerField(null=True, blank=True)
    emails = models.TextField(blank=True, help_text="Comma-separated e-mail addresses.")
    phones = models.TextField(blank=True, help_text="Comma-separated phone numbers.")
    website = models.URLField(max_length=1000, blank=True)
    is_verified = models.BooleanField(default=False)
    is_business = models.BooleanField(default=False)
    blacklisted = models.BooleanField(default=False)
    outreach_ready = models.BooleanField(default=False)
    source_type = models.CharField(max_length=16, choices=Target.Type.choices, blank=True)
    job = models.ForeignKey(
        ScrapeJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads", db_constraint=False
    )
    target = models.ForeignKey(
        Target, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads", db_constraint=False
    )
    scraped_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)

    #: The profile as a scrape found it, in the fields' order: what a re-scrape refreshes, what admin and the
    #: API show of the profile.
    PROFILE_FIELDS = ("full_name", "bio", "followers", "following", "emails", "phones", "website")

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "platform", "username"],
                name="lead_unique_per_advertiser",
                violation_error_message="This advertiser already has a lead with this username on this platform.",
            )
        ]
        indexes = [
            # Only ready leads: the outreach_ready=true list pages through it; false reads lead_tenant_recent.
            models.Index(
                fields=["advertiser", "-id"], condition=Q(outreach_ready=True), name="lead_tenant_outreach_ready"
            ),
            # The staff dashboard's 30-day window over every advertiser. A refreshed lead keeps its
            # created_at, so its ON CONFLICT update stays a HOT update.
            models.Index(fields=["created_at"], name="lead_created_window"),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.username}"


class ContentItem(models.Model):
    """A post found by a job: unique per (advertiser, platform, post_id)."""

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="content_items")
    platform = models.CharField(max_length=16, choices=Platform.choices)
    post_id = models.CharField("post ID", max_length=200)
    username = models.CharField(max_length=200, blank=True, help_text="Author's handle.")
    author = models.CharField(max_length=300, blank=True, help_text="Author's display name.")
    text = models.TextField(blank=True)
    url = models.URLField("URL", max_length=1000, blank=True)
    posted_at = models.DateTimeField(null=True, blank=True)
    likes_count = models.BigIntegerField(default=0)
    comments_count = models.BigIntegerField(default=0)
    shares_count = models.BigIntegerField(default=0)
    views_count = models.BigIntegerField(default=0)
    engagement_rate = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True, help_text="Percent.")
    job = models.ForeignKey(ScrapeJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="content_items")
    scraped_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "platform", "post_id"],
                name="content_unique_per_advertiser",
                violation_error_message="This advertiser already has this post.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.post_id}"


class WebResult(models.Model):
    """One page's extracted data from a web job (the web scraper API's results)."""

    job = models.ForeignKey(ScrapeJob, on_delete=models.CASCADE, related_name="web_results")
    url = models.URLField("URL", max_length=2000)
    data = models.JSONField(default=dict)
    scraped_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("job__advertiser").as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "url"],
                name="web_result_unique_url_per_job",
                violation_error_message="This job already has a result for this URL.",
            )
        ]
        # The staff dashboard's 30-day window over every advertiser's pages.
        indexes = [models.Index(fields=["scraped_at"], name="web_result_scraped_window")]


class Proxy(models.Model):
    """An outbound proxy of the platform's pool (staff-managed)."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        BANNED = "banned", "Banned"

    url = models.CharField("URL", max_length=500, unique=True, help_text="http://user:pass@host:port")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    success_count = models.PositiveIntegerField(default=0)
    failure_count = models.PositiveIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    last_checked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "proxies"

    def __str__(self) -> str:
        return self.url

    @property
    def success_rate(self) -> float:
        total = self.success_count + self.failure_count
        return round(100.0 * self.success_count / total, 2) if total else 100.0


class Webhook(models.Model):
    class Event(models.TextChoices):
        JOB_COMPLETED = "job.completed", "Job completed"
        JOB_FAILED = "job.failed", "Job failed"
        COMPANY_ALERT = "company.alert", "Company alert"

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="webhooks")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    url = models.URLField("URL", max_length=2000)
    events = models.JSONField(default=list)
    # The signing secret (whsec_…) is encrypted at rest; only its first characters are kept readable.
    secret_encrypted = models.TextField(editable=False)
    secret_prefix = models.CharField(max_length=20, editable=False, help_text="Start of the signing secret.")
    active = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return decrypt_secret(self.secret_encrypted)

    @secret.setter
    def secret(self, plaintext: str) -> None:
        self.secret_encrypted = encrypt_secret(plaintext)
        self.secret_prefix = plaintext[:WEBHOOK_SECRET_DISPLAY_LENGTH]


class WebhookDelivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=50)
    message_id = models.UUIDField("message ID", default=uuid.uuid4, unique=True, editable=False)
    payload = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("webhook__advertiser").as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "webhook deliveries"
