"""`Idempotency-Key` on money-moving POSTs.

The first request with a key is processed and its response stored; a retry with the same
key and the same payload gets the stored response again (header `Idempotent-Replayed: true`);
the same key with another payload is a 422. Failed requests (any error) leave no record, so
the client may retry them.

A request in progress holds a lease of IDEMPOTENCY_LEASE_SECONDS: a retry meanwhile is a 409.
The handler's work and its stored response commit in one transaction, and only while the
lease is still this request's; so a request that died with its process (SIGKILL, a worker
timeout) changed nothing, and once its lease has expired exactly one retry takes the key over
(a conditional UPDATE) and runs.
"""

from __future__ import annotations

import hashlib
import json
import math
import uuid
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from accounts.principal import principal_of

from .exceptions import Conflict, Unprocessable
from .models import IdempotencyKey

HEADER = "Idempotency-Key"
#: How long a key is remembered; retries come within minutes, this leaves a day.
KEY_LIFETIME = timedelta(hours=24)
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
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


class KeyInProgress(Conflict):
    """409 with Retry-After: when the lease of the request holding the key runs out."""

    def __init__(self, record: IdempotencyKey, now) -> None:
        super().__init__("A request with this Idempotency-Key is still being processed.")
        remaining = (record.locked_until - now).total_seconds() if record.locked_until else 0
        self.wait = max(1, math.ceil(remaining))


class LeaseLost(Conflict):
    default_detail = "A retry took this Idempotency-Key over; nothing was done. Retry to get its result."


def claim_key(owner: str, key: str, route: str, digest: str) -> tuple[IdempotencyKey, bool]:
    """(record, claimed): a new key or an expired lease is claimed; a finished key is returned for replay.

    Raises Unprocessable for another payload, Conflict while another request holds the lease.
    """
    now = timezone.now()
    lease = {"lease_token": uuid.uuid4(), "locked_until": now + timedelta(seconds=settings.IDEMPOTENCY_LEASE_SECONDS)}
    # A key past its lifetime is forgotten even before beat purges it.
    IdempotencyKey.objects.filter(owner=owner, key=key, created_at__lt=now - KEY_LIFETIME).delete()
    record, created = IdempotencyKey.objects.get_or_create(
        owner=owner, key=key, defaults={"route": route, "request_digest": digest, **lease}
    )
    if created:
        return record, True
    if record.route != route or record.request_digest != digest:
        raise Unprocessable("This Idempotency-Key was already used with a different request.")
    if record.response_status is not None:
        return record, False
    # Of concurrent retries after the lease expired, the one whose UPDATE matches takes over.
    taken_over = (
        IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
        .update(**lease)
    )
    if not taken_over:
        raise KeyInProgress(record, now)
    for field, value in lease.items():
        setattr(record, field, value)
    return record, True


def _held(record: IdempotencyKey):
    return IdempotencyKey.objects.filter(pk=record.pk, lease_token=record.lease_token)


def _run_under_lease(record: IdempotencyKey, run):
    """Run the handler; commit its work together with the stored response, only if the lease is still ours."""
    try:
        with transaction.atomic():
            response = run()
            if response.status_code >= 400:
                _held(record).delete()
                return response
            # Stored as the JSON the client received (Decimal amounts become numbers, as rendered).
            body = json.loads(json.dumps(response.data, cls=JSONEncoder))
            if not _held(record).update(response_status=response.status_code, response_body=body, locked_until=None):
                raise LeaseLost()
            return response
    except LeaseLost:
        raise
    except BaseException:
        _held(record).delete()
        raise


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
        record, claimed = claim_key(_owner(request), key, route, request_digest(request, route))
        if not claimed:
            return Response(
                record.response_body, status=record.response_status, headers={"Idempotent-Replayed": "true"}
            )
        return _run_under_lease(record, lambda: handler(view, request, *args, **kwargs))

    wrapper.error_statuses = (409, 422)  # documented by leadplatform.api.schema
    return wrapper


def purge_expired_keys() -> int:
    """Forget keys older than KEY_LIFETIME (run by beat)."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - KEY_LIFETIME).delete()
    return deleted
