"""The guarded outbound client: the SSRF table, connect-time checks, redirects, caps."""

from __future__ import annotations

import asyncio
import importlib.metadata
import inspect
import re
from pathlib import Path

import aiohttp
import pytest
from urllib3.connection import HTTPConnection, HTTPSConnection

from leads import outbound
from leads.outbound import aio, guard, sync

ROOT = Path(__file__).resolve().parents[2]

REFUSED = [
    "http://127.0.0.1/",
    "http://127.1/",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://172.16.5.4/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://017700000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[64:ff9b::a00:1]/",
    "ftp://example.com/file",
    "file:///etc/passwd",
    "gopher://example.com/",
    "http://user:pass@example.com/",
]


@pytest.mark.parametrize("url", REFUSED)
def test_check_url_refuses_the_ssrf_table(url):
    with pytest.raises(outbound.BlockedDestination):
        outbound.check_url(url)


def test_a_name_resolving_to_a_private_address_is_refused():
    with guard.override_resolver(lambda host, port: ["10.1.2.3"]):
        with pytest.raises(outbound.BlockedDestination):
            outbound.check_url("https://innocent.example/")


def test_a_name_with_one_private_answer_among_public_ones_is_refused():
    with guard.override_resolver(lambda host, port: ["93.184.216.34", "127.0.0.1"]):
        with pytest.raises(outbound.BlockedDestination):
            outbound.check_url("https://mixed.example/")


def test_a_public_answer_passes():
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]):
        assert outbound.check_url("https://public.example/x").hostname == "public.example"


def test_allow_list_opens_only_the_listed_network(settings):
    settings.SCRAPER_ALLOWED_NETWORKS = "127.0.0.1/32, 10.9.0.0/16"
    outbound.check_url("http://127.0.0.1:8080/")
    outbound.check_url("http://10.9.1.1/")
    with pytest.raises(outbound.BlockedDestination):
        outbound.check_url("http://127.0.0.2/")
    with pytest.raises(outbound.BlockedDestination):
        outbound.check_url("http://10.8.0.1/")


def test_sync_request_refuses_a_local_server_without_the_allow_list(site):
    site.route("/", "hello")
    with pytest.raises(outbound.BlockedDestination):
        outbound.request("GET", site.url("/"))
    assert site.hits == []


def test_sync_request_connects_to_the_address_it_checked(site, allow_local):
    """DNS rebinding: the connection goes to the resolver's checked answer, never a second lookup."""
    site.route("/", "hello")
    port = site.server.server_address[1]
    lookups = []

    def resolver(host, p):
        lookups.append(host)
        return ["127.0.0.1"]

    with guard.override_resolver(resolver):
        response = outbound.request("GET", f"http://rebind.example:{port}/")
    assert response.status == 200 and response.body == b"hello"
    assert lookups == ["rebind.example"]
    with guard.override_resolver(lambda host, p: ["10.0.0.7"]):
        with pytest.raises(outbound.BlockedDestination):
            outbound.request("GET", f"http://rebind.example:{port}/")


def test_sync_redirect_to_a_private_address_is_refused(site, allow_local):
    site.route("/go", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})
    with pytest.raises(outbound.BlockedDestination):
        outbound.request("GET", site.url("/go"))


def test_sync_public_name_redirecting_to_a_private_name_is_refused(site, allow_local):
    port = site.server.server_address[1]
    site.route("/go", status=301, headers={"Location": f"http://internal.example:{port}/secret"})
    answers = {"public.example": ["127.0.0.1"], "internal.example": ["10.0.0.5"]}
    with guard.override_resolver(lambda host, p: answers[host]):
        with pytest.raises(outbound.BlockedDestination):
            outbound.request("GET", f"http://public.example:{port}/go")


def test_sync_redirects_are_not_followed_when_asked(site, allow_local):
    site.route("/go", status=302, headers={"Location": "/there"})
    response = outbound.request("GET", site.url("/go"), follow_redirects=False)
    assert response.status == 302
    assert site.hits_for("/there") == []


def test_sync_byte_cap(site, allow_local):
    site.route("/big", b"x" * 5000)
    with pytest.raises(outbound.ResponseTooLarge):
        outbound.request("GET", site.url("/big"), max_bytes=1000)


def test_sync_timeout(site, allow_local):
    site.route("/slow", "late", delay=1.5)
    with pytest.raises(outbound.FetchTimeout):
        outbound.request("GET", site.url("/slow"), timeout=0.5)


