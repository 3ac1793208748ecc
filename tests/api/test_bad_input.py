"""Bad input on any surface is a 4xx in that surface's error shape, never a 500.

Deeply nested JSON, malformed cursors, signed JWTs with claims of the wrong type, and a
method the route does not answer.
"""

from __future__ import annotations

import base64
import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from django.conf import settings
from django.http import HttpResponseNotAllowed
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from leadplatform.api import surfaces
from leadplatform.api.index import METHOD_ORDER, iter_routes
from leadplatform.api.middleware import ApiErrorPageMiddleware, is_api_path
from leadplatform.api.parsers import BoundedJSONParser, nesting_depth
from leadplatform.api.surfaces import ApiError

pytestmark = pytest.mark.django_db


def error_keys(surface, status: int) -> set[str]:
    """The keys of the surface's error body for this status (its shape, whatever the message)."""
    return set(surface.error_body(ApiError(status, "message")))


# ------------------------------------------------------------------------------
# JSON nesting
# ------------------------------------------------------------------------------
def parse(text: str):
    return BoundedJSONParser().parse(io.BytesIO(text.encode()), "application/json", {})


def test_nesting_depth_counts_arrays_and_objects():
    assert nesting_depth('{"a": [1, {"b": [2]}]}') == 4


def test_nesting_depth_ignores_brackets_inside_strings():
    assert nesting_depth('["[[[{{{", "\\"[[["]') == 1


def test_body_nested_to_the_limit_parses(settings):
    settings.API_MAX_JSON_DEPTH = 5
    assert parse("[[[[[1]]]]]") == [[[[[1]]]]]


def test_body_nested_beyond_the_limit_is_a_parse_error(settings):
    settings.API_MAX_JSON_DEPTH = 5
    with pytest.raises(ParseError):
        parse("[[[[[[1]]]]]]")


def test_many_brackets_inside_a_string_are_not_nesting(settings):
    settings.API_MAX_JSON_DEPTH = 5
    assert parse('{"note": "' + "[" * 1000 + '"}') == {"note": "[" * 1000}


DEEP_BODIES = {"arrays": "[" * 100_000, "objects": '{"a":' * 100_000}


def nested_body_routes(staff, owner):
    """One JSON-accepting route per surface, with a caller allowed to reach its parser."""
    anonymous = APIClient()
    return [
        (surfaces.LEADS, owner.client(), "/api/v1/jobs"),
        (surfaces.SOCIAL, owner.client(), "/api/social/tasks"),
        (surfaces.WEB, anonymous, "/api/web/v1/auth/login"),
        (surfaces.INTEL, owner.client(), "/api/intel/v1/saved-filters/"),
        (surfaces.INTEL, anonymous, "/api/intel/v1/api-token-get/"),
        (surfaces.CAMPAIGN_BACKEND, staff.client(), "/api/campaign/pre-register/"),
    ]


@pytest.mark.parametrize("kind", DEEP_BODIES)
def test_deeply_nested_json_is_a_400_in_each_surfaces_shape(kind, staff, owner):
    for surface, client, path in nested_body_routes(staff, owner):
        response = client.post(path, DEEP_BODIES[kind], content_type="application/json")
        assert (path, response.status_code) == (path, 400)
        assert set(response.json()) == error_keys(surface, 400), path


def test_deeply_nested_json_on_the_public_collect_endpoint_is_refused(db):
    body = "[" * 60_000  # under the endpoint's own 64 KiB cap, so the parser sees it
    response = APIClient().post("/api/intel/v1/collect/", body, content_type="application/json")
    assert response.status_code == 400


# ------------------------------------------------------------------------------
# Cursors
# ------------------------------------------------------------------------------
def cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


MALFORMED_CURSORS = {
    "not base64": "garbage!",
    "position not an id": cursor("p=2026-13-45"),
    "offset not a number": cursor("o=x&p=1"),
    "huge offset digits": cursor("o=" + "9" * 5000),
}


def intel_list_paths() -> list[str]:
    return [route.path for route in iter_routes() if route.name.startswith("intel:") and route.name.endswith("-list")]


def test_the_intel_surface_has_its_eight_lists():
    assert len(intel_list_paths()) == 8


@pytest.mark.parametrize("label", MALFORMED_CURSORS)
def test_malformed_cursor_is_a_400_on_every_intel_list(label, owner):
    client = owner.client()
    answers = {path: client.get(path, {"cursor": MALFORMED_CURSORS[label]}) for path in intel_list_paths()}
    assert {path: response.status_code for path, response in answers.items()} == dict.fromkeys(answers, 400)
    assert all(response.json() == {"cursor": ["Invalid cursor."]} for response in answers.values())


