"""The asynchronous guarded client (aiohttp) used by the crawl engine.

Only aiohttp's public extension points are used. Names: the connector's resolver is
`GuardedResolver` (an `aiohttp.abc.AbstractResolver`), which resolves through
`guard.resolve_checked` and answers only checked addresses, and aiohttp connects to exactly
the addresses its resolver returns, so the checked address is the one used (answers the
connector caches for `ttl_dns_cache` were checked when resolved). Literal addresses, which
aiohttp connects to without asking a resolver, are checked by `guard_literal_addresses`, a
session middleware that sees every request, target and proxy. `fetch` follows redirects by
hand (each hop checked), caps bytes and time, and retries throttled or failed requests with
backoff, jitter and Retry-After.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from django.conf import settings
from yarl import URL

from . import guard
from .backoff import RETRY_STATUSES, backoff_delay, parse_retry_after
from .guard import BlockedDestination, OutboundError
from .sync import FetchTimeout, ResponseTooLarge, TooManyRedirects

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class GuardedResolver(AbstractResolver):
    """Name lookups through `guard.resolve_checked` (its resolver is injectable in tests), off the
    event loop: every answer is checked, one denied address refuses the name."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        loop = asyncio.get_running_loop()
        addresses = await loop.run_in_executor(None, guard.resolve_checked, host, port)
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for address in addresses
        ]

    async def close(self) -> None:
        return None


async def guard_literal_addresses(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """Refuse a request whose host or proxy is a denied literal address (any spelling) before it
    connects; names are left to `GuardedResolver` at connect time."""
    for url in (request.url, request.proxy):
        literal = guard.literal_address(url.host) if url is not None and url.host else None
        if literal is not None:
            guard.checked_address(str(literal))
    return await handler(request)


def guarded_session(
    *, concurrency: int = 32, per_host: int = 0, user_agent: str | None = None, timeout: float | None = None
) -> aiohttp.ClientSession:
    """A session whose connections all pass the guard; keep-alive connections are reused."""
    connector = aiohttp.TCPConnector(
        resolver=GuardedResolver(), limit=concurrency, limit_per_host=per_host, ttl_dns_cache=60, family=0
    )
    total = timeout or settings.OUTBOUND_TIMEOUT_SECONDS
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=total, connect=min(10.0, total)),
        headers={"User-Agent": user_agent or settings.SCRAPER_USER_AGENT},
        trust_env=False,  # environment proxies must not route around the guard
        cookie_jar=aiohttp.DummyCookieJar(),
        middlewares=(guard_literal_addresses,),
    )


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        charset = "utf-8"
        for part in self.headers.get("Content-Type", "").split(";")[1:]:
            key, _, value = part.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip('"')
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    if response.content_length is not None and response.content_length > max_bytes:
        raise ResponseTooLarge()
    body = bytearray()
    while True:
        chunk = await response.content.read(256 * 1024)
        if not chunk:
            return bytes(body)
        body += chunk
        if len(body) > max_bytes:
            raise ResponseTooLarge()


async def fetch_once(
    session: aiohttp.ClientSession,
    url: str,
    *,
    max_bytes: int | None = None,
    max_redirects: int | None = None,
    proxy: str | None = None,
    timeout: float | None = None,
    method: str = "GET",
    data: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> FetchResult:
    max_bytes = max_bytes or settings.OUTBOUND_MAX_BYTES
    max_redirects = settings.OUTBOUND_MAX_REDIRECTS if max_redirects is None else max_redirects
    request_timeout = aiohttp.ClientTimeout(total=timeout) if timeout else None
    for _hop in range(max_redirects + 1):
        # Literal addresses and schemes are checked here; names at connect time by the resolver
        # (and here too when a proxy would resolve the name instead of us).
        guard.check_url(url, resolve=False)
        if proxy:
            parts = guard.split_url(url)
            await asyncio.get_running_loop().run_in_executor(
                None, guard.resolve_checked, parts.hostname, guard.default_port(parts)
            )
        try:
            async with session.request(
                method,
                URL(url, encoded=False),
                data=data,
                headers=headers,
                allow_redirects=False,
                proxy=proxy,
                timeout=request_timeout,
            ) as response:
                location = response.headers.get("Location")
                if response.status in REDIRECT_STATUSES and location:
                    url = str(response.url.join(URL(location)))
                    if response.status in (301, 302, 303) and method != "HEAD":
                        method, data = "GET", None
                    continue
                body = await _read_capped(response, max_bytes)
                return FetchResult(str(response.url), response.status, response.headers, body)
        except BlockedDestination:
            raise
        except OutboundError:
            raise
        except TimeoutError:
            raise FetchTimeout() from None
        except (aiohttp.ClientError, OSError, ValueError):
            raise OutboundError("The connection failed.") from None
    raise TooManyRedirects()


async def fetch(
    session: aiohttp.ClientSession,
    url: str,
    *,
    retries: int = 2,
    max_retry_after: float = 30.0,
    backoff_base: float = 0.5,
    **kwargs,
) -> FetchResult:
    """`fetch_once` with retries on connection errors and RETRY_STATUSES; the last answer is returned."""
    attempt = 0
    while True:
        attempt += 1
        try:
            result = await fetch_once(session, url, **kwargs)
        except (BlockedDestination, ResponseTooLarge, TooManyRedirects):
            raise
        except OutboundError:
            if attempt > retries:
                raise
            await asyncio.sleep(backoff_delay(attempt, base=backoff_base))
            continue
        result.attempts = attempt
        if result.status not in RETRY_STATUSES or attempt > retries:
            return result
        delay = backoff_delay(
            attempt, base=backoff_base, retry_after=parse_retry_after(result.headers.get("Retry-After"))
        )
        if delay > max_retry_after:
            return result
        await asyncio.sleep(delay)
