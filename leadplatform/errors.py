"""Project-wide 403/404/500 handlers: JSON in the surface's shape on API paths, HTML elsewhere."""

from django.http import HttpRequest, HttpResponse
from django.views import defaults

from leadplatform.api.exceptions import json_error_for_path
from leadplatform.api.middleware import is_api_path
from leadplatform.api.surfaces import ApiError


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path):
        return json_error_for_path(
            request.path, ApiError(403, "You do not have permission to perform this action.", "permission_denied")
        )
    return defaults.permission_denied(request, exception)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api_path(request.path):
        return json_error_for_path(request.path, ApiError(404, "Not found."))
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_path(request.path):
        return json_error_for_path(request.path, ApiError(500, "Internal server error", "internal_error"))
    return defaults.server_error(request)
