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
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Advertiser, User
from accounts.scoping import TenantScopedQuerySet
from leadplatform.stored_text import refuse_null_characters


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
    registration_id = models.CharField(
        "registration ID", max_length=50, blank=True, help_text="Company registration number."
    )
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

    def rounded_score(self) -> float | None:
        """The score annotated by `scores.with_score_fields`, to one decimal (the export's column)."""
        score = getattr(self, "score_now", None)
        return None if score is None else round(score, 1)


def ip_to_hex(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """Fixed-width hex, so that string order is numeric order on every database."""
    return ip_int_to_hex(int(address))


def ip_int_to_hex(value: int) -> str:
    return f"{value:032x}"


def hex_to_ip(version: int, value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    number = int(value, 16)
    return ipaddress.IPv4Address(number) if version == 4 else ipaddress.IPv6Address(number)


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


class NetworkKind(models.TextChoices):
    """Who uses a network: only the organisations of the last three kinds can be a visitor's company."""

    ISP = "isp", "ISP"
    HOSTING = "hosting", "Hosting or datacenter"
    EDUCATION = "education", "Education"
    GOVERNMENT = "government", "Government"
    COMPANY = "company", "Company"

    @classmethod
    def names_a_company(cls, kind: str) -> bool:
        return kind in (cls.EDUCATION, cls.GOVERNMENT, cls.COMPANY)


class NetworkDataset(models.Model):
    """One import of a network data file (leads/intel/network_data.py). Exactly one is active: an import
    loads its ranges beside the active one's and replaces it in one transaction."""

    class Format(models.TextChoices):
        IPTOASN = "iptoasn", "iptoasn ip2asn-combined.tsv"
        DBIP_ASN = "dbip-asn", "DB-IP Lite ASN CSV"
        MMDB = "mmdb", "MaxMind DB (ASN, ISP or company database)"

    format = models.CharField(max_length=16, choices=Format.choices)
    source = models.CharField(max_length=255, help_text="The imported file's name.")
    licence = models.CharField(max_length=100)
    attribution = models.CharField(max_length=500, blank=True, help_text="The credit the licence asks for.")
    description = models.CharField(max_length=500, blank=True, help_text="What the file says of itself.")
    range_count = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(default=timezone.now)
    active = models.BooleanField(default=False)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = "network data set"
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="intel_one_active_network_dataset",
                violation_error_message="Only one network data set can be active.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()}: {self.source}"


class NetworkRange(models.Model):
    """An address range of an imported data set, with the organisation that announces or uses it."""

    dataset = models.ForeignKey(NetworkDataset, on_delete=models.CASCADE, related_name="ranges")
    version = models.PositiveSmallIntegerField()
    first = models.CharField(max_length=32, help_text="First address, as fixed-width hex.")
    last = models.CharField(max_length=32, help_text="Last address, as fixed-width hex.")
    asn = models.PositiveBigIntegerField(null=True, blank=True, verbose_name="AS number")
    organisation = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=253, blank=True)
    country = models.CharField(max_length=2, blank=True)
    kind = models.CharField(max_length=16, choices=NetworkKind.choices)

    class Meta:
        ordering = ["dataset", "version", "first"]
        # The ranges of one data set do not overlap: the range of an address is the one with the greatest
        # first address not above it, one step down this index.
        indexes = [models.Index(fields=["dataset", "version", "first"], name="intel_network_lookup")]

    def __str__(self) -> str:
        return f"AS{self.asn} {self.organisation}" if self.asn else self.organisation or "network"

    @property
    def first_address(self) -> str:
        return str(hex_to_ip(self.version, self.first))

    @property
    def last_address(self) -> str:
        return str(hex_to_ip(self.version, self.last))


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
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "email"],
                name="intel_person_unique_email",
                violation_error_message="This advertiser already has a person with this e-mail address.",
            )
        ]

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
    visitor_id = models.CharField("visitor ID", max_length=64, help_text="Chosen by the snippet; kept across visits.")
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    hostname = models.CharField(max_length=253, blank=True, help_text="Reverse DNS name of the address.")
    user_agent = models.CharField(max_length=500, blank=True)
    company = models.ForeignKey(Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    network_kind = models.CharField(
        max_length=16, choices=NetworkKind.choices, blank=True, help_text="Who uses the address's network."
    )
    network_organisation = models.CharField(max_length=255, blank=True, help_text="The network's organisation.")
    network_asn = models.PositiveBigIntegerField(null=True, blank=True, verbose_name="network AS number")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions")
    landing_url = models.URLField("landing URL", max_length=2000, blank=True)
    referrer = models.CharField(max_length=2000, blank=True)
    utm_source = models.CharField("UTM source", max_length=200, blank=True)
    utm_medium = models.CharField("UTM medium", max_length=200, blank=True)
    utm_campaign = models.CharField("UTM campaign", max_length=200, blank=True)
    utm_term = models.CharField("UTM term", max_length=200, blank=True)
    utm_content = models.CharField("UTM content", max_length=200, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(default=timezone.now)
    page_count = models.PositiveIntegerField(default=0)
    duration = models.PositiveIntegerField(default=0, help_text="Seconds between the first and the last action.")
    score_state = models.JSONField(
        default=dict, blank=True, editable=False, help_text="What the session has added to its company's score."
    )

    objects = VisitSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "session_key"],
                name="intel_session_unique_key",
                violation_error_message="This site already has a session with this key.",
            )
        ]
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

