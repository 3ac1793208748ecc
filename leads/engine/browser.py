"""The browser engine: Playwright driving the system Chromium for pages that need JavaScript.

Chromium never opens a connection itself: every request it makes is intercepted and
answered from the guarded aiohttp session (`leads.outbound.aio`), so the SSRF guard, the
byte caps and the proxies apply to the browser exactly as to the HTTP engine. Images, media
and fonts are not fetched at all.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from django.conf import settings

from leads import outbound
from leads.outbound import aio

SKIPPED_RESOURCES = frozenset({"image", "media", "font"})
HOP_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding", "connection", "keep-alive"})
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Whatever escapes interception (WebSockets, prefetches) goes to a proxy that does not exist, loopback
    # included, so Chromium itself can reach nothing; intercepted requests never use it.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]


def browser_executable() -> str | None:
    configured = settings.SCRAPER_BROWSER_EXECUTABLE
    if configured and os.path.exists(configured):
        return configured
    return shutil.which("chromium")


def browser_available() -> bool:
    if browser_executable() is None:
        return False
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class RenderedPage:
    url: str
    status: int
    html: str


class BrowserRenderer:
    def __init__(
        self, session, *, timeout: float, max_bytes: int, user_agent: str, wait_for: str = "", wait_ms: int = 0
    ):
        self.session = session
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.wait_for = wait_for
        self.wait_ms = wait_ms
        self._playwright = None
        self._browser = None
        self._context = None
        self.proxy: str | None = None

    async def start(self) -> None:
        from playwright.async_api import async_playwright

        self._playwright = await async_playwright().start()
        self._browser = await self._playwright.chromium.launch(
            executable_path=browser_executable(), headless=True, args=LAUNCH_ARGS
        )
        self._context = await self._browser.new_context(user_agent=self.user_agent, service_workers="block")
        await self._context.route("**/*", self._answer)

    async def close(self) -> None:
        for closer in (self._context, self._browser):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:  # noqa: BLE001 - the browser may already be gone; nothing to keep
                    pass
        if self._playwright is not None:
            await self._playwright.stop()

    async def _answer(self, route) -> None:
        request = route.request
        if request.resource_type in SKIPPED_RESOURCES:
            await route.abort("blockedbyclient")
            return
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS and not k.startswith(":")}
        try:
            result = await aio.fetch_once(
                self.session,
                request.url,
                method=request.method,
                data=request.post_data_buffer,
                headers=headers,
                max_bytes=self.max_bytes,
                timeout=self.timeout,
                proxy=self.proxy,
            )
        except outbound.BlockedDestination:
            await route.abort("blockedbyclient")
            return
        except outbound.OutboundError:
            await route.abort("failed")
            return
        response_headers = {k: v for k, v in result.headers.items() if k.lower() not in HOP_HEADERS}
        await route.fulfill(status=result.status, headers=response_headers, body=result.body)

    async def render(self, url: str) -> RenderedPage:
        if self._context is None:
            await self.start()
        page = await self._context.new_page()
        try:
            response = await page.goto(url, wait_until="load", timeout=self.timeout * 1000)
            if self.wait_for:
                await page.wait_for_selector(self.wait_for, timeout=self.timeout * 1000)
            else:
                # Script-rendered pages usually fetch their data after "load": give them a quiet moment.
                try:
                    await page.wait_for_load_state("networkidle", timeout=min(5.0, self.timeout) * 1000)
                except Exception:  # noqa: BLE001 - a page that never goes quiet is extracted as it stands
                    pass
            if self.wait_ms:
                await page.wait_for_timeout(self.wait_ms)
            html = await page.content()
            return RenderedPage(page.url, response.status if response else 200, html)
        finally:
            await page.close()
