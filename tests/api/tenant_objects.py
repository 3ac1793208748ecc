"""For each tenant-scoped route of `surface_routes`: how to build a row of a given actor.

`OWNED_ROW[name](actor)` builds a row of the actor's advertiser and returns the id that the route's path names (a pk, or a public
UUID for web jobs and exports), and `MISSING_ID` the id of the same type that never exists.
`LIST_ROUTES` says how to fill each list route, for the query-count tests.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Notification
from leads.models import BackgroundExport
from tasks.models import Task

from ..campaigns.factories import CampaignFactory, InvoiceFactory, PaymentFactory, SubmissionFactory, TaskFactory
from ..intel.factories import (
    BlacklistEntryFactory,
    CompanyAlertFactory,
    CompanyFactory,
    MagnitudeFactory,
    PersonFactory,
    SavedFilterFactory,
    TurnoverFactory,
    VisitSessionFactory,
)
from ..leads.factories import (
    ConnectorCredentialFactory,
    ContentItemFactory,
    GroupTaskFactory,
    JobFactory,
    LeadFactory,
    TargetFactory,
)
from ..web.factories import WebhookFactory, WebJobFactory, WebResultFactory


def _export(advertiser, source):
    return BackgroundExport.objects.create(
        advertiser=advertiser, source=source, format="csv", status=BackgroundExport.Status.COMPLETED
    ).public_id


def _web_job(actor):
    return WebResultFactory(job__advertiser=actor.advertiser).job.public_id


def _completed_task(actor):
    return GroupTaskFactory(advertiser=actor.advertiser, status="completed", completed_at=timezone.now()).pk


OWNED_ROW = {
    "web:job-detail": _web_job,
    "web:job-rerun": _web_job,
    "web:job-schedule": _web_job,
    "web:results": _web_job,
    "web:results-export": _web_job,
    "web:export-status": lambda actor: _export(actor.advertiser, BackgroundExport.Source.WEB_RESULTS),
    "web:export-download": lambda actor: _export(actor.advertiser, BackgroundExport.Source.WEB_RESULTS),
    "web:webhook-detail": lambda actor: WebhookFactory(advertiser=actor.advertiser).pk,
    "web:webhook-rotate-secret": lambda actor: WebhookFactory(advertiser=actor.advertiser).pk,
    "v1:jobs-detail": lambda actor: JobFactory(advertiser=actor.advertiser).pk,
    "v1:jobs-run": lambda actor: JobFactory(advertiser=actor.advertiser).pk,
    "v1:jobs-schedule": lambda actor: JobFactory(advertiser=actor.advertiser).pk,
    "v1:targets-detail": lambda actor: TargetFactory(advertiser=actor.advertiser).pk,
    "v1:connectors-detail": lambda actor: ConnectorCredentialFactory(advertiser=actor.advertiser).pk,
    "v1:connectors-test": lambda actor: ConnectorCredentialFactory(advertiser=actor.advertiser).pk,
    "v1:leads-detail": lambda actor: LeadFactory(advertiser=actor.advertiser).pk,
    "v1:export-status": lambda actor: _export(actor.advertiser, BackgroundExport.Source.LEADS),
    "v1:export-download": lambda actor: _export(actor.advertiser, BackgroundExport.Source.LEADS),
    "v1:content-analysis-detail": lambda actor: ContentItemFactory(advertiser=actor.advertiser).pk,
    "social:tasks-detail": lambda actor: GroupTaskFactory(advertiser=actor.advertiser).pk,
    "social:tasks-reset": lambda actor: GroupTaskFactory(advertiser=actor.advertiser, status="failed").pk,
    "social:tasks-result": _completed_task,
    "intel:session-detail": lambda actor: VisitSessionFactory(site__advertiser=actor.advertiser).pk,
    "intel:company-detail": lambda actor: VisitSessionFactory(site__advertiser=actor.advertiser).company_id,
    "intel:person-detail": lambda actor: PersonFactory(advertiser=actor.advertiser).pk,
    "intel:saved-filter-detail": lambda actor: SavedFilterFactory(advertiser=actor.advertiser, user=actor.user).pk,
    "intel:blacklist-detail": lambda actor: BlacklistEntryFactory(advertiser=actor.advertiser).pk,
    "intel:alert-detail": lambda actor: CompanyAlertFactory(advertiser=actor.advertiser).pk,
}

#: Reference rows every tenant shares: their routes answer everyone alike.
SHARED_ROWS = {"intel:turnover-detail", "intel:magnitude-detail", "intel:turnover-list", "intel:magnitude-list"}

MISSING_UUID = uuid.UUID("9f0e0000-0000-4000-8000-00000000dead")
MISSING_PK = 987_654_321


def missing_id_like(ident):
    return MISSING_UUID if isinstance(ident, uuid.UUID) else MISSING_PK


def _many(factory):
    return lambda actor, n, parent=None: factory.create_batch(n, advertiser=actor.advertiser)


def _web_results(actor, n, job=None):
    job = job or WebJobFactory(advertiser=actor.advertiser)
    WebResultFactory.create_batch(n, job=job)
    return job


def _sessions(actor, n, parent=None):
    VisitSessionFactory.create_batch(n, site__advertiser=actor.advertiser)


def _persons_with_companies(actor, n, parent=None):
    for _ in range(n):
        PersonFactory(advertiser=actor.advertiser, company=CompanyFactory())


def _own_saved_filters(actor, n, parent=None):
    SavedFilterFactory.create_batch(n, advertiser=actor.advertiser, user=actor.user)


def _campaigns_with_tasks(actor, n, parent=None):
    for _ in range(n):
        SubmissionFactory(task__campaign=CampaignFactory(advertiser=actor.advertiser))


def _tasks_of_one_campaign(actor, n, campaign=None):
    campaign = campaign or CampaignFactory(advertiser=actor.advertiser)
    SubmissionFactory.create_batch(n, task__campaign=campaign)
    return campaign


def _publisher_tasks(actor, n, parent=None):
    kinds = itertools.cycle([SubmissionFactory, PaymentFactory])  # tasks under review and paid ones
    for _ in range(n):
        next(kinds)(task__publisher=actor.user.publisher)


def _leaderboard(actor, n, campaign=None):
    campaign = campaign or CampaignFactory()
    TaskFactory.create_batch(n, campaign=campaign, status=Task.Status.ACCEPTED, reach=100)
    return campaign


def _notifications(actor, n, parent=None):
    Notification.objects.bulk_create(Notification(user=actor.user, message=f"n{i}") for i in range(n))


def _no_body(parent):
    return {}


@dataclass(frozen=True)
class ListRoute:
    """A list: `make(actor, n, parent)` makes n more rows the actor sees in it, under the
    parent row it returns (made the first time) when the path ("{id}") or the body
    (`body(parent)`) names one. `caller` is the fixture of the client that calls it."""

    path: str
    make: Callable
    method: str = "get"
    body: Callable = _no_body
    caller: str = "owner"

    @property
    def names_a_parent(self) -> bool:
        return "{" in self.path or self.body is not _no_body


def _by_campaign(campaign):
    return {"campaign_id": campaign.pk}


#: Every list route by its URL name, so that the query-count tests run each.
LIST_ROUTES = {
    "web:jobs": ListRoute("/api/web/v1/jobs", _many(WebJobFactory)),
    "web:results": ListRoute("/api/web/v1/results/{parent.public_id}", _web_results),
    "web:webhooks": ListRoute("/api/web/v1/webhooks", _many(WebhookFactory)),
    "v1:jobs-list": ListRoute("/api/v1/jobs", _many(JobFactory)),
    "v1:targets-list": ListRoute("/api/v1/targets", _many(TargetFactory)),
    "v1:connectors-list": ListRoute("/api/v1/connectors", _many(ConnectorCredentialFactory)),
    "v1:leads-list": ListRoute("/api/v1/leads", _many(LeadFactory)),
    "v1:content-analysis-list": ListRoute("/api/v1/content-analysis", _many(ContentItemFactory)),
    "social:tasks-list": ListRoute("/api/social/tasks?per_page=20", _many(GroupTaskFactory)),
    "intel:session-list": ListRoute("/api/intel/v1/sessions/", _sessions),
    "intel:company-list": ListRoute("/api/intel/v1/companies/", _sessions),
    "intel:person-list": ListRoute("/api/intel/v1/persons/", _persons_with_companies),
    "intel:saved-filter-list": ListRoute("/api/intel/v1/saved-filters/", _own_saved_filters),
    "intel:blacklist-list": ListRoute("/api/intel/v1/blacklist/", _many(BlacklistEntryFactory)),
    "intel:alert-list": ListRoute("/api/intel/v1/alerts/", _many(CompanyAlertFactory)),
    "intel:turnover-list": ListRoute(
        "/api/intel/v1/turnovers/", lambda actor, n, parent=None: TurnoverFactory.create_batch(n)
    ),
    "intel:magnitude-list": ListRoute(
        "/api/intel/v1/magnitudes/", lambda actor, n, parent=None: MagnitudeFactory.create_batch(n)
    ),
    "backend:campaigns": ListRoute("/api/campaigns/", _campaigns_with_tasks, "post"),
    "backend:tasks": ListRoute("/api/tasks/", _tasks_of_one_campaign, "post", _by_campaign),
    "backend:advertiser-invoices": ListRoute("/api/advertiser/invoices/", _many(InvoiceFactory), "post"),
    "backend:lists-allowed-campaigns": ListRoute(
        "/api/general/lists/allowed-campaigns/", _campaigns_with_tasks, "post"
    ),
    "campaign-app:campaigns": ListRoute(
        "/api/get/campaigns/",
        lambda actor, n, parent=None: CampaignFactory.create_batch(n),
        "post",
        caller="publisher_client",
    ),
    "campaign-app:public-campaigns": ListRoute(
        "/api/get/public/campaigns/",
        lambda actor, n, parent=None: CampaignFactory.create_batch(n),
        "post",
        caller="api_client",
    ),
    "campaign-app:tasks": ListRoute("/api/get/tasks/", _publisher_tasks, "post", caller="publisher_client"),
    "campaign-app:leaderboard": ListRoute(
        "/api/get/leaderboard/", _leaderboard, "post", _by_campaign, caller="publisher_client"
    ),
    "campaign-app:notifications": ListRoute(
        "/api/get/notifications/", _notifications, "post", caller="publisher_client"
    ),
}
