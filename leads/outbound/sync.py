"""The synchronous guarded client (requests): webhooks and connectors.

Connections are made by `GuardedHTTPConnection._new_conn`: the host (the target's, or the
proxy's when there is one) is resolved once by `guard.resolve_checked` and the socket connects
to a checked address, trying the next checked address only when a connect fails, so the address
that was checked is the address used. Redirects are followed by hand, each hop checked again.

`_new_conn` is a private method of urllib3's `HTTPConnection`, overridden on purpose: urllib3
has no public hook between its name lookup and its connect. The public route, pinning a
checked address as the pool's host and naming the original host in `server_hostname`,
`assert_hostname` and the Host header, would move the lookup out of the connection into the
adapter, need a fallback to the next address of its own, and cannot name an https proxy in its
TLS handshake (SNI) once the proxy URL carries the proxy's address. So urllib3 is pinned exactly in requirements/base.txt, `URLLIB3_VERSION` below names
the release this override was read against, and tests/web/test_outbound.py fails when the
installed urllib3 is another release or no longer opens its sockets through `_new_conn`:
before raising the pin, read urllib3's `HTTPConnection._new_conn` and `connect` again and
update `URLLIB3_VERSION`.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

from . import guard
from .backoff import RETRY_STATUSES, backoff_delay, parse_retry_after
from .guard import BlockedDestination, OutboundError


class FetchTimeout(OutboundError):
    safe_message = "The request timed out."


class ResponseTooLarge(OutboundError):
    safe_message = "The response is larger than allowed."


class TooManyRedirects(OutboundError):
    safe_message = "Too many redirects."


#: The urllib3 release whose `HTTPConnection._new_conn` and `connect` `_GuardedConnectionMixin` was
#: checked against (see the module docstring).
URLLIB3_VERSION = "2.8.0"


class _GuardedConnectionMixin:
    """urllib3's connection with its socket opened by the guard: resolve once, check, connect to a checked address."""

    def _new_conn(self) -> socket.socket:
        addresses = guard.resolve_checked(self.host, self.port)
        last_error: OSError | None = None
        for address in addresses:
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                for option in self.socket_options or ():
                    sock.setsockopt(*option)
                if self.timeout is not None:
                    sock.settimeout(self.timeout)
                sock.connect((address, self.port))
                return sock
            except TimeoutError as exc:
                sock.close()
                raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from exc
            except OSError as exc:
                sock.close()
                last_error = exc
        raise NewConnectionError(self, f"Failed to establish a new connection: {last_error}")


class GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = GuardedHTTPConnection


class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = GuardedHTTPSConnection


GUARDED_POOLS = {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool}


class GuardedAdapter(HTTPAdapter):
    """Every pool this adapter opens, direct or through a proxy, connects through the guard."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = GUARDED_POOLS

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = GUARDED_POOLS
        return manager


def guarded_session() -> requests.Session:
    session = requests.Session()
    # Environment proxies and .netrc must not route around the guard.
    session.trust_env = False
    adapter = GuardedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


@dataclass
class OutboundResponse:
    status: int
    url: str
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("Retry-After"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def _read_capped(response: requests.Response, max_bytes: int, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise ResponseTooLarge()
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge()
        if time.monotonic() > deadline:
            raise FetchTimeout()
        chunks.append(chunk)
    return b"".join(chunks)


def request(
    method: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    data: bytes | None = None,
    json: Any = None,
    timeout: float | None = None,
    max_bytes: int | None = None,
    follow_redirects: bool = True,
    max_redirects: int | None = None,
    proxy: str | None = None,
    retries: int = 0,
    max_retry_after: float = 30.0,
    session: requests.Session | None = None,
) -> OutboundResponse:
    """One guarded request. Retries (if any) on connection errors and RETRY_STATUSES with backoff
    and jitter, never waiting past `max_retry_after`; then the last response is returned as is."""
    attempt = 0
    while True:
        attempt += 1
        try:
            response = _request_once(
                method,
                url,
                headers=headers,
                data=data,
                json=json,
                timeout=timeout,
                max_bytes=max_bytes,
                follow_redirects=follow_redirects,
                max_redirects=max_redirects,
                proxy=proxy,
                session=session,
            )
        except BlockedDestination:
            raise
        except OutboundError:
            if attempt > retries:
                raise
            time.sleep(backoff_delay(attempt))
            continue
        if response.status not in RETRY_STATUSES or attempt > retries:
            return response
        delay = backoff_delay(attempt, retry_after=response.retry_after)
        if delay > max_retry_after:
            return response
        time.sleep(delay)


def _request_once(
    method: str,
    url: str,
    *,
    headers,
    data,
    json,
    timeout,
    max_bytes,
    follow_redirects,
    max_redirects,
    proxy,
    session,
) -> OutboundResponse:
    timeout = timeout or settings.OUTBOUND_TIMEOUT_SECONDS
    max_bytes = max_bytes or settings.OUTBOUND_MAX_BYTES
    max_redirects = settings.OUTBOUND_MAX_REDIRECTS if max_redirects is None else max_redirects
    deadline = time.monotonic() + timeout
    owns_session = session is None
    session = session or guarded_session()
    proxies = {"http": proxy, "https": proxy} if proxy else None
    try:
        for _hop in range(max_redirects + 1):
            # Through a proxy the proxy resolves the target, so check the target's name here too.
            guard.check_url(url, resolve=bool(proxy))
            remaining = max(0.1, deadline - time.monotonic())
            try:
                response = session.request(
                    method,
                    url,
                    headers=dict(headers or {}),
                    data=data,
                    json=json,
                    timeout=(min(remaining, 10.0), remaining),
                    allow_redirects=False,
                    stream=True,
                    proxies=proxies,
                )
            except requests.Timeout:
                raise FetchTimeout() from None
            except requests.RequestException:
                raise OutboundError("The connection failed.") from None
            with response:
                location = response.headers.get("Location")
                if follow_redirects and response.is_redirect and location:
                    url = requests.compat.urljoin(url, location)
                    if response.status_code in (301, 302, 303) and method.upper() != "HEAD":
                        method, data, json = "GET", None, None
                    continue
                try:
                    body = _read_capped(response, max_bytes, deadline)
                except requests.RequestException:
                    raise OutboundError("The connection failed.") from None
                return OutboundResponse(response.status_code, url, dict(response.headers), body)
        raise TooManyRedirects()
    finally:
        if owns_session:
            session.close()
