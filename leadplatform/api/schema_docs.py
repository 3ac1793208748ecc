"""What the OpenAPI document tells integrators: each operation's texts and the notes all share.

Each surface keeps its operations' summary, description and request examples in its own
`schema_docs.py` (`OPERATIONS`, keyed by operationId), so views stay free of prose and no code
docstring becomes documentation. `SurfaceAutoSchema` adds to every description how to
authenticate, the rate limit and the errors, worked out from the view itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module

from django.conf import settings
from drf_spectacular.utils import OpenApiExample

from .surfaces import ERROR_TITLES
from .throttling import parse_rate

DOC_MODULES = (
    "campaigns.api.app.schema_docs",
    "campaigns.api.backend.schema_docs",
    "leads.api.v1.schema_docs",
    "leads.api.social.schema_docs",
    "leads.api.web.schema_docs",
    "leads.intel.api.schema_docs",
)


@dataclass(frozen=True)
class OperationDoc:
    summary: str
    description: str
    examples: tuple[OpenApiExample, ...] = field(default=())


def doc(summary: str, description: str, *examples: OpenApiExample) -> OperationDoc:
    return OperationDoc(summary, " ".join(description.split()), examples)


def request_example(name: str, value, media_type: str = "application/json") -> OpenApiExample:
    return OpenApiExample(name, value=value, summary=name, request_only=True, media_type=media_type)


@cache
def operation_docs() -> dict[str, OperationDoc]:
    docs: dict[str, OperationDoc] = {}
    for module in DOC_MODULES:
        docs.update(import_module(module).OPERATIONS)
    return docs


# ------------------------------------------------------------------------------
# Notes every operation carries
# ------------------------------------------------------------------------------
SCHEME_PHRASES = {
    "apiToken": "an API token as `Authorization: Bearer <token>` (`Token <token>` or the bare token work too)",
    "jwt": "a JWT access token from `POST /api/web/v1/auth/login` as `Authorization: Bearer <access_token>`",
    "clientId": "the application's client id in `X-Client-Id`",
    "clientSecret": "its client secret in `X-Client-Secret`",
    "clientBasic": "the client id and secret as HTTP Basic",
}
# With the application's credentials, the API token is the influencer's.
PUBLISHER_TOKEN = "the influencer's token from `POST /api/app/token/` as `Authorization: Bearer <token>`"

ERROR_MEANINGS = {
    400: "invalid parameters or body; the field errors name each field",
    401: "missing or invalid credentials",
    403: "these credentials may not do this (a viewer's token, a suspended advertiser, a refused account)",
    404: "no such object, or it belongs to another advertiser",
    409: "the object's current state does not allow this",
    413: "the body is too large",
    415: "the body's media type is not accepted",
    422: "validation failed; the field errors name each field",
    429: "rate limit reached; wait the seconds in `Retry-After`",
}

PERIOD_NAMES = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}


def _and(phrases: list[str]) -> str:
    return phrases[0] if len(phrases) == 1 else f"{', '.join(phrases[:-1])} and {phrases[-1]}"


def auth_note(security: list[dict] | None) -> str:
    alternatives = []
    for requirement in security or []:
        if not requirement:
            alternatives.append("none")
            continue
        names = list(requirement)
        phrases = [
            PUBLISHER_TOKEN if name == "apiToken" and "clientId" in names else SCHEME_PHRASES.get(name, f"`{name}`")
            for name in names
        ]
        alternatives.append(_and(phrases))
    if not alternatives:
        return "**Authentication:** none; anyone may call it."
    return f"**Authentication:** {'; or '.join(alternatives)}."


def rate_note(throttles) -> str:
    limits = []
    for throttle, scope in throttles:
        rate = settings.API_RATES.get(scope) if scope else None
        if not rate:
            continue
        count, period = parse_rate(rate)
        limits.append(f"{count} requests per {PERIOD_NAMES.get(period, f'{period} seconds')} {throttle.per}")
    if not limits:
        return "**Rate limit:** none."
    return (
        f"**Rate limit:** {', and '.join(limits)}. Answers carry `X-RateLimit-Limit`, `X-RateLimit-Remaining` "
        "and `X-RateLimit-Reset`; past the limit the answer is 429 with `Retry-After` in seconds."
    )


def errors_note(responses: dict, error_component: str | None) -> str:
    statuses = sorted(int(status) for status in responses if status.isdigit() and int(status) >= 400)
    if not statuses:
        return ""
    items = "\n".join(
        f"- {status} {ERROR_TITLES.get(status, 'Error')}"
        + (f": {ERROR_MEANINGS[status]}." if status in ERROR_MEANINGS else ".")
        for status in statuses
    )
    shape = f" (bodies in the `{error_component}` shape)" if error_component else ""
    return f"**Errors**{shape}:\n\n{items}"
