"""What the every-admin-URL test walks: a world with a row of every registered model, the URLs of
every ModelAdmin (Django's and its own `get_urls()`), its changelist actions, and a snapshot of
the database to tell whether a request wrote anything.

`ROW_OF[model label](world)` builds the row whose pages are walked; a model registered in admin
without a builder here fails the test, so a new admin is walked as soon as it is registered.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.urls import URLPattern, reverse
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from accounts import services
from accounts.models import ApiUsageDay, Membership, MembershipChange, Notification
from leads import job_progress
from leads.intel.models import NetworkDataset, NetworkRange, PageWeightRule
from leads.intel.network_data import import_network_data
from leads.models import Proxy, WebhookDelivery
from tasks.admin import REVIEW_ACTIONS

from .campaigns.factories import (
    CampaignFactory,
    CategoryFactory,
    CityFactory,
    CountryFactory,
    ExchangeRateFactory,
    InvoiceFactory,
    PaymentFactory,
    SubmissionFactory,
)
from .factories import (
    AdvertiserFactory,
    InvitationFactory,
    MembershipFactory,
    PublisherFactory,
    SocialAccountFactory,
    StaffFactory,
)
from .intel.factories import (
    BlacklistEntryFactory,
    CompanyAlertFactory,
    CompanyFactory,
    IpRangeFactory,
    MagnitudeFactory,
    PersonFactory,
    SiteFactory,
    TurnoverFactory,
    VisitSessionFactory,
    WatchRuleFactory,
)
from .intel.network_files import write_iptoasn
from .leads.factories import ConnectorCredentialFactory, ContentItemFactory, JobFactory, LeadFactory, TargetFactory
from .web.factories import WebhookFactory, WebJobFactory, WebResultFactory

#: A primary key no row has: what another tenant's row must answer like.
MISSING_PK = 987_654_321

#: Values for the parameters of custom admin URLs besides the object id.
URL_PARAMETER_VALUES = {"transition": job_progress.TRANSITIONS, "action": tuple(REVIEW_ACTIONS)}

#: The parameters that name the row (Django's user admin calls it "id" on its password page).
ROW_PARAMETERS = ("object_id", "id")

STANDARD_URL_SUFFIXES = ("changelist", "add", "history", "delete", "change")

# Planted secrets: long random-looking values no page has any reason to contain.
CONNECTOR_SECRET = "cs-0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c"
CONNECTOR_APP_SECRET = "as-9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b"
WEBHOOK_SECRET = "whsec_UGxhbnRlZFdlYmhvb2tTaWduaW5nU2VjcmV0MDA="


@dataclass
class World:
    advertiser: object
    owner: object
    manager: object
    viewer: object
    staff: object
    #: Every planted secret in full: no page may show more than its last four characters.
    secrets: list[str] = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    #: The change form of each model's row as staff would submit it, by model.
    staff_forms: dict = field(default_factory=dict)


def build_world() -> World:
    advertiser = AdvertiserFactory(name="Walked")
    world = World(
        advertiser=advertiser,
        owner=MembershipFactory(advertiser=advertiser, role=Membership.Role.OWNER).user,
        manager=MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user,
        viewer=MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user,
        staff=StaffFactory(),
        secrets=[CONNECTOR_SECRET, CONNECTOR_APP_SECRET, WEBHOOK_SECRET],
    )
    for model in admin.site._registry:
        builder = ROW_OF.get(model._meta.label)
        if builder is not None:
            world.rows[model] = builder(world)
    return world


def _api_token(world: World):
    token, plaintext = services.issue_token(world.owner, advertiser=world.advertiser, name="Walked token")
    world.secrets.append(plaintext)
    return token


def _application(world: World):
    application, secret = services.create_application("Walked app")
    world.secrets.append(secret)
    return application


def _connector(world: World):
    credential = ConnectorCredentialFactory(advertiser=world.advertiser)
    credential.set_secret(CONNECTOR_SECRET)
    credential.set_app_secret(CONNECTOR_APP_SECRET)
    credential.app_id = "1234567890"
    credential.save()
    return credential


def _delivery(world: World):
    webhook = WebhookFactory(advertiser=world.advertiser, secret=WEBHOOK_SECRET)
    return WebhookDelivery.objects.create(
        webhook=webhook,
        event="job.completed",
        payload={"event": "job.completed"},
        status=WebhookDelivery.Status.FAILED,
        attempts=3,
    )


def _periodic_task(world: World):
    every_hour = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.HOURS)
    return PeriodicTask.objects.create(name="walked", task="leads.tasks.dispatch_due_jobs", interval=every_hour)


def _network_dataset(world):
    """The active network data set, imported once from a small file of the tests' own."""
    dataset = NetworkDataset.objects.filter(active=True).first()
    if dataset is None:
        with tempfile.TemporaryDirectory() as folder:
            dataset = import_network_data(write_iptoasn(Path(folder) / "ip2asn-combined.tsv"), "iptoasn")
    return dataset


