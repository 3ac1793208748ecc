"""Lead intelligence: sites, visit sessions and actions, companies, persons, filters, blacklist.

Companies, IP ranges, turnovers and magnitudes are platform reference data kept by staff.
An advertiser sees a company only once it has visited them (or one of their persons works
there), and never while it is on their blacklist: `Company.objects.for_principal` says so
(`known_to` without the blacklist, for choosing what to blacklist).
"""

from __future__ import annotations

import ipaddress
import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Advertiser, User
from accounts.scoping import TenantScopedQuerySet


# ------------------------------------------------------------------------------
# Reference data (platform-kept)
# ------------------------------------------------------------------------------
class RangeLookup(models.Model):
    """A named band companies are sorted into, listed in `order`."""

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class Turnover(RangeLookup):
    """An annual turnover range, in EUR."""

    min_amount = models.BigIntegerField(null=True, blank=True)
    max_amount = models.BigIntegerField(null=True, blank=True)


class Magnitude(RangeLookup):
    """A headcount range."""

    min_employees = models.PositiveIntegerField(null=True, blank=True)
    max_employees = models.PositiveIntegerField(null=True, blank=True)


class CompanyQuerySet(TenantScopedQuerySet):
    def known_to(self, principal) -> CompanyQuerySet:
        """Companies that visited the principal's advertiser or employ one of its persons (all, for staff)."""
        if principal.is_platform:
            return self.all()
        if principal.advertiser_id is None:
            return self.none()
        return self._known_to_advertiser(principal.advertiser_id)

    def _known_to_advertiser(self, advertiser_id: int) -> CompanyQuerySet:
        visited = VisitSession.objects.filter(advertiser_id=advertiser_id, company=OuterRef("pk"))
        employs = Person.objects.filter(advertiser_id=advertiser_id, company=OuterRef("pk"))
        return self.filter(Exists(visited) | Exists(employs))

    def for_advertiser(self, advertiser_id: int) -> CompanyQuerySet:
        blacklisted = BlacklistEntry.objects.filter(advertiser_id=advertiser_id).filter(
            Q(company=OuterRef("pk")) | Q(domain=OuterRef("domain"))
        )
        return self._known_to_advertiser(advertiser_id).exclude(Exists(blacklisted))


class Company(models.Model):
    name = models.CharField(max_length=255)
    registration_id = models.CharField(max_length=50, blank=True, help_text="Company registration number.")
    domain = models.CharField(max_length=253, blank=True, db_index=True, help_text="Main web domain, lower case.")
    address = models.CharField(max_length=500, blank=True)
    country = models.CharField(max_length=2, blank=True, db_index=True, help_text="ISO 3166-1 alpha-2 code.")
    industry = models.CharField(max_length=200, blank=True)
    turnover = models.ForeignKey(Turnover, null=True, blank=True, on_delete=models.SET_NULL, related_name="companies")
    magnitude = models.ForeignKey(Magnitude, null=True, blank=True, on_delete=models.SET_NULL, related_name="companies")
    created_at = models.DateTimeField(default=timezone.now)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "companies"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        self.country = self.country.strip().upper()
        super().save(*args, **kwargs)


def ip_to_hex(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Fixed-width hex, so that string order is numeric order on every database."""
    return f"{int(address):032x}"


class IpRange(models.Model):
    """A CIDR block that belongs to a company: the first way a visit is attributed."""

    cidr = models.CharField(max_length=43, unique=True, help_text="For example 192.0.2.0/24 or 2001:db8::/32.")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="ip_ranges")
    version = models.PositiveSmallIntegerField(editable=False)
    prefix_length = models.PositiveSmallIntegerField(editable=False)
    first = models.CharField(max_length=32, editable=False)
    last = models.CharField(max_length=32, editable=False)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "IP range"
        indexes = [models.Index(fields=["version", "first", "last"], name="intel_iprange_lookup")]

    def __str__(self) -> str:
        return self.cidr

    def clean(self) -> None:
        try:
            ipaddress.ip_network(self.cidr.strip(), strict=False)
        except ValueError as exc:
            raise ValidationError({"cidr": str(exc)}) from None

    def save(self, *args, **kwargs):
        network = ipaddress.ip_network(self.cidr.strip(), strict=False)
        self.cidr = str(network)
        self.version = network.version
        self.prefix_length = network.prefixlen
        self.first = ip_to_hex(network.network_address)
        self.last = ip_to_hex(network.broadcast_address)
        super().save(*args, **kwargs)


# ------------------------------------------------------------------------------
# Tenant data
# ------------------------------------------------------------------------------
def new_site_key() -> str:
    return f"site_{secrets.token_urlsafe(18)}"


class Site(models.Model):
    """An advertiser's website. Its key is public: it is embedded in the tracking snippet."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_sites")
    name = models.CharField(max_length=200)
    domain = models.CharField(
        max_length=253, help_text="Host the snippet runs on; its subdomains are accepted too (example.com)."
    )
    key = models.CharField(max_length=64, unique=True, default=new_site_key, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.domain})"

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)

    @property
    def is_held(self) -> bool:
        return self.advertiser.is_held

    def accepts_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host == self.domain or host.endswith(f".{self.domain}")


class PersonQuerySet(TenantScopedQuerySet):
    def listable(self) -> PersonQuerySet:
        """Without persons whose company, company domain or e-mail domain their advertiser has blacklisted."""
        blacklisted = BlacklistEntry.objects.filter(advertiser=OuterRef("advertiser")).filter(
            Q(company=OuterRef("company")) | Q(domain=OuterRef("company__domain")) | Q(domain=OuterRef("domain"))
        )
        return self.exclude(Exists(blacklisted))


