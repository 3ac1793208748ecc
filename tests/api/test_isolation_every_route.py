"""Another advertiser's row answers exactly like a row that never existed: same status, same body.

Advertiser B (the `outsider`, an owner) calls every route and method with advertiser A's ids:
in the path (from the surface route table), in query filters, and in body fields. Each answer
is compared with the answer to a never-existing id of the same type, asked first.
"""

from __future__ import annotations

import json
import re

import pytest

from leads.intel.models import BlacklistEntry
from leads.models import ScrapeJob, Target, Webhook

from ..backend.conftest import world  # noqa: F401 (the campaign backend's test world)
from ..backend.routes import ROUTES as BACKEND_ROUTES
from ..campaigns.conftest import app_credentials, publisher_client  # noqa: F401 (the app's caller)
from ..campaigns.factories import TaskFactory
from ..intel.factories import CompanyFactory, PersonFactory, SavedFilterFactory, VisitSessionFactory
from ..leads.factories import ContentItemFactory, JobFactory, LeadFactory, TargetFactory
from .surface_routes import routes_by_surface
from .tenant_objects import LIST_ROUTES, MISSING_PK, OWNED_ROW, SHARED_ROWS, missing_id_like

pytestmark = pytest.mark.django_db

#: A body that passes validation, so that the row lookup decides the answer.
BODIES = {
    ("web:job-schedule", "put"): {"interval_seconds": 3600},
    ("v1:jobs-schedule", "put"): {"interval_seconds": 3600},
    ("social:tasks-detail", "put"): {"group_name": "Renamed"},
    ("social:tasks-detail", "patch"): {"group_name": "Renamed"},
    ("intel:saved-filter-detail", "put"): {"name": "Renamed", "filters": {}},
    ("intel:saved-filter-detail", "patch"): {"name": "Renamed"},
    ("intel:blacklist-detail", "put"): {"domain": "renamed.example"},
    ("intel:blacklist-detail", "patch"): {"note": "renamed"},
}


def _routes_naming_a_row():
    for routes in routes_by_surface().values():
        for route in routes:
            if route.admits_members and route.path != route.path_naming("X"):
                yield route


def _same_answer(foreign, missing):
    assert (foreign.status_code, _body(foreign)) == (missing.status_code, _body(missing))


def _naming_the_sent_id(response, ident) -> tuple[int, str]:
    """An error that repeats the id the caller sent says nothing about its row: the id is masked."""
    return response.status_code, re.sub(rf"\b{ident}\b", "<id>", json.dumps(_body(response)))


def _rows_shown(body) -> int:
    if isinstance(body, list):
        return len(body)
    return next(len(value) for value in body.values() if isinstance(value, list))


def _body(response):
    if response.get("Content-Type", "").startswith("application/json"):
        return response.json()
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_every_route_naming_a_row_knows_how_to_build_one():
    names = {route.name for route in _routes_naming_a_row()}
    assert names - SHARED_ROWS == set(OWNED_ROW)


@pytest.mark.parametrize(
    "route", [r for r in _routes_naming_a_row() if r.name in OWNED_ROW], ids=lambda r: f"{r.method.upper()} {r.name}"
)
def test_another_advertisers_row_in_the_path_answers_like_a_missing_one(route, owner, outsider):
    theirs = OWNED_ROW[route.name](owner)
    body = BODIES.get((route.name, route.method), {})
    client = outsider.client()

    def call(ident):
        return getattr(client, route.method)(route.path_naming(ident), body, format="json")

    missing = call(missing_id_like(theirs))
    _same_answer(call(theirs), missing)


def _detail_path(path: str, ident) -> str:
    """The row's own GET path: the route's path up to its id (and a trailing slash, if any)."""
    head, _, rest = path.partition(str(ident))
    return f"{head}{ident}" + ("/" if rest == "/" else "")