#: What a session records of the network its address is on (admin only: the seed's session has no such fields).
NETWORK_FIELDS = ("network_kind", "network_organisation", "network_asn")

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
    client_id = models.CharField(
        "client ID", max_length=64, help_text="Chosen by the snippet: a resent action is not doubled."
    )
    type = models.CharField(max_length=16, choices=Type.choices, default=Type.PAGE)
    url = models.URLField("URL", max_length=2000, blank=True)
    title = models.CharField(max_length=500, blank=True)
    referrer = models.CharField(max_length=2000, blank=True)
    utm_source = models.CharField("UTM source", max_length=200, blank=True)
    utm_medium = models.CharField("UTM medium", max_length=200, blank=True)
    utm_campaign = models.CharField("UTM campaign", max_length=200, blank=True)
    utm_term = models.CharField("UTM term", max_length=200, blank=True)
    utm_content = models.CharField("UTM content", max_length=200, blank=True)
    occurred_at = models.DateTimeField(default=timezone.now)
    time_on_page = models.PositiveIntegerField(null=True, blank=True, help_text="Seconds the page was visible.")
    email = models.EmailField(max_length=254, blank=True)
    name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "client_id"],
                name="intel_action_unique_client_id",
                violation_error_message="This session already has an action with this client id.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} {self.url or self.email}"


class PageWeightRule(models.Model):
    """How much a page view on one of an advertiser's sites adds to a company's score ("/pricing*" × 5)."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_page_weights")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="page_weights")
    pattern = models.CharField(
        max_length=200, help_text="A path pattern: * matches anything, ? one character. For example /pricing*."
    )
    weight = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Points a view of a matching page adds (a page matching no rule adds 1).",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["site", "pattern"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "pattern"],
                name="intel_page_weight_unique_pattern",
                violation_error_message="This site has a rule for this pattern already.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pattern} × {self.weight}"

    def clean(self) -> None:
        if (
            self.site_id is not None
            and self.advertiser_id is not None
            and self.site.advertiser_id != self.advertiser_id
        ):
            raise ValidationError({"site": "Choose one of your own sites."})
        if not self.pattern.startswith(("/", "*")):
            raise ValidationError({"pattern": "A path pattern starts with / (or *)."})


class CompanyScore(models.Model):
    """A company's score for one advertiser, kept incrementally as visits are recorded (leads/intel/scores.py)."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_company_scores")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="scores")
    points = models.FloatField(default=0, help_text="Points decayed to the anchor time.")
    anchored_at = models.DateTimeField()
    rank = models.FloatField(default=-1e12, help_text="log2(points) + anchor / half-life: the order of the scores.")
    sessions = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    seconds = models.PositiveBigIntegerField(default=0)
    last_seen_at = models.DateTimeField(null=True, blank=True)
    top_pages = models.JSONField(default=dict, blank=True, help_text="The paths that added most, with their points.")

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["advertiser", "company"],
                name="intel_company_score_unique",
                violation_error_message="This company has a score for this advertiser already.",
            )
        ]
        indexes = [models.Index(fields=["advertiser", "-rank"], name="intel_company_score_rank")]

    def __str__(self) -> str:
        return f"{self.company} for {self.advertiser}"


class WatchRule(models.Model):
    """When to alert an advertiser's sales team: a visit of a listed company, a company scoring above a
    threshold, or a visit to a path; the conditions given must all hold, optionally only for some network kinds."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_watch_rules")
    name = models.CharField(max_length=200)
    companies = models.ManyToManyField(Company, blank=True, related_name="+", help_text="Alert on these companies.")
    score_above = models.DecimalField(
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="Alert when a visiting company's score is above this.",
    )
    path_pattern = models.CharField(
        max_length=200,
        blank=True,
        help_text="Alert on a visit to a matching path, e.g. /pricing* (* matches anything).",
    )
    network_kinds = models.JSONField(
        default=list, blank=True, help_text="Only companies on networks of these kinds (empty: any kind)."
    )
    email_to = models.CharField(
        max_length=1000, blank=True, help_text="Comma-separated addresses; empty sends to the advertiser's owners."
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.path_pattern and not self.path_pattern.startswith(("/", "*")):
            raise ValidationError({"path_pattern": "A path pattern starts with / (or *)."})
        unknown = set(self.network_kinds or []) - set(NetworkKind.values)
        if unknown:
            raise ValidationError({"network_kinds": f"Unknown kinds: {', '.join(sorted(unknown))}."})


class CompanyAlert(models.Model):
    """One alert: a rule matched a company's visit. At most one per rule, company and UTC day."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_alerts")
    rule = models.ForeignKey(WatchRule, on_delete=models.CASCADE, related_name="alerts")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="alerts")
    session = models.ForeignKey("VisitSession", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField()
    reason = models.CharField(max_length=500)
    score = models.FloatField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "company", "day"],
                name="intel_alert_once_a_day",
                violation_error_message="This rule alerted on this company today already.",
            )
        ]
        indexes = [models.Index(fields=["advertiser", "-id"], name="intel_alert_adv_id")]

    def __str__(self) -> str:
        return f"{self.rule}: {self.company} ({self.day})"


class SavedFilter(models.Model):
    """A named set of list filters (the query parameters of the lists), one user's own."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="intel_saved_filters")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="intel_saved_filters")
    name = models.CharField(max_length=100)
    filters = models.JSONField(default=dict, validators=[refuse_null_characters])
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
                violation_error_message="Blacklist either a company or a domain: one of the two, not both.",
            ),
            models.UniqueConstraint(
                fields=["advertiser", "company"],
                condition=Q(company__isnull=False),
                name="intel_blacklist_unique_company",
                violation_error_message="This company is already on the blacklist.",
            ),
            models.UniqueConstraint(
                fields=["advertiser", "domain"],
                condition=~Q(domain=""),
                name="intel_blacklist_unique_domain",
                violation_error_message="This domain is already on the blacklist.",
            ),
        ]

    def __str__(self) -> str:
        return self.domain or str(self.company)

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)
