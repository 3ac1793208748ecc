"""HTTP for connectors on top of the shared guarded client (`leads.outbound`).

Adds what a provider API needs beyond one guarded request: a pooled session per
connector, per-credential rate limits from the job's speed mode (counted in the shared
counter store, so every worker process shares one budget), retries with exponential
backoff and jitter that honour `Retry-After`, proxy rotation over the platform's pool,
and JSON decoding that turns a malformed answer into a retryable error instead of a crash.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from leadplatform.api.counters import counter_store
from leads import outbound

from .base import ConnectorError, PermanentConnectorError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeedLimits:
    """A speed mode: requests per second per credential and target units run at once."""

    requests_per_second: float
    concurrency: int

    @classmethod
    def for_mode(cls, mode: str, credential_cap: float | None = None) -> SpeedLimits:
        spec = settings.LEADS_SPEED_MODES.get(mode) or settings.LEADS_SPEED_MODES["normal"]
        rps = float(spec["requests_per_second"])
        if credential_cap:
            rps = min(rps, float(credential_cap))
        return cls(requests_per_second=rps, concurrency=int(spec["concurrency"]))


class RateLimiter:
    """At most `rate` requests per second for one key across every process (fixed one-second windows)."""

    def __init__(self, key: str, rate: float) -> None:
        self.key = key
        self.rate = max(rate, 0.01)

    def acquire(self) -> None:
        # A rate below 1/s is counted over a window long enough to allow one request.
        window = 1.0 if self.rate >= 1 else 1.0 / self.rate
        allowed = max(1, int(self.rate * window))
        store = counter_store()
        while True:
            now = time.time()
            slot = int(now // window)
            if store.incr(f"connector-rate:{self.key}:{slot}", int(window) + 2) <= allowed:
                return
            time.sleep(max(0.01, (slot + 1) * window - now))


class ProxyRotation:
    """Round-robin over the pool's active proxies (`leads.proxies`); a proxy that keeps failing is banned."""

    def __init__(self) -> None:
        from leads import proxies

        self._urls = proxies.active_proxy_urls()
        self._cycle = itertools.cycle(self._urls) if self._urls else None
        self._lock = threading.Lock()

    def next(self) -> str | None:
        if self._cycle is None:
            return None
        with self._lock:
            return next(self._cycle)

    @staticmethod
    def record(url: str, ok: bool) -> None:
        from leads import proxies
        from leads.models import Proxy

        now = timezone.now()
        if ok:
            Proxy.objects.filter(url=url).update(
                success_count=F("success_count") + 1, consecutive_failures=0, last_used_at=now
            )
            return
        Proxy.objects.filter(url=url).update(
            failure_count=F("failure_count") + 1, consecutive_failures=F("consecutive_failures") + 1, last_used_at=now
        )
        proxies.ban_exhausted()


#: Statuses that mean the proxy (not the provider) was refused.
PROXY_BLOCK_STATUSES = frozenset({403, 407, 429})


