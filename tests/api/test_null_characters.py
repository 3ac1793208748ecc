"""A NUL character (which PostgreSQL cannot store in text or jsonb) anywhere in a request is a 4xx in the
surface's error shape on every surface, and stores nothing; JSONFields refuse it on the other write paths."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from leadplatform.api import surfaces
from leadplatform.api.surfaces import ApiError
from leadplatform.stored_text import NULL_CHARACTERS_MESSAGE, refuse_null_characters
from leads.models import ScrapeJob

from ..factories import application

pytestmark = pytest.mark.django_db

WEB_JOBS = "/api/web/v1/jobs"
WEB_JOB = {"url": "https://shop.example/products", "selectors": {"title": "h1::text"}, "config": {"max_pages": 2}}


def error_keys(surface, status: int) -> set[str]:
    return set(surface.error_body(ApiError(status, "message")))


def validation_error_keys(surface) -> set[str]:
    error = ApiError(surface.validation_status, "message", "validation_error", {"field": ["message"]})
    return set(surface.error_body(error))


# ------------------------------------------------------------------------------
# The web scraper's job: selector names and the config's selectors
# ------------------------------------------------------------------------------
WEB_JOB_WITH_NUL = {
    "selector name": {**WEB_JOB, "selectors": {"ti\u0000tle": "h1::text"}},
    "config.wait_for": {**WEB_JOB, "config": {"wait_for": "#app\u0000"}},
    "config.next_page": {**WEB_JOB, "config": {"next_page": "a.next\u0000"}},
    "config.link_selector": {**WEB_JOB, "config": {"follow_links": True, "link_selector": "a\u0000"}},
}


@pytest.mark.parametrize("case", WEB_JOB_WITH_NUL)
def test_a_nul_in_a_web_job_is_a_422_in_the_web_shape(case, owner):
    response = owner.client().post(WEB_JOBS, WEB_JOB_WITH_NUL[case], format="json")
    assert (response.status_code, set(response.json())) == (422, validation_error_keys(surfaces.WEB))


@pytest.mark.parametrize("case", WEB_JOB_WITH_NUL)
def test_a_web_job_with_a_nul_is_not_stored(case, owner):
    owner.client().post(WEB_JOBS, WEB_JOB_WITH_NUL[case], format="json")
    assert not ScrapeJob.objects.exists()


def test_the_refusal_names_the_field_holding_the_nul(owner):
    response = owner.client().post(WEB_JOBS, WEB_JOB_WITH_NUL["config.wait_for"], format="json")
    assert response.json()["errors"] == {"config": [NULL_CHARACTERS_MESSAGE]}


# ------------------------------------------------------------------------------
# One JSON route per surface: keys and values, nested
# ------------------------------------------------------------------------------
def json_routes(staff, owner) -> list[tuple[surfaces.Surface, APIClient, str]]:
    app, secret = application()
    campaign_app = APIClient()
    campaign_app.credentials(HTTP_X_CLIENT_ID=app.client_id, HTTP_X_CLIENT_SECRET=secret)
    return [
        (surfaces.CAMPAIGN_APP, campaign_app, "/api/app/register/"),
        (surfaces.CAMPAIGN_BACKEND, staff.client(), "/api/campaign/pre-register/"),
        (surfaces.LEADS, owner.client(), "/api/v1/jobs"),
        (surfaces.SOCIAL, owner.client(), "/api/social/tasks"),
        (surfaces.WEB, APIClient(), "/api/web/v1/auth/register"),
        (surfaces.INTEL, owner.client(), "/api/intel/v1/saved-filters/"),
    ]


# Each body with the field the refusal names.
NUL_BODIES = {
    "top-level value": ({"name": "a\u0000b"}, "name"),
    "nested value": ({"filters": {"country": ["DE", "F\u0000R"]}}, "filters"),
    "nested key": ({"filters": {"coun\u0000try": "DE"}}, "filters"),
    "top-level key": ({"na\u0000me": "x"}, "non_field_errors"),
}


def nul_refusal(surface, field: str) -> dict:
    message = NULL_CHARACTERS_MESSAGE if field == "non_field_errors" else f"{field}: {NULL_CHARACTERS_MESSAGE}"
    errors = {field: [NULL_CHARACTERS_MESSAGE]}
    return surface.error_body(ApiError(surface.validation_status, message, "validation_error", errors))


@pytest.mark.parametrize("case", NUL_BODIES)
def test_a_nul_in_a_json_body_is_the_validation_error_of_every_surface(case, staff, owner):
    body, field = NUL_BODIES[case]
    for surface, client, path in json_routes(staff, owner):
        response = client.post(path, body, format="json")
        assert (path, response.status_code, response.json()) == (
            path,
            surface.validation_status,
            nul_refusal(surface, field),
        )


def test_a_json_body_without_nul_is_parsed_as_before(owner):
    response = owner.client().post("/api/intel/v1/saved-filters/", {"name": "Germany", "filters": {}}, format="json")
    assert response.status_code == 201


# ------------------------------------------------------------------------------
# Form and multipart bodies, query parameters
# ------------------------------------------------------------------------------
def test_a_nul_in_a_form_field_name_is_refused(owner):
    response = owner.client().post("/api/v1/jobs", "na%00me=x", content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.json()) == (400, nul_refusal(surfaces.LEADS, "non_field_errors"))


def test_a_nul_in_a_multipart_field_name_is_refused(owner):
    response = owner.client().post("/api/social/tasks", {"group\u0000name": "x"}, format="multipart")
    assert (response.status_code, response.json()) == (422, nul_refusal(surfaces.SOCIAL, "non_field_errors"))


LIST_PATHS = {
    surfaces.LEADS: "/api/v1/jobs",
    surfaces.SOCIAL: "/api/social/tasks",
    surfaces.WEB: "/api/web/v1/jobs",
    surfaces.INTEL: "/api/intel/v1/sessions/",
}


@pytest.mark.parametrize("surface", LIST_PATHS, ids=lambda surface: surface.key)
def test_a_nul_in_a_filter_parameter_is_a_400_in_the_surface_shape(surface, owner):
    response = owner.client().get(LIST_PATHS[surface], {"status": "pend\u0000ing"})
    assert (response.status_code, set(response.json())) == (400, error_keys(surface, 400))


# ------------------------------------------------------------------------------
# JSONFields on the paths that do not go through the API (admin forms, imports)
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "value", [{"ti\u0000tle": "h1"}, {"title": "h1\u0000"}, {"a": [{"b": ["c", "d\u0000"]}]}], ids=str
)
def test_a_json_field_refuses_a_nul_at_any_depth(value):
    with pytest.raises(ValidationError):
        ScrapeJob._meta.get_field("selectors").run_validators(value)


def test_json_without_nul_passes_the_validator():
    assert refuse_null_characters({"title": ["h1::text", 1, None, {"x": "y"}]}) is None


@pytest.mark.parametrize("query", ["q=a%00b", "status=%00"])
def test_a_nul_in_an_admin_changelist_query_is_a_400(query, client, staff):
    client.force_login(staff.user)
    assert client.get(f"/admin/accounts/advertiser/?{query}").status_code == 400
