"""Site pages (not the APIs) while Redis or the broker is unreachable: a 503 page, never a 500."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .api.dependencies import DEPENDENCY_ERRORS, DependencyUnavailable
from .api.middleware import is_api_path


class DependencyOutagePageMiddleware:
    """An outage of a backing service under a site page answers 503 with Retry-After.

    The API surfaces map the same errors to their own JSON 503 (leadplatform/api/exceptions.py).
    """

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_api_path(request.path) or not isinstance(exception, (*DEPENDENCY_ERRORS, DependencyUnavailable)):
            return None
        response = render(request, "503.html", status=503)
        response["Retry-After"] = str(settings.DEPENDENCY_RETRY_AFTER_SECONDS)
        return response
