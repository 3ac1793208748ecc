"""The one guarded outbound HTTP client: crawling, connectors and webhooks.

- `guard`: the address policy (schemes, the deny list, SCRAPER_ALLOWED_NETWORKS, resolving once).
- `sync`: requests-based client for webhooks and connectors (`request`).
- `aio`: aiohttp session and `fetch` for the crawl engine.
- `backoff`: retry delays with jitter and Retry-After.

Error messages are fixed strings: a fetched body or a raw socket error never reaches a user.
"""

from .backoff import RETRY_STATUSES, backoff_delay, parse_retry_after
from .guard import BlockedDestination, OutboundError, check_url, override_resolver
from .sync import FetchTimeout, OutboundResponse, ResponseTooLarge, TooManyRedirects, request

__all__ = [
    "RETRY_STATUSES",
    "BlockedDestination",
    "FetchTimeout",
    "OutboundError",
    "OutboundResponse",
    "ResponseTooLarge",
    "TooManyRedirects",
    "backoff_delay",
    "check_url",
    "override_resolver",
    "parse_retry_after",
    "request",
]