@pytest.mark.parametrize(
    "route",
    [r for r in _routes_naming_a_row() if r.name in OWNED_ROW and r.method != "get"],
    ids=lambda r: f"{r.method.upper()} {r.name}",
)
def test_another_advertisers_write_leaves_the_row_as_it_was(route, owner, outsider):
    theirs = OWNED_ROW[route.name](owner)
    detail = _detail_path(route.path_naming(theirs), theirs)
    before = owner.client().get(detail)
    assert before.status_code == 200, detail  # else the comparison below would prove nothing
    getattr(outsider.client(), route.method)(
        route.path_naming(theirs), BODIES.get((route.name, route.method), {}), format="json"
    )
    assert owner.client().get(detail).json() == before.json()


@pytest.mark.parametrize(
    "route", [r for r in _routes_naming_a_row() if r.name in OWNED_ROW and r.method == "get"], ids=lambda r: r.name
)
def test_the_row_built_for_a_route_is_found_by_its_own_advertiser(route, owner):
    """Else the comparison above would hold for the wrong reason."""
    ident = OWNED_ROW[route.name](owner)
    assert owner.client().get(route.path_naming(ident)).status_code != 404


# --- lists -----------------------------------------------------------------------------

#: The advertiser's own lists that name no row (those that do are covered above).
TENANT_LISTS = [
    name
    for name, route in LIST_ROUTES.items()
    if route.caller == "owner" and name not in SHARED_ROWS and not route.names_a_parent
]


@pytest.mark.parametrize("name", TENANT_LISTS)
def test_a_list_shows_none_of_another_advertisers_rows(name, owner, outsider):
    route = LIST_ROUTES[name]
    route.make(owner, 2)
    response = getattr(outsider.client(), route.method)(route.path, {}, format="json")
    assert _rows_shown(response.json()) == 0


# --- ids in query filters -------------------------------------------------------------


def _job(a):
    job = JobFactory(advertiser=a)
    LeadFactory(advertiser=a, job=job)
    ContentItemFactory(advertiser=a, job=job)
    return job.pk


def _site(a):
    return VisitSessionFactory(site__advertiser=a).site_id


def _company(a):
    return VisitSessionFactory(site__advertiser=a).company_id


def _person(a):
    person = PersonFactory(advertiser=a, company=CompanyFactory())
    VisitSessionFactory(site__advertiser=a, person=person, company=person.company)
    return person.pk


def _saved_filter(actor):
    return SavedFilterFactory(advertiser=actor.advertiser, user=actor.user, filters={}).pk


FILTERS = {
    "v1 leads ?job_id": ("/api/v1/leads?job_id={}", _job),
    "v1 leads export ?job_id": ("/api/v1/leads/export?job_id={}", _job),
    "v1 content-analysis ?job_id": ("/api/v1/content-analysis?job_id={}", _job),
    "intel sessions ?site": ("/api/intel/v1/sessions/?site={}", _site),
    "intel sessions ?person": ("/api/intel/v1/sessions/?person={}", _person),
    "intel companies ?company": ("/api/intel/v1/companies/?company={}", _company),
    "intel companies ?person": ("/api/intel/v1/companies/?person={}", _person),
    "intel persons ?person": ("/api/intel/v1/persons/?person={}", _person),
}


def test_another_users_saved_filter_answers_like_a_missing_one(owner, outsider):
    path = "/api/intel/v1/sessions/?saved_filter={}"
    theirs = _saved_filter(owner)
    client = outsider.client()
    missing = client.get(path.format(MISSING_PK))
    _same_answer(client.get(path.format(theirs)), missing)


@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_naming_another_advertisers_row_answers_like_a_missing_one(name, owner, outsider):
    path, build = FILTERS[name]
    theirs = build(owner.advertiser)
    client = outsider.client()
    missing = client.get(path.format(MISSING_PK))
    _same_answer(client.get(path.format(theirs)), missing)


