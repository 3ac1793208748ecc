"""Serializer behaviour shared by every surface."""

from __future__ import annotations

import re
from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.utils import html

FORM_FIELD_PART = re.compile(r"^([^\[.]+)[\[.]")


class RejectUnknownFieldsMixin:
    """A request body naming a field this serializer does not accept is refused, never silently dropped.

    A misspelt or unsupported key ("schedule" where none exists, "max_post") would otherwise
    look accepted while doing nothing. Rendered in the surface's validation status (the
    exception handler), and the OpenAPI request schema says `additionalProperties: false`.

    Read-only fields are known: a client may send back what it read (DRF ignores them).
    """

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            form = html.is_html_input(data)
            unknown = sorted(str(key) for key in data if not self._is_declared(str(key), form))
            if unknown:
                raise serializers.ValidationError({key: ["Unknown field."] for key in unknown})
        return super().to_internal_value(data)

    def _is_declared(self, key: str, form: bool) -> bool:
        if key in self.fields:
            return True
        # Form bodies spell list and object fields as `name[0]` or `name.key` (DRF parses both).
        part = FORM_FIELD_PART.match(key) if form else None
        return part is not None and part.group(1) in self.fields
