"""Webhooks: registration, job events and signed deliveries (Standard Webhooks).

A job event creates one `WebhookDelivery` per subscribed endpoint and enqueues it after
commit. Each attempt POSTs the JSON body signed with HMAC-SHA256 over
`{webhook-id}.{webhook-timestamp}.{body}` (key: the endpoint secret after its `whsec_`
prefix, base64-decoded). Only a 2xx is success; redirects are not followed; other answers
and network errors are retried with exponential backoff and jitter, never sooner than
Retry-After; 410 Gone disables the endpoint. See docs/webhooks.md.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import tomllib
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from leadplatform.domain import InvalidInput
from leadplatform.site_url import platform_base_url
from leads import events, outbound
from leads.api.social.serializers import STATUS_WORDS as SOCIAL_STATUS
from leads.api.v1.serializers import STATUS_WORDS as LEADS_STATUS
from leads.models import ScrapeJob, Webhook, WebhookDelivery
from leads.web.jobs import SURFACE_STATUS as WEB_STATUS

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"
SIGNATURE_VERSION = "v1"
#: Receivers should refuse messages whose timestamp is further than this from their clock.
TIMESTAMP_TOLERANCE_SECONDS = 5 * 60
#: A claimed attempt is not started again by another worker for this long.
ATTEMPT_LEASE_SECONDS = 120
EVENTS = tuple(Webhook.Event.values)


# --- signing -----------------------------------------------------------------------


def generate_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def _key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return f"{SIGNATURE_VERSION},{base64.b64encode(digest).decode()}"


@lru_cache(maxsize=1)
def user_agent() -> str:
    """`LeadPlatform-Webhooks/<version>`, the version of pyproject.toml: receivers can tell who calls."""
    try:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as file:
            version = tomllib.load(file)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        version = "unknown"
    return f"LeadPlatform-Webhooks/{version}"


def signature_headers(secret: str, message_id: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "Content-Type": "application/json",
        "User-Agent": user_agent(),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, message_id, timestamp, body),
    }


def verify(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> bool:
    """What a receiver does (docs/webhooks.md): recompute, compare in constant time, check the clock."""
    lowered = {key.lower(): value for key, value in headers.items()}
    message_id, timestamp = lowered.get("webhook-id", ""), lowered.get("webhook-timestamp", "")
    if not message_id or not timestamp.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TIMESTAMP_TOLERANCE_SECONDS:
        return False
    expected = sign(secret, message_id, int(timestamp), body).split(",", 1)[1]
    for candidate in lowered.get("webhook-signature", "").split():
        version, _, value = candidate.partition(",")
        if version == SIGNATURE_VERSION and hmac.compare_digest(value, expected):
            return True
    return False


# --- registration ------------------------------------------------------------------


def register_webhook(*, advertiser, user, url: str, events: list[str]) -> Webhook:
    try:
        outbound.check_url(url)
    except outbound.OutboundError as exc:
        raise InvalidInput({"webhook_url": [str(exc)]}) from None
    with transaction.atomic():
        # Lock the advertiser's row so two concurrent registrations cannot pass the cap together.
        type(advertiser).objects.select_for_update().filter(pk=advertiser.pk).first()
        if (
            Webhook.objects.for_advertiser(advertiser.pk).filter(active=True).count()
            >= settings.WEBHOOK_MAX_PER_ADVERTISER
        ):
            raise InvalidInput(
                {"webhook_url": [f"At most {settings.WEBHOOK_MAX_PER_ADVERTISER} webhooks per account."]}
            )
        return Webhook.objects.create(
            advertiser=advertiser,
            created_by=user,
            url=url,
            events=list(dict.fromkeys(events)),
            secret=generate_secret(),
        )


def rotate_secret(webhook: Webhook) -> str:
    """Give the endpoint a new signing secret and return it; every attempt from now on, retries
    of earlier events included, is signed with it."""
    webhook.secret = generate_secret()
    webhook.save(update_fields=["secret_encrypted", "secret_prefix"])
    return webhook.secret


# --- events ------------------------------------------------------------------------


def _surface_of(job: ScrapeJob) -> tuple[str, Any, str, str, str]:
    """(surface base, the id that surface takes, its status word, job path, results path) of a job."""
    if job.kind == ScrapeJob.Kind.WEB:
        job_id = str(job.public_id)
        return (
            "/api/web/v1",
            job_id,
            WEB_STATUS[job.status],
            reverse("web:job-detail", args=[job_id]),
            reverse("web:results", args=[job_id]),
        )
    if job.kind == ScrapeJob.Kind.GROUP_POSTS:
        return (
            "/api/social",
            job.pk,
            SOCIAL_STATUS[job.status],
            reverse("social:tasks-detail", args=[job.pk]),
            reverse("social:tasks-result", args=[job.pk]),
        )
    return (
        "/api/v1",
        job.pk,
        LEADS_STATUS[job.status],
        reverse("v1:jobs-detail", args=[job.pk]),
        f"{reverse('v1:leads-list')}?job_id={job.pk}",
    )


def job_event_data(job: ScrapeJob) -> dict[str, Any]:
    """The `data` of a job event, for every job kind: the id its own surface takes (an integer on
    /api/v1 and /api/social, the UUID on /api/web/v1), that surface's status word, the reason of a
    failure, the counts, and absolute URLs of the job and of its results."""

    def stamp(value):
        return value.isoformat().replace("+00:00", "Z") if value else None

    surface, job_id, status, job_path, results_path = _surface_of(job)
    site = platform_base_url()
    return {
        "id": job_id,
        "surface": surface,
        "kind": job.kind,
        "url": job.url or None,
        "status": status,
        "error": job.error or None,
        "progress": job.progress,
        "items_scraped": job.items_scraped,
        "items_failed": job.items_failed,
        "leads_stored": job.leads_stored,
        "job_url": site + job_path,
        "results_url": site + results_path,
        "created_at": stamp(job.created_at),
        "started_at": stamp(job.started_at),
        "completed_at": stamp(job.completed_at),
    }


def emit_job_event(job: ScrapeJob, event: str, data: dict[str, Any] | None = None) -> list[int]:
    """The job's event (`job.completed`, `job.failed`) to its advertiser's endpoints: see `emit_event`."""
    return emit_event(job.advertiser_id, event, data if data is not None else job_event_data(job))


def emit_event(advertiser_id: int, event: str, data: dict[str, Any]) -> list[int]:
    """Record one delivery per active endpoint of the advertiser subscribed to `event`,
    and send them once the surrounding transaction commits. Returns the delivery ids."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    endpoints = [
        webhook
        for webhook in Webhook.objects.for_advertiser(advertiser_id).filter(active=True)
        if event in (webhook.events or [])
    ]
    if not endpoints:
        return []
    payload = {"type": event, "timestamp": timezone.now().isoformat().replace("+00:00", "Z"), "data": data}
    deliveries = WebhookDelivery.objects.bulk_create(
        [WebhookDelivery(webhook=webhook, event=event, payload=payload) for webhook in endpoints]
    )
    ids = [delivery.pk for delivery in deliveries]

    transaction.on_commit(lambda: events.webhook_deliveries_ready.send(sender=WebhookDelivery, delivery_ids=ids))
    return ids


