"""Guards for API paths (and NUL bytes anywhere): refuse them early, never answer an HTML error page."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.urls import get_urlconf, is_valid_path

from .exceptions import json_error_for_path
from .surfaces import ApiError


def is_api_path(path: str) -> bool:
    return path.startswith("/api/") and not path.startswith(("/api/docs", "/api/redoc", "/api/openapi"))


class RequestGuardMiddleware:
    """NUL bytes in the query string reach PostgreSQL as a 500 (API filters, admin searches): 400 here.

    API paths answer in their surface's error shape, the others (admin, pages) with a plain 400.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query or "\x00" in query or "\x00" in request.path:
            message = "The query string contains a NUL byte."
            if is_api_path(request.path):
                return json_error_for_path(request.path, ApiError(400, message))
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)


class ApiSlashMiddleware:
    """An API path answers with and without its trailing slash, directly (no redirect).

    The surfaces keep their contracts' spellings (`/api/v1/jobs`, `/api/intel/v1/sessions/`),
    which differ. When only the other spelling routes, the request is served as if it had
    been written that way; the schema documents the canonical spelling only.
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path_info = request.path_info
        other = path_info[:-1] if path_info.endswith("/") else f"{path_info}/"
        if is_api_path(path_info) or is_api_path(other):
            urlconf = getattr(request, "urlconf", None) or get_urlconf() or settings.ROOT_URLCONF
            if not routes(path_info, urlconf) and routes(other, urlconf):
                request.path = request.path.removesuffix(path_info) + other
                request.path_info = other
        return self.get_response(request)


@lru_cache(maxsize=4096)
def routes(path_info: str, urlconf: str) -> bool:
    """Whether `path_info` resolves in `urlconf`, remembered: the handler resolves each request again, and
    a busy route's path (a list) repeats on every call."""
    return is_valid_path(path_info, urlconf)


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
            error_response = json_error_for_path(request.path, ApiError(response.status_code, message))
            if response.has_header("Allow"):
                error_response["Allow"] = response["Allow"]
            return error_response
        return response


@receiver(setting_changed)
def _forget_routes(*, setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        routes.cache_clear()
