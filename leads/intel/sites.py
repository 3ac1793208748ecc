"""Site keys resolved in the process for a few seconds, so a beacon costs no SQL query.

A site deactivated, or an advertiser suspended, is seen by every process within `TTL_SECONDS`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

TTL_SECONDS = 10.0
MAX_ENTRIES = 10_000  # unknown keys are remembered too; a flood of random keys cannot grow this without end


@dataclass(frozen=True)
class SiteEntry:
    pk: int
    advertiser_id: int
    domain: str
    is_held: bool

    def accepts_host(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host == self.domain or host.endswith(f".{self.domain}")


_entries: dict[str, tuple[float, SiteEntry | None]] = {}


def active_site(key: str) -> SiteEntry | None:
    """The active site with this public key, or None."""
    now = time.monotonic()
    cached = _entries.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    entry = _load(key)
    if len(_entries) >= MAX_ENTRIES:
        _entries.clear()
    _entries[key] = (now + TTL_SECONDS, entry)
    return entry


def _load(key: str) -> SiteEntry | None:
    from .models import Site

    site = Site.objects.select_related("advertiser").filter(key=key, active=True).first()
    if site is None:
        return None
    return SiteEntry(site.pk, site.advertiser_id, site.domain, site.advertiser.is_held)


def forget_sites() -> None:
    _entries.clear()
