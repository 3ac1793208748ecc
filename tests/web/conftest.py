"""Fixtures of the web-scraper tests: a local HTTP site served by the test, never the internet."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest

from leads.outbound import guard

from ..serving import serving_thread


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)


class LocalSite:
    """A threaded HTTP server on 127.0.0.1 with routes set by the test; it records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | list[Route]] = {}
        self.hits: list[Hit] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                return None

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                site.hits.append(Hit(self.command, self.path, dict(self.headers), body))
                route = site.routes.get(self.path) or site.routes.get(self.path.split("?", 1)[0])
                if isinstance(route, list):  # a sequence of answers, the last one repeats
                    route = route.pop(0) if len(route) > 1 else route[0]
                route = route or Route(404, b"not found")
                if route.delay:
                    time.sleep(route.delay)
                self.send_response(route.status)
                headers = {"Content-Type": "text/html; charset=utf-8", **route.headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(route.body)

            do_GET = do_POST = do_HEAD = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = serving_thread(self.server)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def route(self, path: str, body: str | bytes = b"", status: int = 200, headers=None, delay: float = 0.0) -> None:
        self.routes[path] = Route(status, body.encode() if isinstance(body, str) else body, dict(headers or {}), delay)

    def sequence(self, path: str, *routes: Route) -> None:
        self.routes[path] = list(routes)

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path.split("?", 1)[0] == path]


@pytest.fixture
def site():
    local = LocalSite()
    local.thread.start()
    yield local
    local.server.shutdown()
    local.server.server_close()


@pytest.fixture
def allow_local(settings):
    """The tests' servers listen on 127.0.0.1: open exactly that address in the SSRF guard."""
    settings.SCRAPER_ALLOWED_NETWORKS = "127.0.0.1/32"
    return settings


@pytest.fixture
def public_dns():
    """Every name resolves to a public documentation-free address: nothing reaches a real DNS server."""
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]):
        yield


@pytest.fixture
def enqueued():
    """Web jobs queued for a worker (the Celery task's delay), instead of running."""
    with mock.patch("leads.tasks.run_web_job.delay") as delay:
        yield delay