class ProviderHTTP:
    """One provider API as seen from one credential: base URL, auth headers, limits, proxies."""

    def __init__(
        self,
        base_url: str,
        *,
        provider: str = "The provider",
        rate_key: str,
        limits: SpeedLimits,
        headers: dict[str, str] | None = None,
        use_proxies: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.provider = provider
        self.headers = {"Accept": "application/json", **(headers or {})}
        self.limiter = RateLimiter(rate_key, limits.requests_per_second)
        self.session = outbound.sync.guarded_session()
        self.proxies = ProxyRotation() if use_proxies else None
        self.timeout = settings.CONNECTOR_HTTP_TIMEOUT_SECONDS
        self.max_retries = settings.CONNECTOR_HTTP_MAX_RETRIES
        self.max_retry_after = settings.CONNECTOR_HTTP_MAX_RETRY_AFTER_SECONDS

    def close(self) -> None:
        self.session.close()

    def url(self, path: str, params: dict[str, Any] | None = None) -> str:
        url = path if path.startswith(("http://", "https://")) else f"{self.base_url}/{path.lstrip('/')}"
        query = {key: value for key, value in (params or {}).items() if value not in (None, "")}
        if query:
            url += ("&" if "?" in url else "?") + urlencode(query)
        return url

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request_json("GET", path, params=params)

    def post_json(self, path: str, body: Any, params: dict[str, Any] | None = None) -> Any:
        return self.request_json("POST", path, params=params, body=body)

    def label(self, url: str) -> str:
        """Who answered, for error messages: the connector and the host (never a path, a query or a token)."""
        host = urlsplit(url).hostname or "?"
        return f"{self.provider} ({host})"

    def request_json(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        """The decoded JSON of a 2xx answer; retries throttling, 5xx, timeouts and malformed bodies.

        Errors name the connector, the host and the HTTP status, and say what to do about them."""
        from leads import heartbeats

        url = self.url(path, params)
        who = self.label(url)
        attempt = 0
        while True:
            attempt += 1
            heartbeats.pulse()  # a long provider run is polled here: the job's worker is alive
            self.limiter.acquire()
            proxy = self.proxies.next() if self.proxies else None
            retry_after: float | None = None
            try:
                response = outbound.request(
                    method,
                    url,
                    headers=self.headers,
                    json=body,
                    timeout=self.timeout,
                    proxy=proxy,
                    session=self.session,
                    follow_redirects=False,
                )
            except outbound.BlockedDestination:
                raise PermanentConnectorError(
                    f"{who}: the address is not allowed (private or reserved network); set a public base URL "
                    "in admin → Connector credentials."
                ) from None
            except outbound.OutboundError as exc:
                if proxy:
                    ProxyRotation.record(proxy, ok=False)
                via = " through a proxy" if proxy else ""
                error: ConnectorError = ConnectorError(f"{who}: {str(exc).rstrip('.').lower()}{via}.")
            else:
                if proxy:
                    ProxyRotation.record(proxy, ok=response.status not in PROXY_BLOCK_STATUSES)
                if response.ok:
                    try:
                        return json.loads(response.body or b"null")
                    except ValueError:
                        error = ConnectorError(f"{who} answered HTTP {response.status} with malformed JSON.")
                elif response.status in outbound.RETRY_STATUSES:
                    retry_after = response.retry_after
                    error = ConnectorError(f"{who} answered HTTP {response.status} (busy or down).")
                    error.http_status = response.status
                else:
                    raise self.refusal(response, who)
            delay = outbound.backoff_delay(attempt, retry_after=retry_after)
            if attempt > self.max_retries or delay > self.max_retry_after:
                final = type(error)(f"{error} Gave up after {attempt} attempt{'s' if attempt > 1 else ''}.")
                final.http_status = error.http_status
                raise final
            logger.info("retrying %s %s in %.1fs: %s", method, self.base_url, delay, error)
            heartbeats.pulse()
            time.sleep(delay)

    @staticmethod
    def refusal(response: outbound.OutboundResponse, who: str = "The provider") -> ConnectorError:
        """A 4xx that retrying cannot fix, described without echoing the provider's body."""
        status = response.status
        what_to_do = {
            400: (
                "refused the request as invalid",
                "check the target and the actor input in admin → Connector credentials",
            ),
            401: ("refused the credential", "check its token in admin → Connector credentials"),
            403: ("does not allow this credential to do this", "check its permissions at the provider"),
            404: ("does not know this account or resource", "check the target's identifier"),
        }
        refused, advice = what_to_do.get(status, ("refused the request", ""))
        error = PermanentConnectorError(f"{who} {refused} (HTTP {status})" + (f": {advice}." if advice else "."))
        error.http_status = status
        return error

    def check_json(self, path: str, params: dict[str, Any] | None = None) -> str:
        """One GET, no retries, no proxy (a credential check): the host that answered, or ConnectorError."""
        self.max_retries = 0
        self.proxies = None
        self.get_json(path, params)
        return urlsplit(self.base_url).hostname or ""
