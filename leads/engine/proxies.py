"""Proxy rotation inside one crawl: round robin over the active pool, outcomes counted in memory
and written back once (`leads.proxies.record_outcomes`), a proxy dropped after repeated blocks."""

from __future__ import annotations

from collections import Counter
from itertools import cycle

#: Answers that mean "this proxy is blocked", not "this page is broken".
BLOCK_STATUSES = frozenset({403, 407, 429})


class ProxyRotation:
    def __init__(self, urls: list[str], ban_after: int) -> None:
        self.urls = list(urls)
        self.ban_after = ban_after
        self.successes: Counter[str] = Counter()
        self.failures: Counter[str] = Counter()
        self.consecutive: Counter[str] = Counter()
        self.dropped: set[str] = set()
        self._cycle = cycle(self.urls) if self.urls else None

    def next(self) -> str | None:
        if self._cycle is None or len(self.dropped) >= len(self.urls):
            return None
        for _ in range(len(self.urls)):
            url = next(self._cycle)
            if url not in self.dropped:
                return url
        return None

    def succeeded(self, proxy: str | None) -> None:
        if proxy:
            self.successes[proxy] += 1
            self.consecutive[proxy] = 0

    def blocked(self, proxy: str | None) -> None:
        if proxy:
            self.failures[proxy] += 1
            self.consecutive[proxy] += 1
            if self.consecutive[proxy] >= self.ban_after:
                self.dropped.add(proxy)
