"""One exception handler for every surface: normalise the error, render it in the surface's shape."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from leadplatform.domain import InvalidInput, RuleRefused

from .dependencies import DEPENDENCY_ERRORS, DependencyUnavailable
from .surfaces import ApiError, Surface, surface_for_path

logger = logging.getLogger("leadplatform.api")


class Conflict(exceptions.APIException):
    """A business rule refused the request (wrong state, already done)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the current state."
    default_code = "conflict"


class Unprocessable(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The request could not be processed."
    default_code = "unprocessable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def _flatten(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            text = _flatten(value)
            return text if key in ("non_field_errors", "detail") else f"{key}: {text}"
        return ""
    if isinstance(detail, list):
        return _flatten(detail[0]) if detail else ""
    return str(detail)


def _as_api_error(exc: exceptions.APIException, surface: Surface | None) -> ApiError:
    code = exc.get_codes()
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        status_code = surface.validation_status if surface else 400
        return ApiError(status_code, _flatten(exc.detail) or "Invalid request data", "validation_error", errors)
    return ApiError(exc.status_code, _flatten(exc.detail), code if isinstance(code, str) else "error")


def _translate_django_exception(exc: Exception) -> Exception:
    if isinstance(exc, RuleRefused):
        return Conflict(str(exc))
    if isinstance(exc, InvalidInput):
        return exceptions.ValidationError(exc.errors)
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, TooManyFieldsSent | SuspiciousOperation):
        return exceptions.ParseError("The request could not be read.")
    if isinstance(exc, DEPENDENCY_ERRORS):
        logger.warning("A backing service is unreachable: %s", exc)
        return DependencyUnavailable()
    return exc


def render_error(surface: Surface | None, error: ApiError, headers: dict | None = None) -> Response:
    body = surface.error_body(error) if surface else {"detail": error.message}
    return Response(body, status=error.status, headers=headers)


def surface_exception_handler(exc: Exception, context: dict) -> Response:
    view = context.get("view")
    request = context.get("request")
    surface = getattr(view, "surface", None) or (surface_for_path(request.path) if request else None)
    exc = _translate_django_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        logger.exception("Unexpected error in %s", getattr(request, "path", "?"), exc_info=exc)
        return render_error(surface, ApiError(500, "Internal server error", "internal_error"))
    response = drf_exception_handler(exc, context)
    headers = {key: value for key, value in response.items() if key in ("Retry-After", "WWW-Authenticate")}
    error = _as_api_error(exc, surface)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        error = ApiError(response.status_code, error.message, error.code)
    return render_error(surface, error, headers)


def json_error_for_path(path: str, error: ApiError) -> JsonResponse:
    """An error outside DRF (URL not found, crash before the view) on an API path."""
    surface = surface_for_path(path)
    body = surface.error_body(error) if surface else {"detail": error.message}
    return JsonResponse(body, status=error.status)
