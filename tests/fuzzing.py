"""What the schemathesis runs share: the schema, the checks every response must pass, the bounds."""

from __future__ import annotations

from collections.abc import Callable

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from schemathesis.specs.openapi import checks as openapi_checks

#: Every check schemathesis makes of a response: no server error, and the status code, content
#: type, headers and body as the OpenAPI document declares them for that operation.
RESPONSE_CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]

#: The stateful phase adds the checks that compare responses across steps: a deleted resource is
#: gone, a created one can be fetched.
STATEFUL_CHECKS = [
    *RESPONSE_CHECKS,
    openapi_checks.use_after_free,
    openapi_checks.ensure_resource_availability,
]

#: Fixtures are function-scoped on purpose (each example sees fresh rows); filtering and slow
#: examples are expected with generated query strings and uploads.
SUPPRESSED_HEALTH_CHECKS = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much]


def platform_schema(keep: Callable[[str], bool] = lambda path: True):
    """The platform's OpenAPI document, called in-process, with the operations whose path `keep` accepts.

    `include(path_regex=…)` does not narrow the pytest collection in this schemathesis version, so
    the paths are filtered in the loaded document itself."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    schema.raw_schema["paths"] = {path: item for path, item in schema.raw_schema["paths"].items() if keep(path)}
    return schema


def lift_rate_limits(settings) -> None:
    """Fuzzing sends many requests per operation: lift the per-user limits for it."""
    settings.API_RATES = {key: "100000/hour" for key in settings.API_RATES}
