"""Paths a newcomer can guess: both slash spellings answer directly, and each surface root lists its routes."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from leadplatform.api.index import iter_routes

from .test_bad_input import api_routes, concrete

pytestmark = pytest.mark.django_db

REDIRECTS = {301, 302, 307, 308}


def other_spelling(path: str) -> str:
    return path[:-1] if path.endswith("/") else f"{path}/"


def test_every_read_answers_both_spellings_alike_without_a_redirect(staff):
    client = staff.client()
    differ = []
    for route in api_routes():
        if "GET" not in route.methods:
            continue
        path = concrete(route.path)
        canonical, other = client.get(path), client.get(other_spelling(path))
        if other.status_code in REDIRECTS or other.status_code != canonical.status_code:
            differ.append((path, canonical.status_code, other.status_code))
    assert differ == []


@pytest.mark.parametrize(
    "path", ["/api/v1/leads/", "/api/intel/v1/sessions", "/api/social/tasks/", "/api/web/v1/jobs/"]
)
def test_the_other_spelling_answers_the_same_list(owner, path):
    client = owner.client()
    other = client.get(path)
    assert (other.status_code, other.json()) == (200, client.get(other_spelling(path)).json())


def test_a_write_to_the_other_spelling_is_served_not_redirected(owner):
    response = owner.client().post("/api/intel/v1/blacklist", {"domain": "rival.example"}, format="json")
    assert response.status_code == 201


def test_a_campaign_call_without_its_slash_is_served(db):
    response = APIClient().post("/api/get/public/campaigns", {}, format="json")
    assert (response.status_code, response.json()) == (200, {"campaigns": []})


def test_the_schema_documents_one_spelling_per_path(client):
    paths = set(client.get("/api/openapi.json").json()["paths"])
    assert sorted(path for path in paths if other_spelling(path) in paths) == []


ROOTS = {
    "/api/": {"backend:campaigns", "campaign-app:campaigns"},
    "/api/v1/": {"v1:jobs-list", "v1:leads-list"},
    "/api/social/": {"social:tasks-list"},
    "/api/web/v1/": {"web:jobs", "web-auth:login"},
    "/api/intel/v1/": {"intel:session-list", "intel-auth:api-token-get"},
}


@pytest.mark.parametrize("root", ROOTS)
def test_each_surface_root_lists_its_routes_without_credentials(root, db):
    response = APIClient().get(root)
    assert response.status_code == 200
    assert ROOTS[root] <= {route["name"] for route in response.json()["routes"]}


@pytest.mark.parametrize("root", ROOTS)
def test_a_surface_root_answers_without_its_slash(root, db):
    assert APIClient().get(root.rstrip("/")).status_code == 200


def test_an_index_entry_names_methods_and_the_canonical_path(db):
    routes = {route["name"]: route for route in APIClient().get("/api/v1/").json()["routes"]}
    assert routes["v1:jobs-detail"] == {
        "name": "v1:jobs-detail",
        "methods": ["GET", "DELETE"],
        "path": "/api/v1/jobs/<id:pk>",
    }


def test_a_surface_root_lists_only_its_own_surface(db):
    names = {route["name"] for route in APIClient().get("/api/social/").json()["routes"]}
    assert names == {route.name for route in iter_routes() if route.name.startswith("social:")}
