"""Classic DRF findings: NUL bytes, huge ids, oversized bodies, HTML error pages."""

import pytest

from ..leads_factories import TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plumbing_urls")]

LIST = "/api/v1/plumbing/targets"


def test_nul_byte_in_query_string_is_400_in_surface_shape(owner):
    response = owner.client().get(f"{LIST}?search=a%00b")
    assert response.status_code == 400
    assert set(response.json()) == {"error", "message"}


def test_huge_id_is_404_not_a_database_overflow(owner):
    response = owner.client().get(f"{LIST}/{'9' * 30}")
    assert response.status_code == 404


def test_id_just_past_bigint_is_404(owner):
    response = owner.client().get(f"{LIST}/9223372036854775808")
    assert response.status_code == 404


def test_unknown_api_path_is_json_404_in_surface_shape(owner):
    response = owner.client().get("/api/social/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"message"}


def test_unknown_web_path_is_json_with_type(owner):
    response = owner.client().get("/api/web/v1/nothing-here")
    assert response.json()["type"] == "not_found"


def test_wrong_method_is_405_json(owner):
    response = owner.client().delete(LIST)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")


def test_oversized_body_is_413(api_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = '{"username": "' + "x" * 5000 + '", "password": "p"}'
    response = api_client.post("/api/web/v1/auth/login", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["type"] == "payload_too_large"


def test_malformed_json_is_400_not_500(api_client):
    response = api_client.post("/api/web/v1/auth/login", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_json_array_body_is_a_4xx(api_client):
    response = api_client.post("/api/web/v1/auth/login", "[1, 2]", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_nul_byte_in_json_string_is_refused(api_client):
    response = api_client.post(
        "/api/web/v1/auth/register",
        {"username": "a\u0000b", "email": "x@example.com", "password": "a-long-enough-passphrase"},
        format="json",
    )
    assert response.status_code == 422


def test_page_size_over_the_maximum_is_400(owner):
    TargetFactory(advertiser=owner.advertiser)
    response = owner.client().get(f"{LIST}?per_page=100000")
    assert response.status_code == 400
    assert "per_page" in response.json()["message"]


def test_unexpected_error_is_500_in_surface_shape(owner, monkeypatch):
    from tests.api import plumbing

    def explode(self, queryset):
        raise RuntimeError("boom")

    monkeypatch.setattr(plumbing.TenantViewSet, "refine_queryset", explode)
    client = owner.client()
    client.raise_request_exception = False
    response = client.get(LIST)
    assert response.status_code == 500
    assert response.json() == {"error": "Internal server error", "message": "Internal server error"}