def test_sync_retries_honour_retry_after(site, allow_local):
    from tests.web.conftest import Route

    site.sequence("/flaky", Route(429, b"", {"Retry-After": "1"}), Route(200, b"ok"))
    response = outbound.request("GET", site.url("/flaky"), retries=2)
    assert response.status == 200
    assert len(site.hits_for("/flaky")) == 2


def test_parse_retry_after_seconds_and_dates():
    assert outbound.parse_retry_after("120") == 120
    assert outbound.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert outbound.parse_retry_after("soon") is None
    assert outbound.backoff_delay(3, base=1, cap=100, retry_after=50) >= 50


def _run(coro):
    return asyncio.run(coro)


async def _aio_get(url, **kwargs):
    async with aio.guarded_session() as session:
        return await aio.fetch(session, url, retries=0, **kwargs)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://[::1]:9/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/",
        "http://100.64.0.1/",
    ],
)
def test_async_fetch_refuses_the_ssrf_table(url):
    with pytest.raises(outbound.BlockedDestination):
        _run(_aio_get(url))


def test_async_fetch_checks_resolved_names_at_connect_time(site, allow_local):
    port = site.server.server_address[1]
    site.route("/", "hello")
    with guard.override_resolver(lambda host, p: ["10.0.0.1"]):
        with pytest.raises(outbound.BlockedDestination):
            _run(_aio_get(f"http://private.example:{port}/"))
    with guard.override_resolver(lambda host, p: ["127.0.0.1"]):
        result = _run(_aio_get(f"http://fine.example:{port}/"))
    assert result.status == 200 and result.body == b"hello"


def test_async_redirect_to_metadata_is_refused(site, allow_local):
    site.route("/go", status=302, headers={"Location": "http://169.254.169.254/latest/"})
    with pytest.raises(outbound.BlockedDestination):
        _run(_aio_get(site.url("/go")))


def test_async_byte_cap_and_redirects(site, allow_local):
    site.route("/big", b"y" * 4000)
    site.route("/go", status=301, headers={"Location": "/here"})
    site.route("/here", "arrived")
    with pytest.raises(outbound.ResponseTooLarge):
        _run(_aio_get(site.url("/big"), max_bytes=100))
    result = _run(_aio_get(site.url("/go")))
    assert result.body == b"arrived" and result.url.endswith("/here")


async def _session_get(url, **kwargs):
    """Straight through the session, without `fetch`'s own per-hop check: the session guards alone."""
    async with aio.guarded_session() as session:
        async with session.get(url, **kwargs) as response:
            return response.status


# Loopback only: should the guard ever fail, nothing leaves the machine.
@pytest.mark.parametrize("url", ["http://127.0.0.1:9/", "http://[::1]:9/", "http://0x7f000001:9/", "http://127.1:9/"])
def test_the_async_session_itself_refuses_literal_private_addresses(url):
    with pytest.raises(outbound.BlockedDestination):
        _run(_session_get(url))


def test_the_async_session_refuses_a_private_proxy_and_a_name_resolving_privately(site):
    with guard.override_resolver(lambda host, p: ["93.184.216.34"]):
        with pytest.raises(outbound.BlockedDestination):
            _run(_session_get("http://public.example/", proxy=site.url("")))
    port = site.server.server_address[1]
    with guard.override_resolver(lambda host, p: ["127.0.0.1"]):
        with pytest.raises(outbound.BlockedDestination):
            _run(_session_get(f"http://private.example:{port}/"))
    assert site.hits == []


def test_the_async_session_uses_aiohttp_public_hooks_only():
    """A resolver and a middleware on aiohttp's own connector: no subclass overriding private methods."""

    async def connector_type():
        async with aio.guarded_session() as session:
            return type(session.connector)

    assert _run(connector_type()) is aiohttp.TCPConnector


def test_urllib3_is_the_release_the_connection_override_was_read_against():
    """sync.py overrides urllib3's private HTTPConnection._new_conn (its docstring says why): a new
    urllib3 must be read again before the pin and sync.URLLIB3_VERSION move."""
    pinned = re.search(r"^urllib3==(\S+)", (ROOT / "requirements" / "base.txt").read_text(), re.MULTILINE)
    assert pinned and pinned.group(1) == sync.URLLIB3_VERSION == importlib.metadata.version("urllib3")
    for cls in (HTTPConnection, HTTPSConnection):
        assert "self._new_conn()" in inspect.getsource(cls.connect), f"{cls.__name__}.connect no longer calls _new_conn"
    assert list(inspect.signature(HTTPConnection._new_conn).parameters) == ["self"]
    assert sync.GuardedHTTPConnection._new_conn is sync._GuardedConnectionMixin._new_conn
    assert sync.GuardedHTTPSConnection._new_conn is sync._GuardedConnectionMixin._new_conn
