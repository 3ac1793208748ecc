"""OpenAPI generation: each operation tagged with its surface and given its error responses."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent, get_doc
from rest_framework import serializers

from .schema_docs import auth_note, errors_note, operation_docs, rate_note
from .serializers import RejectUnknownFieldsMixin
from .surfaces import ERROR_TITLES


def only_api_paths(endpoints, **kwargs):
    """Document the API surfaces only (not admin or the web pages)."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if path.startswith("/api/") and not path.startswith(("/api/docs", "/api/redoc", "/api/openapi"))
    ]


class SurfaceAutoSchema(AutoSchema):
    """Texts come from the surfaces' `schema_docs` modules, never from code docstrings."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        written = operation_docs().get(operation["operationId"]) if operation else None
        if written is None:
            return operation
        surface = getattr(self.view, "surface", None)
        error_component = self.error_component_name(surface) if surface else None
        operation["summary"] = written.summary
        notes = [
            auth_note(operation.get("security")),
            rate_note((throttle, throttle.get_scope(self.view)) for throttle in self.view.get_throttles()),
            errors_note(operation["responses"], error_component),
        ]
        operation["description"] = "\n\n".join(text for text in [written.description, *notes] if text)
        return operation

    def get_description(self) -> str:  # type: ignore[override]
        return ""

    def get_examples(self):
        written = operation_docs().get(self.get_operation_id())
        return [*super().get_examples(), *(written.examples if written else ())]

    def get_tags(self) -> list[str]:
        surface = getattr(self.view, "surface", None)
        return [surface.title] if surface else super().get_tags()

    def error_statuses(self) -> list[int]:
        surface = getattr(self.view, "surface", None)
        statuses = [400, 401, 403, 404, 429]
        if surface is not None and surface.validation_status == 422:
            statuses.append(422)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses += [409, 413, 415]
        # A handler decorator that refuses with statuses of its own lists them (e.g. idempotency's 422).
        handler = getattr(self.view, self.method.lower(), None)
        statuses += [status for status in getattr(handler, "error_statuses", ()) if status not in statuses]
        return statuses

    def map_parsers(self) -> list[str]:
        """One request media type per operation: multipart where a file is uploaded, JSON otherwise.

        The views keep accepting what their parsers accept (form data included); listing every parser
        would document the same body several ways, which client generators turn into broken code."""
        media_types = super().map_parsers()
        if "multipart/form-data" in media_types and self._uploads_files():
            return ["multipart/form-data"]
        if "application/json" in media_types:
            return ["application/json"]
        return media_types[:1]

    def _uploads_files(self) -> bool:
        serializer = self.get_request_serializer()
        fields = getattr(serializer, "fields", {}) if isinstance(serializer, serializers.BaseSerializer) else {}
        return any(
            isinstance(field, serializers.FileField) or isinstance(getattr(field, "child", None), serializers.FileField)
            for field in fields.values()
        )

    @staticmethod
    def error_component_name(surface) -> str:
        return "".join(word.capitalize() for word in surface.key.split("-")) + "Error"

    def error_response_schema(self, surface) -> dict:
        """A reference to the surface's error shape, one component shared by all its operations."""
        component = ResolvedComponent(
            name=self.error_component_name(surface),
            type=ResolvedComponent.SCHEMA,
            object=f"error-{surface.key}",
            schema=surface.error_schema(),
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        # A serializer's docstring is written for the code's readers, not for integrators.
        if schema.get("description") and schema["description"] == get_doc(serializer.__class__):
            del schema["description"]
        if direction == "request" and isinstance(serializer, RejectUnknownFieldsMixin):
            schema["additionalProperties"] = False
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        surface = getattr(self.view, "surface", None)
        if surface is None or direction != "response":
            return responses
        for status in self.error_statuses():
            if str(status) in responses:
                continue
            response = {
                "description": ERROR_TITLES.get(status, "Error"),
                "content": {"application/json": {"schema": self.error_response_schema(surface)}},
            }
            if status == 429:
                response["headers"] = {
                    "Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}
                }
            responses[str(status)] = response
        return responses


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "leadplatform.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "API token from /settings/tokens/: `Bearer <token>`, `Token <token>` or the bare token.",
        }


class JwtScheme(OpenApiAuthenticationExtension):
    target_class = "leadplatform.api.authentication.JwtAuthentication"
    name = "jwt"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "JWT",
            "description": "Access token from /api/web/v1/auth/login.",
        }
