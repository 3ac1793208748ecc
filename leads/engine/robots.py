"""robots.txt per origin (RFC 9309): fetched once per crawl through the guarded client.

4xx: no rules (crawl everything); 5xx or unreachable: crawl nothing of that origin;
redirects are followed by the client. A Crawl-delay raises the per-host delay (capped).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from leads import outbound

MAX_CRAWL_DELAY = 10.0
MAX_ROBOTS_BYTES = 512 * 1024


class RobotsRules:
    def __init__(self, user_agent: str, fetch) -> None:
        self.user_agent = user_agent
        self._fetch = fetch  # async (url) -> FetchResult
        self._rules: dict[str, RobotFileParser | bool] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @staticmethod
    def origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}".lower()

    async def _load(self, origin: str) -> RobotFileParser | bool:
        try:
            result = await self._fetch(origin + "/robots.txt", max_bytes=MAX_ROBOTS_BYTES)
        except outbound.BlockedDestination:
            return False
        except outbound.OutboundError:
            return False
        if 400 <= result.status < 500:
            return True
        if result.status >= 500 or not result.ok:
            return False
        parser = RobotFileParser()
        parser.parse(result.text().splitlines())
        return parser

    async def rules_for(self, url: str) -> RobotFileParser | bool:
        origin = self.origin(url)
        if origin in self._rules:
            return self._rules[origin]
        lock = self._locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._rules:
                self._rules[origin] = await self._load(origin)
        return self._rules[origin]

    def cached_allowed(self, url: str) -> bool | None:
        """The answer when the origin's rules are already loaded, else None (no I/O)."""
        rules = self._rules.get(self.origin(url))
        if rules is None:
            return None
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.user_agent, url)

    async def allowed(self, url: str) -> bool:
        rules = await self.rules_for(url)
        if isinstance(rules, bool):
            return rules
        return rules.can_fetch(self.user_agent, url)

    async def crawl_delay(self, url: str) -> float:
        rules = await self.rules_for(url)
        if isinstance(rules, bool):
            return 0.0
        delay = rules.crawl_delay(self.user_agent)
        return min(float(delay), MAX_CRAWL_DELAY) if delay else 0.0