ROW_OF = {
    "auth.Group": lambda world: Group.objects.create(name="walked"),
    "django_celery_beat.PeriodicTask": _periodic_task,
    "django_celery_beat.ClockedSchedule": lambda world: ClockedSchedule.objects.create(
        clocked_time="2030-01-01T00:00Z"
    ),
    "django_celery_beat.CrontabSchedule": lambda world: CrontabSchedule.objects.create(minute="5"),
    "django_celery_beat.SolarSchedule": lambda world: SolarSchedule.objects.create(
        event="sunrise", latitude=50, longitude=10
    ),
    "django_celery_beat.IntervalSchedule": lambda world: IntervalSchedule.objects.create(every=7, period="days"),
    "accounts.User": lambda world: world.manager,
    "accounts.Advertiser": lambda world: world.advertiser,
    "accounts.Membership": lambda world: world.viewer.memberships.get(),
    "accounts.Publisher": lambda world: PublisherFactory(),
    "accounts.SocialAccount": lambda world: SocialAccountFactory(),
    "accounts.Notification": lambda world: Notification.objects.create(user=world.owner, message="walked"),
    "accounts.ApiToken": _api_token,
    "accounts.Application": _application,
    "accounts.ApiUsageDay": lambda world: ApiUsageDay.objects.create(date=date(2030, 1, 1), requests=1),
    "campaigns.Campaign": lambda world: CampaignFactory(advertiser=world.advertiser),
    "campaigns.Invoice": lambda world: InvoiceFactory(advertiser=world.advertiser),
    "campaigns.Category": lambda world: CategoryFactory(),
    "campaigns.Country": lambda world: CountryFactory(),
    "campaigns.City": lambda world: CityFactory(),
    "campaigns.ExchangeRate": lambda world: ExchangeRateFactory(),
    "campaigns.PendingSocialAccount": lambda world: SocialAccountFactory(approval="pending"),
    "tasks.Task": lambda world: SubmissionFactory(task__campaign__advertiser=world.advertiser).task,
    "tasks.Payment": lambda world: PaymentFactory(task__campaign__advertiser=world.advertiser),
    "leads.SocialJob": lambda world: JobFactory(advertiser=world.advertiser),
    "leads.Target": lambda world: TargetFactory(advertiser=world.advertiser),
    "leads.Lead": lambda world: LeadFactory(advertiser=world.advertiser),
    "leads.ContentItem": lambda world: ContentItemFactory(advertiser=world.advertiser),
    "leads.ConnectorCredential": _connector,
    "leads.WebJob": lambda world: WebJobFactory(advertiser=world.advertiser),
    "leads.WebResult": lambda world: WebResultFactory(job__advertiser=world.advertiser),
    "leads.Proxy": lambda world: Proxy.objects.create(url="http://walker:proxy-password@proxy.example:8080"),
    "leads.Webhook": lambda world: WebhookFactory(advertiser=world.advertiser, secret=WEBHOOK_SECRET),
    "leads.WebhookDelivery": _delivery,
    "intel.Site": lambda world: SiteFactory(advertiser=world.advertiser),
    "intel.Company": lambda world: VisitSessionFactory(site__advertiser=world.advertiser).company,
    "intel.IpRange": lambda world: IpRangeFactory(),
    "intel.Turnover": lambda world: TurnoverFactory(),
    "intel.Magnitude": lambda world: MagnitudeFactory(),
    "intel.Person": lambda world: PersonFactory(advertiser=world.advertiser, company=CompanyFactory()),
    "intel.VisitSession": lambda world: VisitSessionFactory(site__advertiser=world.advertiser),
    "intel.BlacklistEntry": lambda world: BlacklistEntryFactory(advertiser=world.advertiser),
    "intel.NetworkDataset": _network_dataset,
    "intel.NetworkRange": lambda world: NetworkRange.objects.filter(dataset=_network_dataset(world)).first(),
    "intel.PageWeightRule": lambda world: PageWeightRule.objects.create(
        advertiser=world.advertiser, site=SiteFactory(advertiser=world.advertiser), pattern="/pricing*", weight=5
    ),
    "intel.WatchRule": lambda world: WatchRuleFactory(advertiser=world.advertiser),
    "intel.CompanyAlert": lambda world: CompanyAlertFactory(advertiser=world.advertiser),
    "accounts.Invitation": lambda world: InvitationFactory(advertiser=world.advertiser, invited_by=world.owner),
    "accounts.MembershipChange": lambda world: MembershipChange.objects.create(
        advertiser=world.advertiser,
        actor=world.owner,
        action=MembershipChange.Action.INVITED,
        email="walked@example.com",
    ),
}