@pytest.mark.parametrize("name", FILTERS)
def test_the_same_filter_shows_the_advertiser_its_own_rows(name, owner):
    path, build = FILTERS[name]
    mine = build(owner.advertiser)
    client = owner.client()
    assert _body(client.get(path.format(mine))) != _body(client.get(path.format(MISSING_PK)))


# --- ids in bodies --------------------------------------------------------------------


def _target(a):
    return TargetFactory(advertiser=a).pk


BODY_IDS = {
    "v1 POST jobs target_ids": (
        "post",
        "/api/v1/jobs",
        _target,
        lambda ident: {"job_type": "followers", "target_ids": [ident]},
    ),
    "intel POST blacklist company": ("post", "/api/intel/v1/blacklist/", _company, lambda ident: {"company": ident}),
}


def _backend_routes_naming_a_row():
    return sorted(name for name, route in BACKEND_ROUTES.items() if route.names_tenant_row)


@pytest.mark.parametrize("name", BODY_IDS)
def test_a_body_naming_another_advertisers_row_answers_like_a_missing_one(name, owner, outsider):
    method, path, build, body = BODY_IDS[name]
    theirs = build(owner.advertiser)
    client = outsider.client()
    missing = getattr(client, method)(path, body(MISSING_PK), format="json")
    foreign = getattr(client, method)(path, body(theirs), format="json")
    assert _naming_the_sent_id(foreign, theirs) == _naming_the_sent_id(missing, MISSING_PK)


APP_TASK_ACTIONS = {
    "leave": ("/api/action/task/leave/", {}),
    "complete": ("/api/action/task/complete/", {"post_url": "https://instagram.com/p/abc"}),
}


@pytest.mark.parametrize("action", APP_TASK_ACTIONS)
def test_another_publishers_task_answers_like_a_missing_one(action, publisher_client):  # noqa: F811
    path, body = APP_TASK_ACTIONS[action]
    theirs = TaskFactory().pk
    missing = publisher_client.post(path, {**body, "task_id": MISSING_PK}, format="json")
    foreign = publisher_client.post(path, {**body, "task_id": theirs}, format="json")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json())


TENANT_ID_FIELDS = ("advertiser_id", "campaign_id", "task_id")


def _with_missing_ids(body: dict) -> dict:
    return {key: (MISSING_PK if key in TENANT_ID_FIELDS else value) for key, value in body.items()}


@pytest.mark.parametrize("name", _backend_routes_naming_a_row())
def test_a_backend_body_naming_another_advertisers_row_answers_like_a_missing_one(name, world, outsider):  # noqa: F811
    route = BACKEND_ROUTES[name]
    body = route.body(world)
    client = outsider.client()
    missing = client.post(route.path, _with_missing_ids(body), format="json")
    _same_answer(client.post(route.path, body, format="json"), missing)


CREATES_WITH_ADVERTISER_ID = {
    "v1 POST targets": ("/api/v1/targets", {"identifier": "someone", "target_type": "followers"}, Target),
    "social POST tasks": ("/api/social/tasks", {"group_id": "123456"}, ScrapeJob),
    "web POST jobs": ("/api/web/v1/jobs", {"url": "https://shop.example/products"}, ScrapeJob),
    "web POST webhooks": (
        "/api/web/v1/webhooks",
        {"url": "https://hooks.example/in", "events": ["job.completed"]},
        Webhook,
    ),
    "intel POST blacklist": ("/api/intel/v1/blacklist/", {"domain": "blocked.example"}, BlacklistEntry),
}


@pytest.mark.parametrize("name", CREATES_WITH_ADVERTISER_ID)
def test_a_body_advertiser_id_never_creates_a_row_for_another_advertiser(name, owner, outsider):
    path, body, model = CREATES_WITH_ADVERTISER_ID[name]
    outsider.client().post(path, {**body, "advertiser_id": owner.advertiser.pk}, format="json")
    assert not model.objects.filter(advertiser=owner.advertiser).exists()
