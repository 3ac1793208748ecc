"""The API surfaces: each seed's base URL, error shape and success envelope, written once.

Views declare their surface (see `leadplatform.api.views`); the exception handler, the
error-page middleware, pagination and the OpenAPI schema all read it from there.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

ERROR_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Unprocessable entity",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}


@dataclass(frozen=True)
class ApiError:
    """A normalised error: what every surface renders in its own shape."""

    status: int
    message: str
    code: str = "error"
    errors: dict[str, Any] | None = None

    @property
    def title(self) -> str:
        return ERROR_TITLES.get(self.status, "Error")


class Surface(ABC):
    key: str = ""
    title: str = ""
    prefixes: tuple[str, ...] = ()
    #: Status used for request validation failures.
    validation_status: int = 400

    @abstractmethod
    def error_body(self, error: ApiError) -> dict[str, Any]:
        """The JSON body of an error response on this surface."""

    @abstractmethod
    def error_schema(self) -> dict[str, Any]:
        """OpenAPI schema of `error_body`: one shape that covers every status of the surface."""

    def __repr__(self) -> str:
        return f"<Surface {self.key}>"


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": required}


STRING = {"type": "string"}
ERRORS = {"type": "object", "additionalProperties": True}


class CampaignSurface(Surface):
    """The campaign API, app and backend endpoints: `{"status": "error", "message": …}`.

    Both are POST-only with form or JSON bodies: views parse a body with `parse`, cut a
    list with `paginate` and answer an action with `success_body`.
    """

    def error_body(self, error: ApiError) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "error", "message": error.message}
        if error.errors:
            body["errors"] = error.errors
        return body

    def error_schema(self) -> dict[str, Any]:
        return _object(
            {"status": {"type": "string", "enum": ["error"]}, "message": STRING, "errors": ERRORS},
            ["status", "message"],
        )

    def success_body(self, message: str, **extra: Any) -> dict[str, Any]:
        """`{"status": "success", "message": …}` and whatever the route adds."""
        return {"status": "success", "message": message, **extra}

    @staticmethod
    def parse(serializer_class, data) -> dict[str, Any]:
        """The request body (form or JSON) validated by `serializer_class`; invalid: a validation error."""
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @staticmethod
    def paginate(queryset, params: dict[str, Any]):
        """The page of `queryset` that the parsed `page` and `per_page` name (both from 1)."""
        start = (params["page"] - 1) * params["per_page"]
        return queryset[start : start + params["per_page"]]


class CampaignAppSurface(CampaignSurface):
    key = "campaign-app"
    title = "Campaign app"
    prefixes = ("/api/get/", "/api/action/", "/api/app/")


class CampaignBackendSurface(CampaignSurface):
    key = "campaign-backend"
    title = "Campaign backend"
    prefixes = ("/api/",)


class LeadsSurface(Surface):
    """The social lead API: `{"error": …, "message": …}`; success `{"success": true, "data": …}`."""

    key = "leads"
    title = "Leads (v1)"
    prefixes = ("/api/v1/",)

    def error_body(self, error: ApiError) -> dict[str, Any]:
        title = "Invalid token" if error.status == 401 and error.code == "authentication_failed" else error.title
        body: dict[str, Any] = {"error": title, "message": error.message}
        if error.errors:
            body["errors"] = error.errors
        return body

    def error_schema(self) -> dict[str, Any]:
        return _object({"error": STRING, "message": STRING, "errors": ERRORS}, ["error", "message"])

    @staticmethod
    def envelope(data: Any) -> dict[str, Any]:
        return {"success": True, "data": data}


class SocialSurface(Surface):
    """The group-post API: 401 `{"message": "Unauthenticated"}`, 404 `{"message"}`, others `{"status","message","errors"}`."""

    key = "social"
    title = "Social tasks"
    prefixes = ("/api/social/",)
    validation_status = 422

    def error_body(self, error: ApiError) -> dict[str, Any]:
        if error.status == 401:
            return {"message": "Unauthenticated"}
        if error.status == 404:
            return {"message": error.message}
        if error.status == 422:
            return {"status": "error", "message": "Validation failed", "errors": error.errors or {}}
        if error.status == 403:
            # The documented 403 says only "Unauthorized"; a suspension says why, in the same shape.
            message = error.message if error.code == "advertiser_suspended" else "Unauthorized"
            return {"status": "error", "message": message}
        body: dict[str, Any] = {"status": "error", "message": error.message}
        if error.errors:
            body["errors"] = error.errors
        return body

    def error_schema(self) -> dict[str, Any]:
        # 401 and 404 carry the message only; the others add status, and 422 the field errors.
        return _object({"status": STRING, "message": STRING, "errors": ERRORS}, ["message"])

    @staticmethod
    def envelope(data: Any, message: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"status": "success"}
        if message:
            body["message"] = message
        body["data"] = data
        return body


WEB_ERROR_TYPES = {
    400: "validation_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limit_exceeded",
    500: "internal_error",
    503: "service_unavailable",
}


class WebSurface(Surface):
    """The web scraper API: `{"detail": …, "type": …}`."""

    key = "web"
    title = "Web scraper"
    prefixes = ("/api/web/v1/",)
    validation_status = 422

    def error_body(self, error: ApiError) -> dict[str, Any]:
        detail = "Invalid request data" if error.status in (400, 422) and error.errors else error.message
        body: dict[str, Any] = {"detail": detail, "type": WEB_ERROR_TYPES.get(error.status, "error")}
        if error.errors:
            body["errors"] = error.errors
        return body

    def error_schema(self) -> dict[str, Any]:
        return _object({"detail": STRING, "type": STRING, "errors": ERRORS}, ["detail", "type"])


class IntelSurface(Surface):
    """The lead intelligence API: DRF's own shapes (`{"detail": …}`, field errors by name)."""

    key = "intel"
    title = "Lead intelligence"
    prefixes = ("/api/intel/v1/",)

    def error_body(self, error: ApiError) -> dict[str, Any]:
        if error.errors:
            return dict(error.errors)
        return {"detail": error.message}

    def error_schema(self) -> dict[str, Any]:
        return {"type": "object", "properties": {"detail": STRING}, "additionalProperties": True}


CAMPAIGN_APP = CampaignAppSurface()
CAMPAIGN_BACKEND = CampaignBackendSurface()
LEADS = LeadsSurface()
SOCIAL = SocialSurface()
WEB = WebSurface()
INTEL = IntelSurface()

# Most specific prefix first; the campaign backend owns whatever else is under /api/.
SURFACES: tuple[Surface, ...] = (WEB, LEADS, SOCIAL, INTEL, CAMPAIGN_APP, CAMPAIGN_BACKEND)


def surface_for_path(path: str) -> Surface | None:
    for surface in SURFACES:
        if any(path.startswith(prefix) for prefix in surface.prefixes):
            return surface
    return None
