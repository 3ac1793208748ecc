"""The companies list's cursor pages: newest first (the surface's default) or hottest first."""

from __future__ import annotations

from django.db import models
from rest_framework.exceptions import ValidationError

from leadplatform.api.pagination import IntelCursorPagination

ORDERINGS = {"-id": ("-id",), "-score": ("-score_rank", "-id")}


class CompanyCursorPagination(IntelCursorPagination):
    ordering_query_param = "ordering"

    def get_ordering(self, request, queryset, view):
        chosen = request.query_params.get(self.ordering_query_param) or "-id"
        if chosen not in ORDERINGS:
            raise ValidationError({self.ordering_query_param: [f"Choose one of: {', '.join(ORDERINGS)}."]})
        return ORDERINGS[chosen]

    def ordering_field(self):
        if self.ordering[0] == "-score_rank":
            return models.FloatField()
        return super().ordering_field()

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.ordering_query_param,
                "in": "query",
                "required": False,
                "description": "-id: newest first (the default); -score: hottest first.",
                "schema": {"type": "string", "enum": list(ORDERINGS), "default": "-id"},
            },
        ]
