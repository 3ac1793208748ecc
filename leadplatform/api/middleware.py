"""Guards for API paths: refuse NUL bytes early, never answer an HTML error page."""
from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from .exceptions import json_error_for_path
from .surfaces import ApiError


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(("/api/docs", "/api/redoc", "/api/openapi"))


class ApiRequestGuardMiddleware:
    """NUL bytes in the query string reach PostgreSQL as a 500 (a classic DRF finding): 400 here."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_api_path(request.path):
            query = request.META.get("QUERY_STRING", "")
            if "%00" in query or "\x00" in query or "\x00" in request.path:
                return json_error_for_path(request.path, ApiError(400, "The query string contains a NUL byte."))
        return self.get_response(request)


class ApiErrorPageMiddleware:
    """Django's own HTML 404/405/500 pages become the surface's JSON error on API paths."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and is_api_path(request.path)
            and response.get("Content-Type", "").startswith("text/html")
        ):
            message = {404: "Not found.", 405: "Method not allowed."}.get(response.status_code, "Request failed.")
            if response.status_code >= 500:
                message = "Internal server error"
            return json_error_for_path(request.path, ApiError(response.status_code, message))
        return response
