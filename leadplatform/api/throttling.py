"""Exact fixed-window rate limits counted in the shared counter store.

DRF's cache throttles read, modify and write a history list, so concurrent requests race
(encode/django-rest-framework#5181). Here each request is one atomic increment.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from accounts.principal import principal_of

from .counters import DatabaseCounterStore, counter_store
from .dependencies import DependencyUnavailable

PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class RateLimitState:
    limit: int
    remaining: int
    reset: int  # epoch seconds when the window ends

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }


def parse_rate(rate: str) -> tuple[int, int]:
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


class CountedThrottle(BaseThrottle):
    """Counts one request against `scope` for the identity given by `identity()`."""

    scope: str | None = None
    #: Whose requests one count covers, as the API documentation says it.
    per = "per caller (user, application or client address)"

    def get_scope(self, view) -> str | None:
        return self.scope

    def identity(self, request, view) -> str | None:
        principal = principal_of(request)
        if principal.user is not None:
            return f"user:{principal.user.pk}"
        if principal.application is not None:
            return f"app:{principal.application.pk}"
        return f"ip:{self.get_ident(request)}"

    def allow_request(self, request, view) -> bool:
        scope = self.get_scope(view)
        rate = settings.API_RATES.get(scope) if scope else None
        identity = self.identity(request, view) if rate else None
        if not rate or identity is None:
            return True
        limit, period = parse_rate(rate)
        now = time.time()
        window = int(now // period)
        count = self.count(f"rl:{scope}:{identity}:{window}", ttl=period + 1)
        reset = (window + 1) * period
        self._wait = max(1, math.ceil(reset - now))
        state = RateLimitState(limit, max(0, limit - count), reset)
        current = getattr(request, "_ratelimit", None)
        if current is None or state.remaining < current.remaining:
            request._ratelimit = state
        return count <= limit

    def count(self, key: str, ttl: int) -> int:
        """Count this request; an unreachable store raises DependencyUnavailable (503): never fail open."""
        return counter_store().incr(key, ttl=ttl)

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class SurfaceRateThrottle(CountedThrottle):
    """The per-principal limit of the view's surface (settings.API_RATES[surface.key])."""

    def get_scope(self, view) -> str | None:
        explicit = getattr(view, "throttle_scope", None)
        if explicit:
            return explicit
        surface = getattr(view, "surface", None)
        return surface.key if surface else None


class DatabaseFallbackRateThrottle(SurfaceRateThrottle):
    """The surface limit, counted in the database while Redis is unreachable.

    For the few routes that must answer during an outage (the health report): still limited,
    never open, and not a 503 because of the very dependency they report on.
    """

    def count(self, key: str, ttl: int) -> int:
        try:
            return super().count(key, ttl)
        except DependencyUnavailable:
            return DatabaseCounterStore().incr(key, ttl=ttl)


class CredentialAccountThrottle(CountedThrottle):
    """Login and token endpoints: per submitted account name, stricter than the API."""

    scope = "credentials"
    per = "per account name"

    def identity(self, request, view) -> str | None:
        data = request.data if isinstance(request.data, Mapping) else {}
        login = data.get("username") or data.get("email")
        return f"login:{str(login).strip().lower()[:150]}" if login else None


class CredentialIPThrottle(CountedThrottle):
    """Login and token endpoints: per client address."""

    scope = "credentials-ip"
    per = "per client address"

    def identity(self, request, view) -> str | None:
        return f"ip:{self.get_ident(request)}"
