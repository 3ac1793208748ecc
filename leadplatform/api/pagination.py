"""Pagination styles of the surfaces: page/per_page envelopes, skip/limit, cursor."""

from __future__ import annotations

import math
from collections import OrderedDict

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination, CursorPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


def _integer_parameter(name: str, *, minimum: int, default: int, maximum: int | None = None) -> dict:
    """An optional integer query parameter, as the schema lists it."""
    schema = {"type": "integer", "minimum": minimum}
    if maximum is not None:
        schema["maximum"] = maximum
    return {"name": name, "in": "query", "required": False, "schema": {**schema, "default": default}}


def _bounded_int(request, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationError({name: [f"Must be an integer between {minimum} and {maximum}."]}) from None
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"Must be an integer between {minimum} and {maximum}."]})
    return value


class PagePagination(BasePagination):
    """`page` and `per_page` query parameters; subclasses render the envelope."""

    default_per_page = 20
    max_per_page = 100
    max_page = 1_000_000

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.per_page = _bounded_int(request, "per_page", self.default_per_page, 1, self.max_per_page)
        self.page = _bounded_int(request, "page", 1, 1, self.max_page)
        self.total = self.count(queryset)
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 0
        start = (self.page - 1) * self.per_page
        return self.page_rows(queryset, start, start + self.per_page)

    def page_rows(self, queryset, start: int, stop: int) -> list:
        return list(queryset[start:stop])

    def count(self, queryset) -> int:
        return queryset.count()

    def get_schema_operation_parameters(self, view):
        return [
            _integer_parameter("page", minimum=1, default=1),
            _integer_parameter("per_page", minimum=1, maximum=self.max_per_page, default=self.default_per_page),
        ]

    def page_link(self, page: int | None) -> str | None:
        if page is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), "page", page)


class LeadsPagination(PagePagination):
    """The social lead API: `{"success": true, "data": [...], "pagination": {page, per_page, total, pages}}`."""

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                success=True,
                data=data,
                pagination={"page": self.page, "per_page": self.per_page, "total": self.total, "pages": self.pages},
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["success", "data", "pagination"],
            "properties": {
                "success": {"type": "boolean"},
                "data": schema,
                "pagination": {
                    "type": "object",
                    "required": ["page", "per_page", "total", "pages"],
                    "properties": {key: {"type": "integer"} for key in ("page", "per_page", "total", "pages")},
                },
            },
        }


class SocialPagination(PagePagination):
    """The group-post API: `{"status": "success", "data", "meta": {...}, "links": {...}}`, 15 per page."""

    default_per_page = 15

    def get_paginated_response(self, data):
        last_page = max(1, self.pages)
        # Past the end, "prev" is the last page that exists, never a page as far out of range as this one.
        prev_page = min(self.page - 1, last_page) if self.page > 1 else None
        return Response(
            OrderedDict(
                status="success",
                data=data,
                meta={
                    "total": self.total,
                    "per_page": self.per_page,
                    "current_page": self.page,
                    "last_page": last_page,
                },
                links={
                    "first": self.page_link(1),
                    "last": self.page_link(last_page),
                    "prev": self.page_link(prev_page),
                    "next": self.page_link(self.page + 1 if self.page < last_page else None),
                },
            )
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "nullable": True, "format": "uri"}
        return {
            "type": "object",
            "required": ["status", "data", "meta", "links"],
            "properties": {
                "status": {"type": "string"},
                "data": schema,
                "meta": {
                    "type": "object",
                    "properties": {k: {"type": "integer"} for k in ("total", "per_page", "current_page", "last_page")},
                },
                "links": {"type": "object", "properties": {k: link for k in ("first", "last", "prev", "next")}},
            },
        }


class SkipLimitPagination(BasePagination):
    """The web scraper API: `skip` and `limit`; the list itself is a bare array."""

    default_limit = 50
    max_limit = 100

    def paginate_queryset(self, queryset, request, view=None):
        self.skip = _bounded_int(request, "skip", 0, 0, 10_000_000)
        self.limit = _bounded_int(request, "limit", self.default_limit, 1, self.max_limit)
        return list(queryset[self.skip : self.skip + self.limit])

    def get_paginated_response(self, data):
        return Response(data)

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            _integer_parameter("skip", minimum=0, default=0),
            _integer_parameter("limit", minimum=1, maximum=self.max_limit, default=self.default_limit),
        ]


class IntelCursorPagination(CursorPagination):
    """The lead intelligence API: cursor pagination with `next`/`previous` links; stable under inserts."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = ("-id",)
    invalid_cursor_message = "Invalid cursor."
    #: Pages here have no numbers; a client asking for one past the first gets DRF's answer for a page
    #: that does not exist rather than the first page again.
    invalid_page_message = "Invalid page. This list is paged by cursor: follow its next and previous links."

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        if request.query_params.get("page", "1") not in ("", "1"):
            raise NotFound(self.invalid_page_message)
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request):
        """A cursor that does not decode, or whose position is no value of the ordering field, is a 400."""
        try:
            cursor = super().decode_cursor(request)
        except NotFound:
            raise self.invalid_cursor() from None
        if cursor is not None and cursor.position is not None:
            try:
                self.ordering_field().to_python(cursor.position)
            except DjangoValidationError:
                raise self.invalid_cursor() from None
        return cursor

    def ordering_field(self):
        name = self.ordering[0].lstrip("-")
        return self.model._meta.pk if name == "pk" else self.model._meta.get_field(name)

    def invalid_cursor(self) -> ValidationError:
        return ValidationError({self.cursor_query_param: [self.invalid_cursor_message]})
