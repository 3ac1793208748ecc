"""`POST /api/intel/v1/collect/` without DRF, nor most of Django's middleware, on its common case.

`CollectFastLaneMiddleware` (right after SecurityMiddleware) looks at requests to the route. A well-formed beacon of an active, not held site, with Redis at hand, is validated by hand
(`beacons.clean_beacon`), counted against both throttles and queued in one Redis round trip, and
answered here. Everything else (another method, an oversized or malformed body or one holding a NUL, an unknown or held
site, a content type or charset the parsers would treat otherwise, no Redis) goes to `CollectView`,
through the rest of the middleware, which answers exactly as before; the fast lane counts nothing
before it decides, so nothing is counted twice. Its answers carry the same body and headers as the
full stack's (a test compares them).
"""

from __future__ import annotations

import json
import math
import time
from functools import lru_cache

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from rest_framework.exceptions import Throttled
from rest_framework.throttling import BaseThrottle

from leadplatform.api.dependencies import DEPENDENCY_ERRORS
from leadplatform.api.throttling import RateLimitState, parse_rate

from .. import services
from ..beacon_queue import beacon_queue
from ..beacons import InvalidBeacon, clean_beacon
from ..sites import active_site
from .throttling import CollectIPThrottle, CollectSiteKeyThrottle
from .views import CollectView, valid_ip

JSON_MEDIA_TYPES = ("application/json", "text/plain")
UTF8 = ("utf-8", "utf8")
RENDERABLE = ("*/*", "application/*", "application/json")
ALLOWED_METHODS = ", ".join(CollectView().allowed_methods)
_identity = BaseThrottle().get_ident


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")  # NaN and Infinity: the strict parser's 400


@lru_cache(maxsize=16)
def _rate(rate: str) -> tuple[int, int]:
    return parse_rate(rate)


def _readable_body(request: HttpRequest) -> bytes | None:
    """The body if CollectView's parsers would read it as UTF-8 JSON within the size limit."""
    meta = request.META
    try:
        length = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if length > CollectView.max_body_bytes:
        return None
    media_type, *params = meta.get("CONTENT_TYPE", "").split(";")
    if media_type.strip().lower() not in JSON_MEDIA_TYPES:
        return None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in UTF8:
            return None
    accept = meta.get("HTTP_ACCEPT")
    if accept and not any(media in accept for media in RENDERABLE):
        return None
    body = request.body
    if body.count(b"[") + body.count(b"{") > settings.API_MAX_JSON_DEPTH:
        return None  # the parser's nesting check decides
    if b"\\u0000" in body:
        return None  # the parser refuses a NUL anywhere, even in a key the beacon ignores
    return body


def _parsed(body: bytes):
    try:
        return json.loads(body.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None


class ThrottleWindow:
    """One throttle's fixed window, keyed and timed as CountedThrottle keys and times it."""

    def __init__(self, scope: str, identity: str, now: float) -> None:
        self.limit, period = _rate(settings.API_RATES[scope])
        window = int(now // period)
        self.key, self.ttl = f"rl:{scope}:{identity}:{window}", period + 1
        self.reset = (window + 1) * period
        self.wait = max(1, math.ceil(self.reset - now))

    def state(self, count: int) -> RateLimitState:
        return RateLimitState(self.limit, max(0, self.limit - count), self.reset)


def _accept_quickly(request: HttpRequest) -> HttpResponse | None:
    queue = beacon_queue()
    rates = settings.API_RATES
    if queue is None or CollectIPThrottle.scope not in rates or CollectSiteKeyThrottle.scope not in rates:
        return None
    body = _readable_body(request)
    data = _parsed(body) if body is not None else None
    if not isinstance(data, dict):
        return None
    raw_key = data.get("site_key")
    if not isinstance(raw_key, str) or not 0 < len(raw_key) <= 64:
        return None  # the per-key throttle would not count it: CollectView decides
    try:
        site, batch = clean_beacon(data, active_site)
    except InvalidBeacon:
        return None
    if site.is_held:
        return None
    now, identity = time.time(), _identity(request)
    address = ThrottleWindow(CollectIPThrottle.scope, f"ip:{identity}", now)
    per_key = ThrottleWindow(CollectSiteKeyThrottle.scope, f"site:{raw_key}", now)
    beacon = services.queued_beacon(site.pk, valid_ip(identity), request.META.get("HTTP_USER_AGENT", ""), batch)
    try:
        key_count, address_count, queued, publish = queue.count_and_queue(
            (per_key.key, per_key.ttl, per_key.limit), (address.key, address.ttl, address.limit), beacon
        )
    except DEPENDENCY_ERRORS:
        return None  # CollectView answers the outage (503)
    if publish:
        transaction.on_commit(services.publish_drain, robust=True)
    if queued:
        response = HttpResponse(b'{"accepted":%d}' % len(batch["actions"]), status=202, content_type="application/json")
    else:
        waits = [
            counter.wait for counter, count in ((address, address_count), (per_key, key_count)) if count > counter.limit
        ]
        response = _throttled(max(waits))
    states = [address.state(address_count), per_key.state(key_count)]
    tightest = states[1] if states[1].remaining < states[0].remaining else states[0]
    return _with_headers(response, tightest)


def _with_headers(response: HttpResponse, state: RateLimitState) -> HttpResponse:
    """What DRF and the skipped middleware would add (rate limit, Allow, frame options, length)."""
    for header, value in state.headers().items():
        response[header] = value
    response["Allow"] = ALLOWED_METHODS
    response["X-Frame-Options"] = getattr(settings, "X_FRAME_OPTIONS", "DENY").upper()
    response["Content-Length"] = str(len(response.content))
    return response


def _throttled(wait: int) -> HttpResponse:
    refusal = Throttled(wait)
    response = JsonResponse({"detail": str(refusal.detail)}, status=refusal.status_code)
    response["Retry-After"] = str(int(refusal.wait))
    return response


@lru_cache(maxsize=1)
def collect_paths() -> frozenset[str]:
    path = reverse("intel:collect")
    return frozenset((path, path.rstrip("/")))


class CollectFastLaneMiddleware:
    """Serves the common collect request itself; every other request goes on unchanged."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path_info in collect_paths() and not request.META.get("QUERY_STRING"):
            response = _accept_quickly(request)
            if response is not None:
                return response
        return self.get_response(request)
