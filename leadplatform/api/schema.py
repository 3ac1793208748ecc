"""OpenAPI generation: each operation tagged with its surface and given its error responses."""
from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

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
        return statuses

    def _map_serializer(self, serializer, direction, bypass_extensions=False):
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
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
                "content": {"application/json": {"schema": surface.error_schema(status)}},
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
        return {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "Access token from /api/web/v1/auth/login."}
