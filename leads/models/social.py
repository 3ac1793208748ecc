"""Social lead generation: connector credentials, per-target job units, job dispatch rows and lead counts.

A `ScrapeJob` (core) fans out into one `JobUnit` per target; each unit keeps the cursor of
the page it has stored, so a worker killed mid-job resumes without duplicates. `JobDispatch`
holds how a job is queued, retried and scheduled. `LeadCount` rows are maintained by
database triggers on the leads table (leads.triggers, "Lead counts") so the leads list can
report exact totals at any size.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from accounts.masking import mask_secret
from accounts.scoping import TenantScopedQuerySet, scoped_queryset
from leadplatform.stored_text import refuse_null_characters

from ..encryption import decrypt_secret, encrypt_secret
from .core import Platform, ScrapeJob, Target


class ConnectorCredential(models.Model):
    """An advertiser's account at a data provider; the secret is encrypted at rest."""

    class Provider(models.TextChoices):
        INSTAGRAM_GRAPH = "instagram_graph", "Instagram Graph API"
        HOSTED_SCRAPER = "hosted_scraper", "Hosted scraper (Apify-style actors)"
        WEB = "web", "Web pages (profile and link-in-bio sites)"
        SANDBOX = "sandbox", "Sandbox (deterministic fake data, offline)"

    advertiser = models.ForeignKey(
        "accounts.Advertiser", on_delete=models.CASCADE, related_name="connector_credentials"
    )
    name = models.CharField(max_length=100)
    provider = models.CharField(max_length=32, choices=Provider.choices)
    platform = models.CharField(
        max_length=16,
        choices=Platform.choices,
        default=Platform.INSTAGRAM,
        help_text="Platform this credential serves.",
    )
    base_url = models.URLField(
        "base URL",
        max_length=500,
        blank=True,
        help_text=(
            "Provider API root, blank for the provider's default (Graph API, Apify). Set it to reach a "
            "compatible API elsewhere, e.g. a local mock; the outbound address guard still applies."
        ),
    )
    account_id = models.CharField(
        "account ID",
        max_length=100,
        blank=True,
        help_text="Instagram professional account id (Graph API) or provider user id.",
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    actors = models.JSONField(
        default=dict,
        blank=True,
        validators=[refuse_null_characters],
        help_text=(
            'Hosted scraper only. Per job kind: {"followers": {"actor_id": "user~actor", "task": false, '
            '"input": {"usernames": ["{identifier}"], "limit": "{limit}"}, "fields": {"username": "username", '
            '"followers": "followersCount"}}}.'
        ),
    )
    hashtag_quota = models.PositiveIntegerField(default=30, help_text="Unique hashtags per 7 days (Graph API).")
    requests_per_second = models.FloatField(
        null=True, blank=True, help_text="Upper bound for this credential; the job's speed mode may lower it."
    )
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Graph API token refresh: the Meta app that issued the long-lived token exchanges it for a new one.
    app_id = models.CharField("app ID", max_length=100, blank=True, help_text="Meta app id (Graph API token refresh).")
    app_secret_encrypted = models.TextField(blank=True, editable=False)
    token_expires_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the access token expires (Graph API long-lived tokens)."
    )
    token_refreshed_at = models.DateTimeField(null=True, blank=True)
    token_refresh_error = models.CharField(
        max_length=500, blank=True, help_text="Why the last token refresh failed; cleared by the next success."
    )

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["advertiser", "provider", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "provider", "name"],
                name="connector_credential_unique_name",
                violation_error_message="This advertiser already has a credential of this provider with this name.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()}: {self.name}"

    def set_secret(self, plaintext: str) -> None:
        self.secret_encrypted = encrypt_secret(plaintext)

    @property
    def secret(self) -> str:
        return decrypt_secret(self.secret_encrypted)

    def set_app_secret(self, plaintext: str) -> None:
        self.app_secret_encrypted = encrypt_secret(plaintext)

    @property
    def app_secret(self) -> str:
        return decrypt_secret(self.app_secret_encrypted)

    @property
    def masked_secret(self) -> str:
        return mask_secret(self.secret)

    @property
    def masked_app_secret(self) -> str:
        return mask_secret(self.app_secret)


