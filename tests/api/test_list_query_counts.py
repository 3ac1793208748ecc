"""Every list runs the same number of SQL queries for a page of 1 row and a page of 20 rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..campaigns.conftest import app_client, app_credentials, publisher_client  # noqa: F401 (callers of the app's lists)
from .surface_routes import routes_by_surface
from .tenant_objects import LIST_ROUTES, OWNED_ROW, SHARED_ROWS
from .test_isolation_every_route import _rows_shown

pytestmark = pytest.mark.django_db

#: GET routes that name no row yet list nothing: indexes, statistics, monitoring, a file.
NOT_LISTS = {
    "web-index",
    "v1-index",
    "social-index",
    "intel:api-root",
    "campaign-index",
    "web:monitoring-stats",
    "web:monitoring-proxies",
    "web:monitoring-system",
    "v1:stats",
    "v1:leads-export",
}


def test_every_get_list_of_the_route_table_is_counted():
    """The campaign app's and backend's lists are POST routes among actions: listed by hand."""
    gets = {route.name for routes in routes_by_surface().values() for route in routes if route.method == "get"}
    lists = gets - set(OWNED_ROW) - SHARED_ROWS - NOT_LISTS
    assert lists <= set(LIST_ROUTES)


def _list_caller(request, route):
    caller = request.getfixturevalue(route.caller)
    actor = request.getfixturevalue("publisher" if route.caller == "publisher_client" else "owner")
    return (caller.client() if hasattr(caller, "client") else caller), actor


def _queries_and_rows(client, route, parent) -> tuple[int, int]:
    """The SQL queries of one call of the list and the rows it shows (the caller warms up first)."""
    path, body = route.path.format(parent=parent), route.body(parent)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, route.method)(path, body, format="json")
    assert response.status_code == 200, response.content
    return len(queries), _rows_shown(response.json())


@pytest.mark.parametrize("name", LIST_ROUTES)
def test_a_page_of_20_rows_runs_the_queries_of_a_page_of_1(name, request):
    route = LIST_ROUTES[name]
    client, actor = _list_caller(request, route)
    parent = route.make(actor, 1)
    _queries_and_rows(client, route, parent)  # warm up: a token's first call also records its use
    one = _queries_and_rows(client, route, parent)
    route.make(actor, 19, parent)
    assert (one[1], _queries_and_rows(client, route, parent)) == (1, (one[0], 20))
