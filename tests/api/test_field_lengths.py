"""Every text a request writes fits its database column: the bounds come from the models.

The write routes (POST, PUT, PATCH) are read off the URLconf with their request serializers,
as the OpenAPI document lists them. A route whose view has a queryset writes that model: each
writable text field whose source names one of its CharFields (SlugField, URLField and
EmailField are CharFields) must refuse a value one character longer than the column. A route
without one writes through a service: `WRITES_TO` says which column each stored field goes to,
and `STORES_NO_TEXT` lists the request bodies that store no text; a new write route fails
`test_every_write_route_is_bounded_by_a_model` until it is in one of them.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import models
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from leads.models import ScrapeJob

WRITE_METHODS = ("POST", "PUT", "PATCH")

# Each stored text field of a request body and the column it goes to, where the view's model and
# the field's name do not say it (service-backed routes, or a field written to a second column).
WRITES_TO = {
    "SocialTaskCreateSerializer": {"group_name": "leads.ScrapeJob.name"},  # the job's name too, the shorter
    "RegisterSerializer": {"username": "accounts.User.username", "email": "accounts.User.email"},
    "RegisterRequestSerializer": {"username": "accounts.User.username", "email": "accounts.User.email"},
    "NetworkApprovalRequestSerializer": {
        "network_id": "accounts.SocialAccount.network_id",
        "network_url": "accounts.SocialAccount.url",
    },
    "BackendSocialWallRequestSerializer": {"wall_url": "accounts.SocialAccount.url"},
    "BackendNotificationRequestSerializer": {
        "message": "accounts.Notification.message",
        "type": "accounts.Notification.type",
    },
    "BackendBanRequestSerializer": {"reason": "accounts.Publisher.ban_reason"},
    "BackendCustomTaskRequestSerializer": {
        "title": "tasks.Task.title",
        "description": "tasks.Task.description",
        "requirements": "tasks.Task.requirements",
    },
    "BackendTaskActionRequestSerializer": {"reason": "tasks.Task.rejection_reason"},
    "CompleteTaskUploadSerializer": {"post_url": "tasks.Submission.post_url"},
    "WebhookCreateSerializer": {"webhook_url": "leads.Webhook.url"},
}

# Request bodies that store no text column: lookups, filters, credentials, choices and numbers.
STORES_NO_TEXT = {
    "BackendAdvertiserRangeRequestSerializer",
    "BackendAdvertiserRequestSerializer",
    "BackendCampaignIdRequestSerializer",
    "BackendCampaignListRequestSerializer",
    "BackendCampaignScopeRequestSerializer",
    "BackendCampaignSettingsRequestSerializer",
    "BackendCampaignStatsRequestSerializer",
    "BackendCampaignStatusRequestSerializer",
    "BackendCitiesRequestSerializer",
    "BackendDateRangeRequestSerializer",
    "BackendEmailRequestSerializer",
    "BackendExchangeRequestSerializer",
    "BackendInvoiceListRequestSerializer",
    "BackendTaskIdRequestSerializer",
    "BackendTaskListRequestSerializer",
    "BackendUserIdRequestSerializer",
    "CampaignIdRequestSerializer",
    "CampaignListRequestSerializer",
    "CampaignRequestSerializer",
    "CollectSerializer",  # bounded by hand in leads/intel/beacons.py, to its own tables' columns
    "IntelTokenRequestSerializer",
    "LoginSerializer",
    "NotificationListRequestSerializer",
    "NotificationReadRequestSerializer",
    "PublicCampaignListRequestSerializer",
    "TaskIdRequestSerializer",
    "TaskListRequestSerializer",
    "TokenRequestSerializer",
}


@cache
def write_routes() -> tuple[tuple[str, str, type[serializers.BaseSerializer], type[models.Model] | None], ...]:
    """(method, path, request serializer class, the model of the view's queryset or None) per write route."""
    generator = SchemaGenerator()
    generator._initialise_endpoints()
    routes = []
    for path, _regex, method, callback in generator.endpoints:
        if method not in WRITE_METHODS:
            continue
        view = generator.create_view(callback, method)
        request_serializer = view.schema.get_request_serializer()
        # One serializer, or one per media type ({"multipart/form-data": …}), or no body.
        by_media_type = request_serializer.values() if isinstance(request_serializer, dict) else [request_serializer]
        queryset = getattr(view, "queryset", None)
        for serializer in by_media_type:
            if serializer is not None:
                serializer_class = serializer if isinstance(serializer, type) else type(serializer)
                routes.append((method, path, serializer_class, queryset.model if queryset is not None else None))
    return tuple(routes)


def request_serializer(serializer_class: type[serializers.BaseSerializer]) -> serializers.BaseSerializer:
    # Some serializers narrow their fields by the caller: a platform principal sees them all.
    return serializer_class(context={"principal": SimpleNamespace(is_platform=True, advertiser_id=None)})


def text_fields(serializer: serializers.Serializer):
    """The writable CharFields (RegexField, URLField, EmailField … included) of a serializer, by name."""
    for name, field in serializer.fields.items():
        if not field.read_only and isinstance(field, serializers.CharField):
            yield name, field


def model_text_column(model: type[models.Model], source: str) -> models.CharField | None:
    try:
        column = model._meta.get_field(source)
    except Exception:
        return None
    return column if isinstance(column, models.CharField) and column.max_length else None


def column_named(dotted: str) -> models.CharField:
    app_label, model_name, field_name = dotted.split(".")
    return apps.get_model(app_label, model_name)._meta.get_field(field_name)


def bounded_fields() -> list[tuple[str, serializers.CharField, models.CharField]]:
    """(where, field, column) for every request field the database bounds."""
    found = []
    for method, path, serializer_class, model in write_routes():
        serializer = request_serializer(serializer_class)
        declared = WRITES_TO.get(serializer_class.__name__, {})
        for name, field in text_fields(serializer):
            if name in declared:
                column = column_named(declared[name])
            elif model is not None:
                column = model_text_column(model, field.source)
            else:
                column = None
            if column is not None:
                found.append((f"{method} {path} {serializer_class.__name__}.{name}", field, column))
    return found


def refuses(field: serializers.Field, value: str) -> bool:
    try:
        field.run_validation(value)
    except ValidationError as refusal:
        return "max_length" in refusal.get_codes()
    return False


def test_the_walk_finds_the_write_routes_of_every_surface():
    prefixes = {path.split("/")[2] for _method, path, _serializer, _model in write_routes()}
    assert {"v1", "social", "web", "intel", "app", "campaign", "task"} <= prefixes


def test_the_walk_finds_columns_to_check():
    assert len(bounded_fields()) >= 20


@pytest.mark.django_db
def test_every_text_field_refuses_one_character_more_than_its_column():
    too_long = [
        f"{where} (column {column.model.__name__}.{column.name}, {column.max_length})"
        for where, field, column in bounded_fields()
        if not refuses(field, "a" * (column.max_length + 1))
    ]
    assert too_long == []


def test_every_declared_field_and_column_exists():
    request_fields = {
        serializer_class.__name__: set(request_serializer(serializer_class).fields)
        for _method, _path, serializer_class, _model in write_routes()
    }
    missing = [
        f"{serializer}.{name} -> {column}"
        for serializer, columns in WRITES_TO.items()
        for name, column in columns.items()
        if name not in request_fields.get(serializer, ()) or not column_named(column).max_length
    ]
    assert missing == []


def test_every_write_route_is_bounded_by_a_model():
    unknown = sorted(
        {
            serializer_class.__name__
            for _method, _path, serializer_class, model in write_routes()
            if model is None
            and serializer_class.__name__ not in WRITES_TO
            and serializer_class.__name__ not in STORES_NO_TEXT
        }
    )
    assert unknown == []


# ------------------------------------------------------------------------------
# One column end to end: the group-post task's name
# ------------------------------------------------------------------------------
# A new task's group name is stored as its job's name too: the shorter column bounds it.
GROUP_NAME_LENGTH = min(ScrapeJob._meta.get_field(name).max_length for name in ("group_name", "name"))


@pytest.mark.django_db
def test_a_group_name_one_character_over_its_column_is_a_422(owner):
    body = {"group_id": "123", "group_name": "g" * (GROUP_NAME_LENGTH + 1), "max_posts": 10}
    response = owner.client().post("/api/social/tasks", body, format="json")
    assert (response.status_code, list(response.json()["errors"])) == (422, ["group_name"])


@pytest.mark.django_db
def test_a_group_name_as_long_as_its_column_is_stored(owner):
    body = {"group_id": "123", "group_name": "g" * GROUP_NAME_LENGTH, "max_posts": 10}
    assert owner.client().post("/api/social/tasks", body, format="json").status_code == 201
