"""schemathesis over the campaign app operations, sent with the application's credentials and an
influencer's token so the fuzzing reaches the views: no 5xx, responses as documented."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi import checks as openapi_checks

from .factories import CampaignFactory, TaskFactory

APP_PATHS = ("/api/get/", "/api/action/", "/api/app/")

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# `include(path_regex=…)` does not narrow the pytest collection in this schemathesis version: keep the paths here.
schema.raw_schema["paths"] = {
    path: item for path, item in schema.raw_schema["paths"].items() if path.startswith(APP_PATHS)
}

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
]


@pytest.fixture
def app_headers(app_credentials, publisher, settings) -> dict:
    settings.API_RATES = {key: "100000/hour" for key in settings.API_RATES}
    campaign = CampaignFactory(pk=1)
    TaskFactory(pk=1, campaign=campaign, publisher=publisher.user.publisher)
    return {
        "X-Client-Id": app_credentials[0],
        "X-Client-Secret": app_credentials[1],
        "Authorization": f"Bearer {publisher.token}",
    }


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@settings(
    deadline=None,
    max_examples=10,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_campaign_app_fuzz(case, app_headers, keep_test_connection):
    case.call_and_validate(headers=app_headers, checks=CHECKS)