# ---------------------------------------------------------------------------------------
# URLs and actions
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AdminUrl:
    name: str
    path: str
    #: Whether the path names a row (its pk): another tenant's row must answer like a missing one.
    names_a_row: bool
    #: Django's add, change and delete pages take a form; the others a bare POST.
    kind: str


def urls_of(model_admin, pk) -> list[AdminUrl]:
    """Every named URL of the admin (its own get_urls() included), for the row `pk`."""
    opts = model_admin.opts
    prefix = f"{opts.app_label}_{opts.model_name}_"
    found = []
    for pattern in model_admin.get_urls():
        if not isinstance(pattern, URLPattern) or not pattern.name:
            continue
        parameters = list(pattern.pattern.regex.groupindex)
        row_parameters = [name for name in parameters if name in ROW_PARAMETERS]
        others = [name for name in parameters if name not in ROW_PARAMETERS]
        unknown = [name for name in others if name not in URL_PARAMETER_VALUES]
        if unknown:
            raise AssertionError(f"{pattern.name}: tell URL_PARAMETER_VALUES what to put in {unknown}")
        suffix = pattern.name.removeprefix(prefix)
        kind = suffix if suffix in STANDARD_URL_SUFFIXES else "custom"
        for values in _parameter_choices(others):
            kwargs = {**values, **dict.fromkeys(row_parameters, pk)}
            found.append(
                AdminUrl(pattern.name, reverse(f"admin:{pattern.name}", kwargs=kwargs), bool(row_parameters), kind)
            )
    return found


def _parameter_choices(names: list[str]) -> list[dict]:
    choices = [{}]
    for name in names:
        choices = [{**choice, name: value} for choice in choices for value in URL_PARAMETER_VALUES[name]]
    return choices


def action_names(model_admin) -> list[str]:
    """Every changelist action the admin declares, whoever may see it (delete_selected included)."""
    names = {"delete_selected"} if dict(model_admin.admin_site.actions) else set()
    for action in model_admin.actions or []:
        names.add(action if isinstance(action, str) else action.__name__)
    return sorted(names)


def index_urls() -> list[str]:
    labels = sorted({model._meta.app_label for model in admin.site._registry})
    return [reverse("admin:index"), *(reverse("admin:app_list", args=[label]) for label in labels)]


# ---------------------------------------------------------------------------------------
# Form data and database snapshots
# ---------------------------------------------------------------------------------------
class _FormFields(HTMLParser):
    """The values a browser would submit from the admin's change form (`<form id="<model>_form">`)."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("file", "submit", "button", "image"):
                self.data.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data.append((self._select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data.append((name, ""))

    def handle_data(self, data):
        if self._textarea and self.data and self.data[-1][0] == self._textarea:
            self.data[-1] = (self._textarea, self.data[-1][1] + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_data(html: str, model_name: str) -> dict[str, list[str]]:
    parser = _FormFields(f"{model_name}_form")
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    data["_save"] = ["Save"]
    return data


_UNWATCHED_TABLES = {"django_session", "django_migrations"}


def database_snapshot() -> dict[str, str]:
    """A digest of every table's rows: two snapshots differ when a request wrote anything."""
    tables = sorted(set(connection.introspection.table_names()) - _UNWATCHED_TABLES)
    quote = connection.ops.quote_name
    query = " UNION ALL ".join(
        f"SELECT '{table}', md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quote(table)} t"
        for table in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return dict(cursor.fetchall())


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(table for table in before if before[table] != after.get(table))


def reveals(body: str, secret: str) -> bool:
    """Whether the body shows a run of the secret's characters longer than its last four (any 7 in a row)."""
    window = 7
    return any(secret[start : start + window] in body for start in range(len(secret) - window + 1))
