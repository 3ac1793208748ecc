"""The OpenAPI schema validates cleanly, and schemathesis fuzzes every operation."""

import pytest
from django.core.management import call_command
from hypothesis import settings
from openapi_spec_validator import validate

from accounts import services

from ..factories import StaffFactory
from ..fuzzing import RESPONSE_CHECKS, SUPPRESSED_HEALTH_CHECKS, lift_rate_limits, platform_schema


def test_spectacular_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.json"))


def test_every_operation_is_tagged_with_its_surface(client):
    schema = client.get("/api/openapi.json").json()
    untagged = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if not operation.get("tags")
    ]
    assert untagged == []


def test_every_operation_declares_429(client):
    schema = client.get("/api/openapi.json").json()
    missing = [
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "429" not in operation["responses"]
    ]
    assert missing == []


def test_schema_passes_the_openapi_spec_validator(client):
    validate(client.get("/api/openapi.json").json())


def _operations(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            yield f"{method.upper()} {path}", operation


def test_each_request_body_has_one_media_type(client):
    schema = client.get("/api/openapi.json").json()
    several = [
        name for name, operation in _operations(schema) if len(operation.get("requestBody", {}).get("content", {})) > 1
    ]
    assert several == []


def test_error_responses_share_one_component_per_surface(client):
    schema = client.get("/api/openapi.json").json()
    references: dict[str, set] = {}
    for _, operation in _operations(schema):
        references.setdefault(operation["tags"][0], set())
        for status, response in operation["responses"].items():
            if status.startswith("4") and "content" in response:
                references[operation["tags"][0]].add(response["content"]["application/json"]["schema"].get("$ref"))
    assert all(len(refs) == 1 and None not in refs for refs in references.values()), references


LEADS_SURFACE_DELETES = (
    "/api/v1/connectors/{id}",
    "/api/v1/jobs/{id}",
    "/api/v1/jobs/{id}/schedule",
    "/api/v1/targets/{id}",
)


@pytest.mark.parametrize("path", LEADS_SURFACE_DELETES)
def test_lead_surface_deletes_document_the_200_they_answer(client, path):
    responses = client.get("/api/openapi.json").json()["paths"][path]["delete"]["responses"]
    assert ("200" in responses, "204" in responses) == (True, False)


EXPORT_ROUTES = (
    "/api/v1/leads/export",
    "/api/web/v1/results/{job_id}/export",
    "/api/v1/exports/{export_id}/download",
    "/api/web/v1/exports/{export_id}/download",
)


def _export_file_content(client, path: str) -> dict:
    return client.get("/api/openapi.json").json()["paths"][path]["get"]["responses"]["200"]["content"]


@pytest.mark.parametrize("path", EXPORT_ROUTES)
def test_exports_declare_each_format_under_its_media_type_text_first(client, path):
    assert list(_export_file_content(client, path)) == [
        "text/csv",
        "application/x-ndjson",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/json",
    ]


@pytest.mark.parametrize("path", EXPORT_ROUTES)
def test_json_exports_are_documented_as_an_array_of_objects(client, path):
    schema = _export_file_content(client, path)["application/json"]["schema"]
    assert (schema["type"], schema["items"]["type"]) == ("array", "object")


@pytest.mark.parametrize("path", EXPORT_ROUTES)
def test_only_xlsx_exports_are_documented_as_binary(client, path):
    binary = [
        media_type
        for media_type, media in _export_file_content(client, path).items()
        if media["schema"].get("format") == "binary"
    ]
    assert binary == ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]


def test_client_credentials_are_two_api_keys_or_basic_on_the_credential_routes(client):
    schema = client.get("/api/openapi.json").json()
    assert schema["paths"]["/api/app/token/"]["post"]["security"] == [
        {"clientId": [], "clientSecret": []},
        {"clientBasic": []},
    ]
    basic = schema["components"]["securitySchemes"]["clientBasic"]
    assert (basic["type"], basic["scheme"]) == ("http", "basic")


def test_docs_pages_render_offline(client):
    for path in ("/api/docs", "/api/redoc"):
        response = client.get(path)
        assert response.status_code == 200
        assert b"cdn" not in response.content.lower()


schema = platform_schema()


@pytest.fixture
def platform_token(db, settings) -> str:
    lift_rate_limits(settings)
    return services.issue_token(StaffFactory(), name="fuzz")[1]


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@settings(deadline=None, suppress_health_check=SUPPRESSED_HEALTH_CHECKS)
def test_api_fuzz(case, platform_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {platform_token}"}, checks=RESPONSE_CHECKS)
