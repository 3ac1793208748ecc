"""Deny by default: every API route has a row in the access table."""

from django.urls import URLPattern, URLResolver, get_resolver

from leadplatform.api.access import access_table
from leadplatform.api.middleware import is_api_path


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
