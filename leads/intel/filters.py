"""Query-string filters of the intel lists, and `?saved_filter=ID` that fills them from a saved filter."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef, Q
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from accounts.principal import principal_of

from .models import Company, Person, SavedFilter, VisitSession
from .scores import rank_threshold

MAX_ID = 2**63 - 1
MAX_SAVED_FILTER_KEYS = 20


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    """A database id: an integer in bigint range (a larger one is a 400, not an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 moment, in UTC: PostgreSQL refuses offsets beyond ±15:59, which ISO allows."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError("Enter a moment between the years 1 and 9999 (UTC).") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def own_saved_filters(request):
    principal = principal_of(request)
    queryset = SavedFilter.objects.for_principal(principal)
    return queryset if principal.is_platform else queryset.filter(user=principal.user)


class IntelFilterSet(filters.FilterSet):
    saved_filter = IdFilter(
        method="filter_saved_filter",
        help_text="Apply one of your saved filters; query parameters given explicitly take precedence.",
    )
    date_from = UtcDateTimeFilter(method="filter_date_from", help_text="From this time (UTC), inclusive.")
    date_to = UtcDateTimeFilter(method="filter_date_to", help_text="Up to this time (UTC), inclusive.")
    company = IdFilter(field_name="company_id", help_text="Company id.")
    person = IdFilter(method="filter_person", help_text="Person id.")
    domain = filters.CharFilter(field_name="company__domain", lookup_expr="iexact", max_length=253)
    country = filters.CharFilter(
        field_name="company__country", lookup_expr="iexact", max_length=2, help_text="ISO 3166-1 alpha-2."
    )
    turnover = IdFilter(field_name="company__turnover_id", help_text="Turnover id.")
    magnitude = IdFilter(field_name="company__magnitude_id", help_text="Magnitude id.")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        if data is not None and request is not None and data.get("saved_filter"):
            data = self._with_saved_filter(data, request)
        super().__init__(data, queryset, request=request, prefix=prefix)

    @staticmethod
    def _with_saved_filter(data, request):
        try:
            saved_id = int(data["saved_filter"])
        except (TypeError, ValueError):
            return data  # the field's own validation answers 400
        saved = own_saved_filters(request).filter(pk=saved_id).first() if 0 < saved_id <= MAX_ID else None
        if saved is None:
            raise ValidationError({"saved_filter": ["Saved filter not found."]})
        merged = data.copy()
        for key, value in saved.filters.items():
            if key not in data:
                merged[key] = str(value)
        return merged

    def filter_saved_filter(self, queryset, name, value):
        return queryset  # already merged into the other parameters in __init__

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(started_at__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(started_at__lte=value)

    def filter_person(self, queryset, name, value):
        return queryset.filter(person_id=value)


class SessionFilter(IntelFilterSet):
    site = IdFilter(field_name="site_id", help_text="Site id.")

    class Meta:
        model = VisitSession
        fields: list[str] = []


class CompanyFilter(IntelFilterSet):
    """Date range and person go through the caller's own sessions and persons."""

    company = IdFilter(field_name="pk", help_text="Company id.")
    domain = filters.CharFilter(field_name="domain", lookup_expr="iexact", max_length=253)
    country = filters.CharFilter(
        field_name="country", lookup_expr="iexact", max_length=2, help_text="ISO 3166-1 alpha-2."
    )
    turnover = IdFilter(field_name="turnover_id", help_text="Turnover id.")
    magnitude = IdFilter(field_name="magnitude_id", help_text="Magnitude id.")

    score_min = filters.NumberFilter(
        method="filter_score_min", min_value=0, help_text="Only companies scoring at least this much now."
    )

    class Meta:
        model = Company
        fields: list[str] = []

    def filter_score_min(self, queryset, name, value):
        return queryset.filter(score_rank__gte=rank_threshold(float(value)))

    def _visits(self, **conditions):
        sessions = VisitSession.objects.for_principal(principal_of(self.request))
        return Exists(sessions.filter(company=OuterRef("pk"), **conditions))

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(self._visits(started_at__gte=value))

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(self._visits(started_at__lte=value))

    def filter_person(self, queryset, name, value):
        persons = Person.objects.for_principal(principal_of(self.request))
        return queryset.filter(Exists(persons.filter(pk=value, company=OuterRef("pk"))))


class PersonFilter(IntelFilterSet):
    domain = filters.CharFilter(method="filter_domain", max_length=253, help_text="E-mail or company domain.")

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(last_seen_at__gte=value)

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(first_seen_at__lte=value)

    def filter_person(self, queryset, name, value):
        return queryset.filter(pk=value)

    def filter_domain(self, queryset, name, value):
        return queryset.filter(Q(domain__iexact=value) | Q(company__domain__iexact=value))


SAVED_FILTER_KEYS = frozenset(SessionFilter.base_filters) - {"saved_filter"}


def clean_saved_filters(value: Any) -> dict[str, str]:
    """A saved filter's parameters: known names only, each valid as a query parameter."""
    if not isinstance(value, dict):
        raise ValidationError("Must be an object of filter parameters.")
    if len(value) > MAX_SAVED_FILTER_KEYS:
        raise ValidationError(f"At most {MAX_SAVED_FILTER_KEYS} parameters.")
    unknown = sorted(set(value) - SAVED_FILTER_KEYS)
    if unknown:
        allowed = ", ".join(sorted(SAVED_FILTER_KEYS))
        raise ValidationError(f"Unknown filter parameters: {', '.join(unknown)}. Allowed: {allowed}.")
    cleaned = {}
    for key, raw in value.items():
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            raise ValidationError({key: ["Must be a string or an integer."]})
        cleaned[key] = str(raw)
    form = SessionFilter(data=cleaned, queryset=VisitSession.objects.none()).form
    if not form.is_valid():
        raise ValidationError({key: [str(error) for error in errors] for key, errors in form.errors.items()})
    return cleaned
