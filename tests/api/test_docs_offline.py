"""The API docs pages render in a browser with every other host unreachable."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NETWORK_SCHEMES = {"http", "https", "ws", "wss"}


def open_offline(page, url: str) -> list[str]:
    """Open `url` with requests to any other host aborted; return the ones attempted."""
    home = urlsplit(url).netloc
    outside: list[str] = []

    def guard(route):
        target = urlsplit(route.request.url)
        if target.scheme in NETWORK_SCHEMES and target.netloc != home:
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.set_default_timeout(60_000)
    page.route("**/*", guard)
    page.goto(url)
    return outside


def test_swagger_ui_renders_from_this_host_only(page, live_server):
    outside = open_offline(page, f"{live_server.url}/api/docs")
    page.wait_for_selector(".opblock-summary-path")
    page.wait_for_load_state("networkidle")
    assert outside == []


def test_redoc_renders_from_this_host_only(page, live_server):
    outside = open_offline(page, f"{live_server.url}/api/redoc")
    page.get_by_role("heading", name="Routes of this surface").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert outside == []