class Person(models.Model):
    """Someone identified on an advertiser's site (a form with their e-mail)."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_persons")
    name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254)
    domain = models.CharField(max_length=253, editable=False, db_index=True, help_text="Domain of the e-mail.")
    position = models.CharField(max_length=200, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="persons")
    first_seen_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["advertiser", "email"], name="intel_person_unique_email")]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.domain = self.email.rpartition("@")[2]
        super().save(*args, **kwargs)


class VisitSessionQuerySet(TenantScopedQuerySet):
    def listable(self) -> VisitSessionQuerySet:
        """Without the sessions of companies their advertiser has blacklisted since they were recorded."""
        blacklisted = BlacklistEntry.objects.filter(advertiser=OuterRef("advertiser")).filter(
            Q(company=OuterRef("company")) | Q(domain=OuterRef("company__domain"))
        )
        return self.exclude(Exists(blacklisted))


class VisitSession(models.Model):
    """One visitor's visit to a site: its pages, its company and, once identified, its person."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_sessions")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=64, help_text="Chosen by the snippet; unique per site.")
    visitor_id = models.CharField(max_length=64, help_text="Chosen by the snippet; kept across visits.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    hostname = models.CharField(max_length=253, blank=True, help_text="Reverse DNS name of the address.")
    user_agent = models.CharField(max_length=500, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    landing_url = models.URLField(max_length=2000, blank=True)
    referrer = models.CharField(max_length=2000, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(default=timezone.now)
    page_count = models.PositiveIntegerField(default=0)
    duration = models.PositiveIntegerField(default=0, help_text="Seconds between the first and the last action.")

    objects = VisitSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["site", "session_key"], name="intel_session_unique_key")]
        indexes = [
            # The API lists by cursor on -id within one advertiser, optionally within a date range.
            models.Index(fields=["advertiser", "-id"], name="intel_session_adv_id"),
            models.Index(fields=["advertiser", "started_at"], name="intel_session_adv_started"),
            # The staff dashboard's 30-day window over every advertiser (no advertiser to lead with).
            models.Index(fields=["started_at"], name="intel_session_started_window"),
        ]

    def __str__(self) -> str:
        return f"Session {self.pk} on {self.site_id}"

    @property
    def action_list(self) -> list[VisitAction]:
        if not hasattr(self, "_action_list"):
            load_actions([self])
        return self._action_list


#: The campaign (UTM) parameters of a page's URL, kept on its page view and, from the first page, on its session.
UTM_FIELDS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")

#: What a session records of the visit, in the model's order (the admin's and the API's session fields).
VISIT_FIELDS = (
    "visitor_id",
    "ip_address",
    "hostname",
    "user_agent",
    "company",
    "person",
    "landing_url",
    "referrer",
    *UTM_FIELDS,
    "started_at",
    "ended_at",
    "page_count",
    "duration",
)


def load_actions(sessions: list[VisitSession]) -> None:
    """Fill `action_list` of many sessions with one query (cheaper than prefetch_related on the hot list)."""
    by_session: dict[int, list[VisitAction]] = {session.pk: [] for session in sessions}
    actions = VisitAction.objects.filter(session_id__in=list(by_session)).order_by("session_id", "occurred_at", "id")
    for action in actions:
        by_session[action.session_id].append(action)
    for session in sessions:
        session._action_list = by_session[session.pk]


class VisitAction(models.Model):
    """A page view (with its time on page) or an identify."""

    class Type(models.TextChoices):
        PAGE = "page", "Page view"
        IDENTIFY = "identify", "Identify"

    session = models.ForeignKey(VisitSession, on_delete=models.CASCADE, related_name="actions")
    client_id = models.CharField(max_length=64, help_text="Chosen by the snippet: a resent action is not doubled.")
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.PAGE)
    url = models.URLField(max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=2000, blank=True)
    utm_source = models.CharField(max_length=200, blank=True)
    utm_medium = models.CharField(max_length=200, blank=True)
    utm_campaign = models.CharField(max_length=200, blank=True)
    utm_term = models.CharField(max_length=200, blank=True)
    utm_content = models.CharField(max_length=200, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    time_on_page = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds the page was visible.")
    email = models.EmailField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "client_id"], name="intel_action_unique_client_id")]

    def __str__(self) -> str:
        return f"{self.type} {self.url or self.email}"


class SavedFilter(models.Model):
    """A named set of list filters (the query parameters of the lists), one user's own."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_saved_filters")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="intel_saved_filters")
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class BlacklistEntry(models.Model):
    """A company or a domain the advertiser never wants recorded or listed."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_blacklist")
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.CASCADE, related_name="blacklisted_by")
    domain = models.CharField(max_length=253, blank=True, help_text="Lower case; matches the domain exactly.")
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        verbose_name = "blacklist entry"
        verbose_name_plural = "blacklist"
        constraints = [
            models.CheckConstraint(
                condition=(Q(company__isnull=False) & Q(domain="")) | (Q(company__isnull=True) & ~Q(domain="")),
                name="intel_blacklist_company_xor_domain",
            ),
            models.UniqueConstraint(
                fields=["advertiser", "company"],
                condition=Q(company__isnull=False),
                name="intel_blacklist_unique_company",
            ),
            models.UniqueConstraint(
                fields=["advertiser", "domain"], condition=~Q(domain=""), name="intel_blacklist_unique_domain"
            ),
        ]

    def __str__(self) -> str:
        return self.domain or str(self.company)

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)
