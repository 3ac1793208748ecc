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
from urllib.parse import urlencode

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
        rate_key: str,
        limits: SpeedLimits,
        headers: dict[str, str] | None = None,
        use_proxies: bool = True,
    ) -> None:
        self.base_url = base_url.rstrip("/")
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

    def request_json(self, method: str, path: str, *, params: dict[str, Any] | None = None, body: Any = None) -> Any:
        """The decoded JSON of a 2xx answer; retries throttling, 5xx, timeouts and malformed bodies."""
        url = self.url(path, params)
        attempt = 0
        while True:
            attempt += 1
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
                raise PermanentConnectorError("The provider address is not allowed.") from None
            except outbound.OutboundError as exc:
                if proxy:
                    ProxyRotation.record(proxy, ok=False)
                error: ConnectorError = ConnectorError(exc.safe_message)
            else:
                if proxy:
                    ProxyRotation.record(proxy, ok=response.status not in PROXY_BLOCK_STATUSES)
                if response.ok:
                    try:
                        return json.loads(response.body or b"null")
                    except ValueError:
                        error = ConnectorError("The provider answered with malformed JSON.")
                elif response.status in outbound.RETRY_STATUSES:
                    retry_after = response.retry_after
                    error = ConnectorError(f"The provider answered {response.status}.")
                else:
                    raise self.refusal(response)
            if attempt > self.max_retries:
                raise error
            delay = outbound.backoff_delay(attempt, retry_after=retry_after)
            if delay > self.max_retry_after:
                raise error
            logger.info("retrying %s %s in %.1fs: %s", method, self.base_url, delay, error)
            time.sleep(delay)

    @staticmethod
    def refusal(response: outbound.OutboundResponse) -> ConnectorError:
        """A 4xx that retrying cannot fix, described without echoing the provider's body."""
        messages = {
            400: "The provider refused the request as invalid.",
            401: "The provider refused the credential.",
            403: "The credential is not allowed to do this.",
            404: "The provider does not know this account or resource.",
        }
        return PermanentConnectorError(messages.get(response.status, f"The provider answered {response.status}."))
