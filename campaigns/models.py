"""Campaigns and what they need: categories, locations, exchange rates, invoices.

A campaign belongs to one advertiser (the tenant) and moves through
draft → pending → active ⇄ paused → completed | cancelled (`Campaign.TRANSITIONS`);
the moves themselves are made by `campaigns.services`.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accounts.models import Network, SocialAccount
from accounts.principal import Kind, Principal
from accounts.scoping import TenantScopedQuerySet
from leadplatform.stored_text import refuse_null_characters

from .images import ValidatedImageField, campaign_image_path, validate_attachment_size
from .sanitize import sanitize_html

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name


class Country(models.Model):
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(max_length=2, unique=True, help_text="ISO 3166-1 alpha-2")
    currency_code = models.CharField(max_length=3, help_text="ISO 4217")
    allowed = models.BooleanField(default=True, help_text="Campaigns may target it.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name


class City(models.Model):
    country = models.ForeignKey(Country, on_delete=models.CASCADE, related_name="cities")
    name = models.CharField(max_length=100)
    allowed = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "cities"
        constraints = [
            models.UniqueConstraint(
                fields=["country", "name"],
                name="city_unique_per_country",
                violation_error_message="This country already has a city with this name.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def currency_code(self) -> str:
        return self.country.currency_code


class ExchangeRate(models.Model):
    """1 unit of `base` buys `rate` units of `quote`."""

    base = models.CharField(max_length=3)
    quote = models.CharField(max_length=3)
    rate = models.DecimalField(max_digits=18, decimal_places=8, validators=[MinValueValidator(0)])
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["base", "quote"]
        constraints = [
            models.UniqueConstraint(
                fields=["base", "quote"],
                name="exchange_rate_unique_pair",
                violation_error_message="There is already an exchange rate for this pair of currencies.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message="The rate must be greater than zero.",
            ),
        ]

    def __str__(self) -> str:
        return f"1 {self.base} = {self.rate} {self.quote}"


# ------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------
class CampaignQuerySet(TenantScopedQuerySet):
    def for_principal(self, principal: Principal) -> CampaignQuerySet:
        """Advertisers see their own; influencers see every published campaign (public data)."""
        if principal.kind is Kind.PUBLISHER:
            return self.published()
        return super().for_principal(principal)

    def published(self) -> CampaignQuerySet:
        return self.filter(status__in=Campaign.PUBLISHED_STATUSES)

    def public(self) -> CampaignQuerySet:
        return self.filter(status=Campaign.Status.ACTIVE)

    def targeting(self, publisher) -> CampaignQuerySet:
        """Campaigns whose country and city targeting includes the influencer (empty = everyone)."""
        country_ok = Q(target_countries__isnull=True) | Q(target_countries=publisher.country_id)
        city_ok = Q(target_cities__isnull=True) | Q(target_cities=publisher.city_id)
        matching = Campaign.objects.filter(country_ok).filter(city_ok).values("pk")
        return self.filter(pk__in=matching)

    def in_category(self, category: str) -> CampaignQuerySet:
        value = category.strip()
        if value.isdigit() and len(value) <= 18:  # a longer number is no id (and would overflow bigint)
            return self.filter(category_id=int(value))
        return self.filter(Q(category__slug__iexact=value) | Q(category__name__iexact=value))

    def on_network(self, network: str) -> CampaignQuerySet:
        # `networks` holds known network names only; matching the quoted name in the JSON text
        # works on PostgreSQL and SQLite alike (SQLite has no JSON containment lookup).
        return self.filter(networks__icontains=f'"{network}"')


class Campaign(models.Model):
    class Type(models.TextChoices):
        STANDARD = "standard", "Standard"
        INFLUENCER = "influencer", "Influencer"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        PAUSED = "paused", "Paused"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class TimeUnit(models.TextChoices):
        HOURS = "hours", "Hours"
        DAYS = "days", "Days"

    class TaskType(models.TextChoices):
        POST = "post", "Post"
        STORY = "story", "Story"
        VIDEO = "video", "Video"
        REEL = "reel", "Reel"
        CUSTOM = "custom", "Custom"

    TRANSITIONS = {
        Status.DRAFT: {Status.PENDING, Status.CANCELLED},
        Status.PENDING: {Status.ACTIVE, Status.DRAFT, Status.CANCELLED},
        Status.ACTIVE: {Status.PAUSED, Status.COMPLETED, Status.CANCELLED},
        Status.PAUSED: {Status.ACTIVE, Status.COMPLETED, Status.CANCELLED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }
    PUBLISHED_STATUSES = (Status.PENDING, Status.ACTIVE, Status.PAUSED, Status.COMPLETED)

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="campaigns")
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.STANDARD)
    name = models.CharField(max_length=200)
    tagline = models.CharField(max_length=300, blank=True)
    description = models.TextField(max_length=20000, blank=True, help_text="HTML; sanitised on save.")
    image_logo = ValidatedImageField(upload_to=campaign_image_path, blank=True, max_length=300)
    image_post = ValidatedImageField(upload_to=campaign_image_path, blank=True, max_length=300)
    attachment = models.FileField(
        upload_to=campaign_image_path,
        blank=True,
        max_length=300,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png", "webp"]), validate_attachment_size],
    )
    hashtags = models.JSONField(
        default=list, blank=True, validators=[refuse_null_characters], help_text='List of hashtags, e.g. ["#summer"].'
    )
    networks = models.JSONField(
        default=list,
        blank=True,
        validators=[refuse_null_characters],
        help_text=f"Networks: {', '.join(Network.values)}.",
    )
    currency = models.CharField(max_length=3, default="USD")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT, db_index=True)
    date_start = models.DateTimeField(null=True, blank=True)
    date_end = models.DateTimeField(null=True, blank=True)
    category = models.ForeignKey(Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="campaigns")
    target_countries = models.ManyToManyField(Country, blank=True, related_name="campaigns")
    target_cities = models.ManyToManyField(City, blank=True, related_name="campaigns")

    # The task each joining influencer receives.
    task_type = models.CharField(max_length=16, choices=TaskType.choices, default=TaskType.POST)
    task_title = models.CharField(max_length=200, blank=True)
    task_description = models.TextField(max_length=5000, blank=True)
    task_requirements = models.TextField(max_length=5000, blank=True)
    task_time = models.PositiveIntegerField(default=72, validators=[MinValueValidator(1)])
    task_time_unit = models.CharField(max_length=8, choices=TimeUnit.choices, default=TimeUnit.HOURS)

    # Rewards, in the campaign's currency.
    minimum_reward = models.DecimalField(default=0, **MONEY)
    post_rate = models.DecimalField(default=0, **MONEY)
    bonus_active = models.BooleanField(default=False)
    promo_reach_bonus = models.DecimalField(default=0, **MONEY)
    promo_engagement_rate_bonus = models.DecimalField(default=0, **MONEY)
    promo_best_post_bonus = models.DecimalField(default=0, **MONEY)
    reach_bonus_threshold = models.PositiveBigIntegerField(default=0, help_text="Reach that earns the reach bonus.")
    engagement_rate_bonus_threshold = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text="Engagement rate (percent of reach) that earns the engagement bonus.",
    )
    budget = models.DecimalField(
        null=True, blank=True, help_text="Most this campaign may pay out; empty means no campaign cap.", **MONEY
    )

    tasks_featured = models.BooleanField(default=False)
    tasks_leaderboard = models.BooleanField(default=False)
    pre_registration = models.BooleanField(default=False, help_text="Influencers may join while pending.")
    post_registration = models.BooleanField(default=False, help_text="Influencers may register a post after the end.")

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["advertiser", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_end__isnull=True)
                | Q(date_start__isnull=True)
                | Q(date_end__gte=models.F("date_start")),
                name="campaign_ends_after_start",
                violation_error_message="The campaign cannot end before it starts: choose an end date on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.description = sanitize_html(self.description)
        self.currency = (self.currency or "USD").upper()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "updated_at" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "updated_at"]
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if not isinstance(self.networks, list) or any(n not in Network.values for n in self.networks):
            errors["networks"] = f"Give a list of networks from: {', '.join(Network.values)}."
        if not isinstance(self.hashtags, list) or any(not isinstance(t, str) or len(t) > 100 for t in self.hashtags):
            errors["hashtags"] = "Give a list of hashtags (text, at most 100 characters each)."
        if errors:
            raise ValidationError(errors)

    @property
    def task_duration(self) -> timedelta:
        if self.task_time_unit == self.TimeUnit.DAYS:
            return timedelta(days=self.task_time)
        return timedelta(hours=self.task_time)

    def has_ended(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.COMPLETED or (self.date_end is not None and self.date_end <= now)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class PendingSocialAccount(SocialAccount):
    """Influencer network accounts awaiting approval: the staff review queue in admin."""

    class Meta:
        proxy = True
        verbose_name = "network account awaiting approval"
        verbose_name_plural = "network accounts awaiting approval"


# ------------------------------------------------------------------------------
# Invoices
# ------------------------------------------------------------------------------
class Invoice(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        OVERDUE = "overdue", "Overdue"
        CANCELLED = "cancelled", "Cancelled"

    advertiser = models.ForeignKey("accounts.Advertiser", on_delete=models.CASCADE, related_name="invoices")
    number = models.CharField(max_length=40, unique=True)
    amount = models.DecimalField(**MONEY)
    currency = models.CharField(max_length=3, default="USD")
    date = models.DateField(default=timezone.localdate)
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    description = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="invoice_amount_not_negative",
                violation_error_message="The amount cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return self.number
