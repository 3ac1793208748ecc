"""The crawl loop: async fetching with connection reuse, politeness, robots.txt, link following.

Runs in its own thread and event loop (see `leads.engine.runner`); it never touches the
database. Every half second, and whenever enough results are waiting, it hands a `Batch`
to `emit`; the caller stores it and may set `stop` (job cancelled).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings

from leads import outbound
from leads.outbound import aio

from .browser import BrowserRenderer, browser_available
from .extract import compile_selectors, extract
from .proxies import BLOCK_STATUSES, ProxyRotation
from .robots import RobotsRules
from .spec import CrawlSpec

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
MAX_URL_LENGTH = 2000  # WebResult.url
#: Pages rendered at once in Chromium, whatever the crawl's concurrency (a browser page costs a core).
BROWSER_PAGES = 4
TICK_SECONDS = 0.5
HTML_TYPES = frozenset({"", "text/html", "application/xhtml+xml", "text/plain"})
SKIPPED_EXTENSIONS = frozenset(
    ".jpg .jpeg .png .gif .webp .svg .ico .bmp .tif .tiff .css .js .mjs .json .xml .rss .atom .pdf .zip .gz .tgz .tar "
    ".rar .7z .mp3 .mp4 .m4a .avi .mov .webm .ogg .wav .woff .woff2 .ttf .otf .eot .exe .dmg .apk .iso .csv .xls .xlsx "
    ".doc .docx .ppt .pptx".split()
)


@dataclass
class Batch:
    results: list[tuple[str, dict]]
    scraped: int
    failed: int
    pages_done: int
    pages_planned: int


@dataclass
class CrawlReport:
    pages_fetched: int = 0
    items_scraped: int = 0
    items_failed: int = 0
    bytes_read: int = 0
    rendered: int = 0
    skipped_by_robots: int = 0
    stop_reason: str = ""
    start_error: str = ""
    errors: Counter = field(default_factory=Counter)
    proxies: ProxyRotation | None = None

    def error_summary(self) -> str:
        if not self.errors:
            return ""
        parts = ", ".join(f"{kind} ×{count}" for kind, count in self.errors.most_common(5))
        return f"{sum(self.errors.values())} pages failed: {parts}."


def site_key(host: str | None) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def split_origin(url: str) -> tuple[str, str, str]:
    """(scheme, netloc, rest) of an absolute URL by string search: this runs for every link found."""
    scheme_end = url.find("://")
    if scheme_end <= 0:
        return "", "", url
    path_start = url.find("/", scheme_end + 3)
    for stop in ("?", "#"):
        at = url.find(stop, scheme_end + 3)
        if at != -1 and (path_start == -1 or at < path_start):
            path_start = at
    if path_start == -1:
        path_start = len(url)
    return url[:scheme_end].lower(), url[scheme_end + 3 : path_start].lower(), url[path_start:]


def host_of(netloc: str) -> str:
    netloc = netloc.rpartition("@")[2]
    if netloc.startswith("["):
        return netloc[1 : netloc.find("]")]
    return netloc.partition(":")[0]


def dedup_key(scheme: str, netloc: str, rest: str) -> str:
    """The URL as the de-duplication set knows it: no fragment, lower-case origin, no default port."""
    default = DEFAULT_PORTS.get(scheme)
    if default and netloc.endswith(default):
        netloc = netloc[: -len(default)]
    return f"{scheme}://{netloc}{rest or '/'}"


class Crawler:
    def __init__(self, spec: CrawlSpec, emit: Callable[[Batch], None], stop: threading.Event, ban_after: int = 5):
        self.spec = spec
        self.emit = emit
        self.stop = stop
        self.report = CrawlReport(proxies=ProxyRotation(spec.proxies, ban_after))
        self.selectors = compile_selectors(spec.selectors)
        self.link_selectors = compile_selectors({"links": spec.link_selector}) if spec.follow_links else []
        self.next_selectors = compile_selectors({"next": spec.next_page}) if spec.next_page else []
        self.sites = {site_key(urlsplit(spec.url).hostname)}
        self.seen: set[str] = set()
        self.scheduled = 0
        self.queue: asyncio.Queue = asyncio.Queue()
        self.pending: list[tuple[str, dict]] = []
        self.scraped_delta = 0
        self.failed_delta = 0
        self.deadline = time.monotonic() + spec.max_seconds
        self.host_locks: dict[str, asyncio.Lock] = {}
        self.host_next: dict[str, float] = {}
        self.host_delay: dict[str, float] = {}
        self.renderer: BrowserRenderer | None = None
        self.browser_slots = asyncio.Semaphore(BROWSER_PAGES)
        self.browser_ok = spec.engine in ("browser", "auto") and browser_available()

    # --- control -------------------------------------------------------------------

    def stopping(self) -> bool:
        if self.report.stop_reason:
            return True
        if self.stop.is_set():
            self.report.stop_reason = "cancelled"
        elif time.monotonic() > self.deadline:
            self.report.stop_reason = "time limit reached"
        elif self.report.bytes_read >= self.spec.max_bytes:
            self.report.stop_reason = "byte limit reached"
        return bool(self.report.stop_reason)

    def flush(self) -> None:
        results, self.pending = self.pending, []
        batch = Batch(
            results,
            self.scraped_delta,
            self.failed_delta,
            self.report.pages_fetched + self.report.items_failed,
            min(self.spec.max_pages, max(1, self.scheduled)),
        )
        self.scraped_delta = self.failed_delta = 0
        self.emit(batch)

    async def ticker(self) -> None:
        while True:
            await asyncio.sleep(TICK_SECONDS)
            self.flush()

    # --- scheduling ----------------------------------------------------------------

    def schedule(self, url: str, depth: int) -> None:
        if self.scheduled >= self.spec.max_pages:
            return
        url = url.split("#", 1)[0]
        if len(url) > MAX_URL_LENGTH:
            return
        scheme, netloc, rest = split_origin(url)
        if scheme not in ("http", "https") or site_key(host_of(netloc)) not in self.sites:
            return
        path = rest.partition("?")[0].lower()
        dot = path.rfind(".")
        if dot > path.rfind("/") and path[dot:] in SKIPPED_EXTENSIONS:
            return
        key = dedup_key(scheme, netloc, rest)
        if key in self.seen:
            return
        if self.spec.respect_robots and self.robots.cached_allowed(url) is False:
            self.seen.add(key)  # never counted against max_pages, never fetched
            self.report.skipped_by_robots += 1
            return
        self.seen.add(key)
        self.scheduled += 1
        self.queue.put_nowait((url, depth))

    async def polite(self, host: str) -> None:
        delay = max(self.spec.delay, self.host_delay.get(host, 0.0))
        if delay <= 0:
            return
        lock = self.host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            wait = self.host_next.get(host, 0.0) - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self.host_next[host] = time.monotonic() + delay

    # --- one page ------------------------------------------------------------------

    def failed(self, kind: str, *, start: bool) -> None:
        self.report.items_failed += 1
        self.failed_delta += 1
        self.report.errors[kind] += 1
        if start:
            host = urlsplit(self.spec.url).hostname or "?"
            self.report.start_error = (
                f"The start page at {host} could not be scraped ({kind}): check the URL and that the site is up."
            )

    async def fetch(self, url: str, **kwargs) -> aio.FetchResult:
        return await aio.fetch(self.session, url, retries=0, timeout=self.spec.timeout, **kwargs)

    async def render(self, url: str):
        if self.renderer is None:
            self.renderer = BrowserRenderer(
                self.session,
                timeout=self.spec.timeout,
                max_bytes=aio_max_bytes(),
                user_agent=self.spec.user_agent,
                wait_for=self.spec.wait_for,
                wait_ms=self.spec.render_wait_ms,
            )
        self.report.rendered += 1
        async with self.browser_slots:
            return await self.renderer.render(url)

    async def fetch_rotating(self, url: str) -> aio.FetchResult:
        """Fetch through the next proxy (if any); a blocked proxy is recorded and the next one tried."""
        rotation = self.report.proxies
        attempts = self.spec.retries + 1 if rotation.urls else 1
        blocked: aio.FetchResult | None = None
        for attempt in range(attempts):
            proxy = rotation.next()
            if proxy is None and rotation.urls:
                break  # every proxy of the pool is blocked: never fall back to a direct connection
            last = attempt == attempts - 1
            try:
                result = await aio.fetch(
                    self.session,
                    url,
                    retries=0 if proxy else self.spec.retries,
                    timeout=self.spec.timeout,
                    proxy=proxy,
                    max_bytes=aio_max_bytes(),
                    max_retry_after=min(30.0, self.spec.timeout),
                )
            except (outbound.FetchTimeout, outbound.ResponseTooLarge, outbound.BlockedDestination):
                raise
            except outbound.OutboundError:
                rotation.blocked(proxy)
                if last or proxy is None:
                    raise
                continue
            if proxy and result.status in BLOCK_STATUSES:
                rotation.blocked(proxy)
                blocked = result
                if not last:
                    continue
            else:
                rotation.succeeded(proxy)
            return result
        if blocked is not None:
            return blocked
        raise outbound.OutboundError("The connection failed.")

    async def crawl_page(self, url: str, depth: int) -> None:
        start = depth == 0 and not self.report.pages_fetched and not self.report.items_failed
        host = split_origin(url)[1]
        if self.spec.respect_robots and not await self.robots.allowed(url):
            self.report.skipped_by_robots += 1
            if start:
                self.report.start_error = (
                    f"robots.txt of {urlsplit(self.spec.url).hostname or '?'} disallows the start page: "
                    'set "respect_robots": false in config only if you may crawl it.'
                )
            return
        if self.spec.respect_robots and host not in self.host_delay:
            self.host_delay[host] = await self.robots.crawl_delay(url)
        await self.polite(host)

        if self.spec.engine == "browser" and self.browser_ok:
            try:
                page = await self.render(url)
            except Exception as exc:  # noqa: BLE001 - Playwright raises its own error types for any page failure
                self.failed("browser error", start=start)
                logger.info("browser render failed for job %s: %s", self.spec.job_id, type(exc).__name__)
                return
            final_url, html, content_type = page.url, page.html, "text/html"
            self.report.pages_fetched += 1
            self.report.bytes_read += len(html)
        else:
            try:
                result = await self.fetch_rotating(url)
            except outbound.BlockedDestination:
                self.failed("destination not allowed", start=start)
                return
            except outbound.FetchTimeout:
                self.failed("timeout", start=start)
                return
            except outbound.ResponseTooLarge:
                self.failed("too large", start=start)
                return
            except outbound.OutboundError:
                self.failed("connection failed", start=start)
                return
            self.report.pages_fetched += 1
            self.report.bytes_read += len(result.body)
            if not result.ok:
                self.failed(f"HTTP {result.status}", start=start)
                return
            final_url, content_type = result.url, result.content_type
            if content_type not in HTML_TYPES:
                self.failed("not an HTML page", start=start)
                return
            html = result.text()

        if start:
            self.sites.add(site_key(urlsplit(final_url).hostname))
        follow = depth < self.spec.max_depth
        page = extract(html, final_url, self.selectors, self.link_selectors if follow else [])
        if page.script_rendered and self.spec.engine == "auto" and self.browser_ok:
            try:
                rendered = await self.render(url)
                page = extract(rendered.html, rendered.url, self.selectors, self.link_selectors if follow else [])
            except Exception as exc:  # noqa: BLE001 - keep the HTTP answer when the browser fails
                logger.info("browser fallback failed for job %s: %s", self.spec.job_id, type(exc).__name__)
        if page.matched:
            self.pending.append((final_url, page.data))
            self.report.items_scraped += 1
            self.scraped_delta += 1
            if len(self.pending) >= BATCH_SIZE:
                self.flush()
        for link in page.links:
            self.schedule(link, depth + 1)
        if self.next_selectors:
            for link in extract(html, final_url, [], self.next_selectors).links:
                self.schedule(link, depth)

    async def worker(self) -> None:
        while True:
            url, depth = await self.queue.get()
            try:
                if not self.stopping():
                    await self.crawl_page(url, depth)
            except Exception:  # noqa: BLE001 - one broken page must not end the crawl; logged with traceback
                logger.exception("crawl of a page failed unexpectedly (job %s)", self.spec.job_id)
                self.failed("internal error", start=False)
            finally:
                self.queue.task_done()

    async def run(self) -> CrawlReport:
        async with aio.guarded_session(
            concurrency=self.spec.concurrency,
            per_host=self.spec.per_host,
            user_agent=self.spec.user_agent,
            timeout=self.spec.timeout,
        ) as session:
            self.session = session
            self.robots = RobotsRules(self.spec.user_agent, self.fetch)
            self.schedule(self.spec.url, 0)
            workers = [asyncio.create_task(self.worker()) for _ in range(self.spec.concurrency)]
            ticker = asyncio.create_task(self.ticker())
            try:
                await self.queue.join()
            finally:
                for task in (*workers, ticker):
                    task.cancel()
                await asyncio.gather(*workers, ticker, return_exceptions=True)
                if self.renderer is not None:
                    await self.renderer.close()
        self.flush()
        return self.report


def aio_max_bytes() -> int:
    return settings.OUTBOUND_MAX_BYTES


def crawl(spec: CrawlSpec, emit: Callable[[Batch], None], stop: threading.Event, ban_after: int = 5) -> CrawlReport:
    """Run a crawl to its end in a fresh event loop (call it from a thread of its own)."""
    return asyncio.run(Crawler(spec, emit, stop, ban_after).run())
