"""The access table enforced on every route.

Walks the URLconf and calls each API route and method as anonymous, an influencer, an
advertiser member and platform staff. Every principal the route's row excludes is refused
(401/403) before anything else happens, and no call answers 5xx.
"""

import re
import uuid

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from accounts.principal import Kind
from leadplatform.api.access import access_table

from .test_access_table import _api_routes

METHODS = ("get", "post", "put", "patch", "delete")
PLACEHOLDER = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")


def _concrete_path(route: str) -> str:
    def sample(match: re.Match) -> str:
        converter = match.group("converter") or "str"
        return str(uuid.UUID(int=1)) if converter == "uuid" else "1" if converter in ("int", "id") else "sample"

    return "/" + PLACEHOLDER.sub(sample, route.lstrip("^").replace("\\Z", "").replace("$", ""))


def _methods(route: str) -> list[str]:
    match = get_resolver().resolve(_concrete_path(route))
    actions = getattr(match.func, "actions", None)
    if actions:
        return sorted(actions)
    cls = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
    return [method for method in METHODS if cls is not None and hasattr(cls, method)]


def _cases():
    for route, name in _api_routes(get_resolver()):
        rule = access_table().get(name)
        if rule is None:
            continue
        for method in _methods(route):
            yield pytest.param(route, method, rule, id=f"{method.upper()} {name}")


@pytest.fixture
def callers(staff, owner, publisher):
    clients = {Kind.ANONYMOUS: APIClient()}
    for kind, actor in ((Kind.STAFF, staff), (Kind.ADVERTISER, owner), (Kind.PUBLISHER, publisher)):
        clients[kind] = actor.client()
    return clients


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "method", "rule"), list(_cases()))
def test_route_refuses_principals_outside_its_row(route, method, rule, callers, settings):
    settings.API_RATES = {key: "100000/hour" for key in settings.API_RATES}
    path = _concrete_path(route)
    for kind, client in callers.items():
        client.raise_request_exception = False
        response = getattr(client, method)(path, {}, format="json")
        assert response.status_code < 500, f"{kind.value}: {response.status_code} {response.content[:300]!r}"
        if kind not in rule:
            assert response.status_code in (401, 403), f"{kind.value} got {response.status_code}"
