"""Serializer behaviour shared by every surface."""
from __future__ import annotations

from collections.abc import Mapping

from rest_framework import serializers


class RejectUnknownFieldsMixin:
    """A request body naming a field this serializer does not accept is refused, never silently dropped.

    A misspelt or unsupported key ("schedule" where none exists, "max_post") would otherwise
    look accepted while doing nothing. Rendered in the surface's validation status (the
    exception handler), and the OpenAPI request schema says `additionalProperties: false`.

    Read-only fields are known: a client may send back what it read (DRF ignores them).
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)
