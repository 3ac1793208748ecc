"""Fast rendering of hot list endpoints: `Meta.fields` read by attribute access.

DRF's per-field machinery costs more than the query on a page of small rows. Output equals
the ModelSerializer's own for the field types used (tests compare them per serializer):
relations as ids unless a nested serializer is declared, datetimes as UTC with Z.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import models


def utc_iso(value: datetime | None) -> str | None:
    """As DRF renders a datetime with TIME_ZONE = UTC: ISO 8601 ending in Z."""
    if value is None:
        return None
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class PlainRepresentation:
    """Mixed in before `serializers.ModelSerializer`: renders `Meta.fields` by attribute access."""

    #: Nested serializers (also PlainRepresentation) by field name: (class, many, source attribute).
    plain_nested: dict[str, tuple[type, bool, str]] = {}
    _plan: list[tuple[str, str, object]] | None = None

    @classmethod
    def plain_plan(cls) -> list[tuple[str, str, object]]:
        if cls.__dict__.get("_plan") is None:
            plan = []
            for name in cls.Meta.fields:
                if name in cls.plain_nested:
                    plan.append((name, "nested", cls.plain_nested[name]))
                    continue
                field = cls.Meta.model._meta.get_field(name)
                if field.is_relation:
                    plan.append((name, "attr", field.attname))
                elif isinstance(field, models.DateTimeField):
                    plan.append((name, "datetime", name))
                else:
                    plan.append((name, "attr", name))
            cls._plan = plan
        return cls._plan

    @classmethod
    def plain_columns(cls) -> list[str]:
        """The model columns the representation reads: `QuerySet.values(*columns)` rows can be
        rendered instead of model instances when nothing is nested."""
        return [how for _, kind, how in cls.plain_plan() if kind != "nested"]

    def to_representation(self, instance):
        return plain_representation(type(self), instance)


def plain_representation(serializer_class: type, instance) -> dict:
    if isinstance(instance, dict):  # a `values()` row
        return {
            name: utc_iso(instance[how]) if kind == "datetime" else instance[how]
            for name, kind, how in serializer_class.plain_plan()
        }
    data = {}
    for name, kind, how in serializer_class.plain_plan():
        if kind == "attr":
            data[name] = getattr(instance, how)
        elif kind == "datetime":
            data[name] = utc_iso(getattr(instance, how))
        else:
            nested_class, many, source = how
            value = getattr(instance, source)
            if many:
                data[name] = [plain_representation(nested_class, item) for item in value]
            else:
                data[name] = None if value is None else plain_representation(nested_class, value)
    return data
