"""Throttles of the public collect endpoint: per client address and per site key."""

from __future__ import annotations

from collections.abc import Mapping

from leadplatform.api.throttling import CountedThrottle, CredentialIPThrottle


class CollectIPThrottle(CredentialIPThrottle):
    """Per client address (the same counting as the credential endpoints, its own rate)."""

    scope = "intel-collect-ip"


class CollectSiteKeyThrottle(CountedThrottle):
    scope = "intel-collect"
    per = "per site key"

    def identity(self, request, view) -> str | None:
        data = request.data if isinstance(request.data, Mapping) else {}
        key = data.get("site_key")
        # An absent or malformed key is refused by validation; the per-address limit still counts it.
        return f"site:{key}" if isinstance(key, str) and 0 < len(key) <= 64 else None