class HashtagQuery(models.Model):
    """A unique hashtag queried through a Graph API credential (30 per rolling 7 days)."""

    credential = models.ForeignKey(ConnectorCredential, on_delete=models.CASCADE, related_name="hashtag_queries")
    hashtag = models.CharField(max_length=200)
    hashtag_id = models.CharField("hashtag ID", max_length=100, blank=True)
    first_queried_at = models.DateTimeField(default=timezone.now)

    objects = scoped_queryset("credential__advertiser").as_manager()

    class Meta:
        verbose_name_plural = "hashtag queries"
        ordering = ["-first_queried_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "hashtag"],
                name="hashtag_query_unique_per_credential",
                violation_error_message="This credential already has a query for this hashtag.",
            )
        ]


class JobUnit(models.Model):
    """One target of a job: the fan-out unit, with its resume cursor and its own counters."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(ScrapeJob, on_delete=models.CASCADE, related_name="units")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="job_units")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    runner = models.PositiveIntegerField(
        null=True, blank=True, help_text="Number of the job's parallel runner task holding it (that runner resumes it)."
    )
    cursor = models.TextField(blank=True, help_text="Provider cursor of the next page to fetch.")
    pages_done = models.PositiveIntegerField(default=0)
    items_scraped = models.PositiveIntegerField(default=0)
    leads_stored = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = scoped_queryset("job__advertiser").as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["job", "target"],
                name="job_unit_unique_target",
                violation_error_message="This job already has a unit for this target.",
            )
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} · {self.target_id}"


class JobDispatch(models.Model):
    """How a job is dispatched: whether it waits in the queue, its retry budget and its schedule."""

    job = models.OneToOneField(ScrapeJob, on_delete=models.CASCADE, primary_key=True, related_name="dispatch")
    queued_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="Set while the job waits for a worker slot."
    )
    not_before = models.DateTimeField(null=True, blank=True, help_text="Retry backoff: not dispatched before this.")
    max_retries = models.PositiveIntegerField(default=3)
    retries_used = models.PositiveIntegerField(default=0)
    periodic_task = models.OneToOneField(
        PeriodicTask, null=True, blank=True, on_delete=models.SET_NULL, related_name="scrape_job_dispatch"
    )

    objects = scoped_queryset("job__advertiser").as_manager()

    class Meta:
        verbose_name_plural = "job dispatches"
        db_table = "leads_jobplan"  # the table keeps its first name (raw SQL joins it)

    def __str__(self) -> str:
        return f"dispatch of job {self.job_id}"


class LeadCount(models.Model):
    """Leads per (advertiser, platform, source type, outreach ready); kept by triggers on the leads table.

    Written by those triggers only (`leads.triggers.CREATE_LEAD_COUNTS`), never by the application.
    """

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=16)
    source_type = models.CharField(max_length=16)
    outreach_ready = models.BooleanField()
    count = models.BigIntegerField(default=0)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "platform", "source_type", "outreach_ready"],
                name="lead_count_unique_key",
                violation_error_message="There is already a count for this advertiser, platform, source and outreach state.",
            )
        ]


SOCIAL_KINDS = (
    ScrapeJob.Kind.HASHTAG,
    ScrapeJob.Kind.FOLLOWERS,
    ScrapeJob.Kind.FOLLOWING,
    ScrapeJob.Kind.LIKERS,
    ScrapeJob.Kind.GROUP_POSTS,
)


class SocialJobManager(models.Manager.from_queryset(TenantScopedQuerySet)):
    def get_queryset(self):
        return super().get_queryset().filter(kind__in=SOCIAL_KINDS)


class SocialJob(ScrapeJob):
    """A `ScrapeJob` of a social kind (the social lead API jobs and the group-post API group-post tasks); its own admin page."""

    objects = SocialJobManager()

    class Meta:
        proxy = True
        verbose_name = "social job"
        ordering = ["-id"]
