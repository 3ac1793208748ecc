"""Deny by default: every API route's view declares an access rule; a view without one is refused."""

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIRequestFactory

from leadplatform.api.access import AccessTablePermission, access_table
from leadplatform.api.middleware import is_api_path
from leadplatform.api.surfaces import LEADS
from leadplatform.api.views import SurfaceAPIView


def _api_routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _api_routes(pattern, route, inner)
        elif isinstance(pattern, URLPattern) and is_api_path("/" + route.lstrip("^")):
            yield route, f"{namespace}{pattern.name}"


def test_every_api_route_has_an_access_rule():
    missing = [(route, name) for route, name in _api_routes(get_resolver()) if name not in access_table()]
    assert missing == []


def test_the_walker_finds_the_api_routes():
    names = {name for _, name in _api_routes(get_resolver())}
    assert {"web-auth:login", "intel-auth:api-token-get"} <= names


def test_access_rows_name_existing_routes():
    names = {name for _, name in _api_routes(get_resolver())}
    assert set(access_table()) - names == set()


def test_a_view_that_declares_no_rule_is_refused_for_everyone():
    class Undeclared(SurfaceAPIView):
        surface = LEADS

    request = APIRequestFactory().get("/api/v1/undeclared")
    assert AccessTablePermission().has_permission(request, Undeclared()) is False