# --- delivery ----------------------------------------------------------------------


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the next attempt of a pending delivery whose time has come (conditional UPDATE).
    None when it is done, not due yet, or another worker holds it."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now + timedelta(seconds=1)),
        pk=delivery_id,
        status=WebhookDelivery.Status.PENDING,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(seconds=ATTEMPT_LEASE_SECONDS))
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("webhook").get(pk=delivery_id)


def _body(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()


def _finish(delivery: WebhookDelivery, *, status: str, response_status: int | None, error: str = "", **extra) -> None:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status, response_status=response_status, last_error=error[:500], **extra
    )


def attempt_delivery(delivery_id: int) -> float | None:
    """Make one attempt. Returns the seconds until the next attempt, or None when there is none."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    webhook = delivery.webhook
    if not webhook.active:
        _finish(delivery, status=WebhookDelivery.Status.FAILED, response_status=None, error="Endpoint disabled.")
        return None
    body = _body(delivery)
    headers = signature_headers(webhook.secret, f"msg_{delivery.message_id.hex}", body)
    try:
        response = outbound.request(
            "POST",
            webhook.url,
            headers=headers,
            data=body,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            max_bytes=64 * 1024,
            follow_redirects=False,
        )
    except outbound.BlockedDestination as exc:
        _finish(delivery, status=WebhookDelivery.Status.FAILED, response_status=None, error=_at(webhook, exc))
        return None
    except outbound.OutboundError as exc:
        return _retry_or_fail(delivery, response_status=None, error=_at(webhook, exc), retry_after=None)

    if response.ok:
        _finish(
            delivery,
            status=WebhookDelivery.Status.SUCCEEDED,
            response_status=response.status,
            delivered_at=timezone.now(),
            next_attempt_at=None,
        )
        return None
    if response.status == 410:
        with transaction.atomic():
            Webhook.objects.filter(pk=webhook.pk).update(
                active=False, disabled_reason="The endpoint answered 410 Gone."
            )
            _finish(
                delivery,
                status=WebhookDelivery.Status.FAILED,
                response_status=410,
                error="410 Gone: endpoint disabled.",
                next_attempt_at=None,
            )
        return None
    return _retry_or_fail(
        delivery,
        response_status=response.status,
        error=_at(webhook, f"answered HTTP {response.status}."),
        retry_after=response.retry_after,
    )


def _at(webhook: Webhook, problem: Exception | str) -> str:
    """An attempt's error naming the endpoint's host, e.g. "hooks.example.com: the request timed out."."""
    text = str(problem)
    return f"{urlsplit(webhook.url).hostname or '?'}: {text[:1].lower()}{text[1:]}"


def _retry_or_fail(
    delivery: WebhookDelivery, *, response_status: int | None, error: str, retry_after: float | None
) -> float | None:
    if delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        _finish(
            delivery,
            status=WebhookDelivery.Status.FAILED,
            response_status=response_status,
            error=error,
            next_attempt_at=None,
        )
        return None
    delay = min(
        settings.WEBHOOK_MAX_RETRY_DELAY_SECONDS,
        outbound.backoff_delay(
            delivery.attempts,
            base=settings.WEBHOOK_RETRY_BASE_SECONDS,
            cap=settings.WEBHOOK_MAX_RETRY_DELAY_SECONDS,
            retry_after=retry_after,
        ),
    )
    _finish(
        delivery,
        status=WebhookDelivery.Status.PENDING,
        response_status=response_status,
        error=error,
        next_attempt_at=timezone.now() + timedelta(seconds=delay),
    )
    return delay


def overdue_delivery_ids(grace_seconds: int = 5 * 60) -> list[int]:
    """Pending deliveries whose retry message was lost (worker crash, broker restart)."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    return list(
        WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING)
        .filter(Q(next_attempt_at__lte=cutoff) | Q(next_attempt_at__isnull=True, created_at__lte=cutoff))
        .values_list("pk", flat=True)[:1000]
    )
