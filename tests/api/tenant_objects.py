"""For each tenant-scoped route of `surface_routes`: how to build a row of a given actor.

`OWNED_ROW[name](actor)` builds a row of the actor's advertiser and returns the id that the route's path names (a pk, or a public
UUID for web jobs and exports), and `MISSING_ID` the id of the same type that never exists.
`ROWS[name](advertiser, n)` makes n rows a route's list shows, for the query-count tests.
"""
from __future__ import annotations

import uuid

from django.utils import timezone

from leads.models import BackgroundExport

from ..intel.factories import (
    BlacklistEntryFactory,
    CompanyFactory,
    MagnitudeFactory,
    PersonFactory,
    SavedFilterFactory,
    TurnoverFactory,
    VisitSessionFactory,
)
from ..leads.factories import ContentItemFactory, GroupTaskFactory, JobFactory, LeadFactory, TargetFactory
from ..web.factories import WebhookFactory, WebJobFactory, WebResultFactory


def _export(advertiser, source):
    return BackgroundExport.objects.create(advertiser=advertiser, source=source, format="csv",
                                           status=BackgroundExport.Status.COMPLETED).public_id


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
}

#: Reference rows every tenant shares: their detail routes answer everyone alike.
SHARED_ROWS = {"intel:turnover-detail", "intel:magnitude-detail"}

MISSING_UUID = uuid.UUID("9f0e0000-0000-4000-8000-00000000dead")
MISSING_PK = 987_654_321


def missing_id_like(ident):
    return MISSING_UUID if isinstance(ident, uuid.UUID) else MISSING_PK


def _many(factory):
    return lambda actor, n: factory.create_batch(n, advertiser=actor.advertiser)


def _web_results(actor, n):
    job = WebJobFactory(advertiser=actor.advertiser)
    WebResultFactory.create_batch(n, job=job)
    return job.public_id


def _sessions(actor, n):
    VisitSessionFactory.create_batch(n, site__advertiser=actor.advertiser)


def _persons_with_companies(actor, n):
    for _ in range(n):
        PersonFactory(advertiser=actor.advertiser, company=CompanyFactory())


def _own_saved_filters(actor, n):
    SavedFilterFactory.create_batch(n, advertiser=actor.advertiser, user=actor.user)


#: A list route's name → (its path, how to make n rows the actor sees in it). A path with
#: "{id}" lists the rows under what the maker returns.
LIST_ROWS = {
    "web:jobs": ("/api/web/v1/jobs", _many(WebJobFactory)),
    "web:results": ("/api/web/v1/results/{id}", _web_results),
    "web:webhooks": ("/api/web/v1/webhooks", _many(WebhookFactory)),
    "v1:jobs-list": ("/api/v1/jobs", _many(JobFactory)),
    "v1:targets-list": ("/api/v1/targets", _many(TargetFactory)),
    "v1:leads-list": ("/api/v1/leads", _many(LeadFactory)),
    "v1:content-analysis-list": ("/api/v1/content-analysis", _many(ContentItemFactory)),
    "social:tasks-list": ("/api/social/tasks", _many(GroupTaskFactory)),
    "intel:session-list": ("/api/intel/v1/sessions/", _sessions),
    "intel:company-list": ("/api/intel/v1/companies/", _sessions),
    "intel:person-list": ("/api/intel/v1/persons/", _persons_with_companies),
    "intel:saved-filter-list": ("/api/intel/v1/saved-filters/", _own_saved_filters),
    "intel:blacklist-list": ("/api/intel/v1/blacklist/", _many(BlacklistEntryFactory)),
    "intel:turnover-list": ("/api/intel/v1/turnovers/", lambda actor, n: TurnoverFactory.create_batch(n)),
    "intel:magnitude-list": ("/api/intel/v1/magnitudes/", lambda actor, n: MagnitudeFactory.create_batch(n)),
}
