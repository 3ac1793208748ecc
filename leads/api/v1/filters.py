"""Query-string filters of /api/v1/ lists (django-filter; bad values are a 400 in the social lead API's shape)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field

from leads.models import ContentItem, Lead, Platform, ScrapeJob, Target

from .serializers import STATUSES_OF_WORD

BOOLEAN_WORDS = {"true": True, "false": False, "1": True, "0": False}


@extend_schema_field(OpenApiTypes.INT64)
class IntegerFilter(django_filters.NumberFilter):
    """Ids and counts: whole numbers only, documented as integers."""

    field_class = forms.IntegerField


@extend_schema_field(OpenApiTypes.BOOL)
class BooleanWordFilter(django_filters.TypedChoiceFilter):
    """true/false (or 1/0), documented as a boolean."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [(word, word) for word in BOOLEAN_WORDS])
        kwargs.setdefault("coerce", lambda word: BOOLEAN_WORDS[word])
        super().__init__(*args, **kwargs)


class JobFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=[(word, word) for word in STATUSES_OF_WORD],
        method="filter_status",
        help_text="queued, running, finished or failed.",
    )

    class Meta:
        model = ScrapeJob
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=STATUSES_OF_WORD[value])


class TargetFilter(django_filters.FilterSet):
    type = django_filters.ChoiceFilter(field_name="target_type", choices=Target.Type.choices)

    class Meta:
        model = Target
        fields: list[str] = []


class PresentFiltersFilterSet(django_filters.FilterSet):
    """Binds only the filters the query string names (each filter here reads the parameter of
    its own name). An absent filter changes nothing, so its form field is neither copied
    nor validated, and the form class of each combination of names is built once (django-filter
    builds a new one, a metaclass run over every field, on each request)."""

    def __init__(self, data=None, *args, **kwargs):
        if data is not None:
            # Shadows the class's filters for this instance: FilterSet.__init__ deep-copies these.
            self.base_filters = {name: filter_ for name, filter_ in type(self).base_filters.items() if name in data}
        super().__init__(data, *args, **kwargs)

    def get_form_class(self):
        cls = type(self)
        if "_form_classes" not in cls.__dict__:
            cls._form_classes = {}
        names = frozenset(self.filters)
        if names not in cls._form_classes:
            cls._form_classes[names] = super().get_form_class()
        return cls._form_classes[names]


class LeadFilter(PresentFiltersFilterSet):
    outreach_ready = BooleanWordFilter(help_text="true or false.")
    source_type = django_filters.ChoiceFilter(choices=Target.Type.choices)
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    username = django_filters.CharFilter(method="filter_username", max_length=200)
    job_id = IntegerFilter(field_name="job_id", min_value=1, max_value=10**18)
    min_followers = IntegerFilter(field_name="followers", lookup_expr="gte", min_value=0, max_value=10**15)
    max_followers = IntegerFilter(field_name="followers", lookup_expr="lte", min_value=0, max_value=10**15)
    search = django_filters.CharFilter(method="filter_search", max_length=100, help_text="In username, name or bio.")

    #: Filters the kept counts answer exactly (see LeadsCountedPagination).
    COUNTED = frozenset({"outreach_ready", "source_type", "platform"})

    class Meta:
        model = Lead
        fields: list[str] = []

    def filter_username(self, queryset, name, value):
        return queryset.filter(username=value.strip().lstrip("@").lower())

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value) | Q(bio__icontains=value))


def lead_filter_parameters() -> list[OpenApiParameter]:
    """The leads list's filters as OpenAPI parameters, for routes that are not the list itself."""
    kinds = {IntegerFilter: OpenApiTypes.INT64, BooleanWordFilter: OpenApiTypes.BOOL}
    return [
        OpenApiParameter(
            name,
            kinds.get(type(filter_), OpenApiTypes.STR),
            enum=[value for value, _ in filter_.extra["choices"]]
            if type(filter_) is django_filters.ChoiceFilter
            else None,
            description=filter_.extra.get("help_text", ""),
        )
        for name, filter_ in LeadFilter.base_filters.items()
    ]


class ContentAnalysisFilter(django_filters.FilterSet):
    platform = django_filters.ChoiceFilter(choices=Platform.choices)
    username = django_filters.CharFilter(method="filter_username", max_length=200)
    job_id = IntegerFilter(field_name="job_id", min_value=1, max_value=10**18)

    class Meta:
        model = ContentItem
        fields: list[str] = []

    def filter_username(self, queryset, name, value):
        return queryset.filter(username=value.strip().lstrip("@").lower())


class RememberingFilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that leaves the bound filterset on the view (the pagination reads it)."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not filterset_class.base_filters.keys() & request.query_params.keys():
            return queryset  # nothing to validate or apply: skip building the filter form
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid() and self.raise_exception:
            raise utils.translate_validation(filterset.errors)
        view.filterset = filterset
        return filterset.qs