def test_a_cursor_positioned_past_any_id_is_an_empty_page(owner):
    response = owner.client().get("/api/intel/v1/sessions/", {"cursor": cursor("p=" + "9" * 30)})
    assert (response.status_code, response.json()["results"]) == (200, [])


def test_a_valid_cursor_still_pages(owner):
    client = owner.client()
    response = client.get("/api/intel/v1/turnovers/", {"cursor": cursor("p=1")})
    assert response.status_code == 200


# ------------------------------------------------------------------------------
# JWT claims
# ------------------------------------------------------------------------------
def signed(**claims) -> str:
    now = int(datetime.now(UTC).timestamp())
    payload = {"iat": now, "exp": now + 600, "typ": "access", **claims}
    payload = {key: value for key, value in payload.items() if value is not MISSING}
    return jwt.encode(payload, settings.JWT_SIGNING_KEY, algorithm=settings.JWT_ALGORITHM)


MISSING = object()


def bad_claims(user_id: int) -> dict[str, dict]:
    now = int(datetime.now(UTC).timestamp())
    return {
        "sub not numeric": {"sub": "admin"},
        "sub negative": {"sub": "-1"},
        "sub huge": {"sub": "9" * 30},
        "sub thousands of digits": {"sub": "9" * 5000},
        "sub zero": {"sub": "0"},
        "sub an integer": {"sub": user_id},
        "sub a list": {"sub": [user_id]},
        "sub missing": {"sub": MISSING},
        "iat a string": {"sub": str(user_id), "iat": str(now)},
        "iat a float": {"sub": str(user_id), "iat": now + 0.5},
        "iat missing": {"sub": str(user_id), "iat": MISSING},
        "exp a string": {"sub": str(user_id), "exp": str(now + 600)},
        "exp a float": {"sub": str(user_id), "exp": now + 600.5},
        "exp an object": {"sub": str(user_id), "exp": {"at": now}},
        "exp missing": {"sub": str(user_id), "exp": MISSING},
    }


CLAIM_CASES = list(bad_claims(0))


@pytest.mark.parametrize("case", CLAIM_CASES)
@pytest.mark.parametrize(("surface", "path"), [(surfaces.WEB, "/api/web/v1/jobs"), (surfaces.LEADS, "/api/v1/jobs")])
def test_signed_jwt_with_bad_claims_is_a_401(case, surface, path, owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed(**bad_claims(owner.user.pk)[case])}")
    response = client.get(path)
    assert response.status_code == 401
    assert set(response.json()) == error_keys(surface, 401)


def test_signed_jwt_with_well_typed_claims_authenticates(owner):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed(sub=str(owner.user.pk))}")
    assert client.get("/api/web/v1/jobs").status_code == 200


def test_expired_jwt_is_still_a_401(owner):
    past = int((datetime.now(UTC) - timedelta(hours=2)).timestamp())
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {signed(sub=str(owner.user.pk), iat=past, exp=past + 60)}")
    assert client.get("/api/web/v1/jobs").status_code == 401


# ------------------------------------------------------------------------------
# Wrong method
# ------------------------------------------------------------------------------
SAMPLE_VALUES = {"uuid": str(uuid.UUID(int=1)), "id": "1", "int": "1", "slug": "x", "str": "x", "path": "x"}
CONVERTER = re.compile(r"<(?:(\w+):)?\w+>")


def concrete(path: str) -> str:
    return CONVERTER.sub(lambda match: SAMPLE_VALUES[match.group(1) or "str"], path)


def api_routes():
    return [route for route in iter_routes() if is_api_path(route.path)]


def test_every_api_route_has_a_surface():
    assert [route.name for route in api_routes() if route.surface is None] == []


def test_a_wrong_method_is_a_405_naming_the_allowed_methods_on_every_route(db):
    client = APIClient()
    wrong = []
    for route in api_routes():
        unsupported = [method for method in METHOD_ORDER if method not in route.methods]
        if not unsupported:
            continue
        response = client.generic(unsupported[0], concrete(route.path))
        allowed = {method.strip() for method in response.get("Allow", "").split(",")}
        body = response.json()
        text = " ".join(str(value) for value in body.values())
        if not (
            response.status_code == 405
            and set(route.methods) <= allowed
            and all(method in text for method in route.methods)
            and set(body) == error_keys(route.surface, 405)
        ):
            wrong.append((route.name, unsupported[0], response.status_code, response.get("Allow"), body))
    assert wrong == []


def test_a_django_405_page_on_an_api_path_keeps_its_allow_header(rf):
    middleware = ApiErrorPageMiddleware(lambda request: HttpResponseNotAllowed(["GET"]))
    response = middleware(rf.post("/api/v1/jobs"))
    assert (response.status_code, response["Allow"]) == (405, "GET")
