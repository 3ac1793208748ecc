"""`Idempotency-Key` on money-moving POSTs (RELIABILITY 19).

The first request with a key is processed and its response stored; a retry with the same
key and the same payload gets the stored response again (header `Idempotent-Replayed: true`);
the same key with another payload is a 422. A request still being processed under the key
is a 409. Failed requests (any error) leave no record, so the client may retry them.
"""
from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from accounts.principal import principal_of
from leadplatform.api.exceptions import Conflict, Unprocessable

from .models import IdempotencyKey

HEADER = "Idempotency-Key"
#: How long a key is remembered; retries come within minutes, this leaves a day.
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Retry-safe key: a repeat with the same key and payload replays the first response; "
                "the same key with another payload is refused with 422.",
)


def _owner(request) -> str:
    principal = principal_of(request)
    if principal.user is not None:
        return f"user:{principal.user.pk}"
    if principal.application is not None:
        return f"app:{principal.application.pk}"
    raise exceptions.NotAuthenticated()


def _fingerprint(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    return value


def request_digest(request, route: str) -> str:
    data = request.data
    if hasattr(data, "lists"):
        payload = {key: [_fingerprint(v) for v in values] for key, values in data.lists()}
    else:
        payload = data
    canonical = json.dumps({"route": route, "body": payload}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotent(handler):
    """Decorate a view's `post` so an Idempotency-Key header makes it safe to retry."""

    @wraps(handler)
    def wrapper(view, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return handler(view, request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > MAX_KEY_LENGTH:
            raise exceptions.ValidationError({HEADER: f"Give 1 to {MAX_KEY_LENGTH} characters."})
        route = request.resolver_match.view_name if request.resolver_match else request.path
        digest = request_digest(request, route)
        owner = _owner(request)
        # A key past its lifetime is forgotten even before beat purges it.
        IdempotencyKey.objects.filter(owner=owner, key=key, created_at__lt=timezone.now() - KEY_LIFETIME).delete()
        record, created = IdempotencyKey.objects.get_or_create(
            owner=owner, key=key, defaults={"route": route, "request_digest": digest}
        )
        if not created:
            if record.route != route or record.request_digest != digest:
                raise Unprocessable("This Idempotency-Key was already used with a different request.")
            if record.response_status is None:
                raise Conflict("A request with this Idempotency-Key is still being processed.")
            return Response(record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"})
        try:
            response = handler(view, request, *args, **kwargs)
        except BaseException:
            record.delete()
            raise
        if response.status_code >= 400:
            record.delete()
            return response
        record.response_status = response.status_code
        # Stored as the JSON the client received (Decimal amounts become numbers, as rendered).
        record.response_body = json.loads(json.dumps(response.data, cls=JSONEncoder))
        record.save(update_fields=["response_status", "response_body"])
        return response

    return wrapper


def purge_expired_keys() -> int:
    """Forget keys older than KEY_LIFETIME (run by beat)."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
    return deleted
