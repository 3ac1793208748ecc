"""The sandbox connector: deterministic fake profiles, audiences, hashtag posts and group posts, offline.

It is how the platform is tried out (`make run`, the demo advertisers) and how integration
tests exercise the whole job path without a provider: it implements the same interface
as the real connectors, pages through results with a cursor, honours the unit's limit like
the hosted scraper does, and counts its pages against the credential's rate budget. The
data comes from `sandbox_data`, seeded by the target, so a target always gives the same
results. No request leaves the process.

Targets steer it: an identifier starting with `fail-` (after any `#` or `@`) answers a
permanent error, `empty-` an empty result; anything else has results.
"""

from __future__ import annotations

import json

from . import sandbox_data
from .base import Capability, Connector, FetchRequest, Page, PermanentConnectorError, Profile
from .http import RateLimiter, SpeedLimits

PAGE_SIZE = 25
FAILING_PREFIX = "fail-"
EMPTY_PREFIX = "empty-"
AUDIENCE_KINDS = {
    Capability.FOLLOWERS: "followers",
    Capability.FOLLOWING: "following",
    Capability.LIKERS: "likers",
}


def failure_message(identifier: str) -> str:
    return f"Sandbox: the target {identifier!r} always fails (targets named fail-… simulate a provider error)."


class SandboxConnector(Connector):
    name = "Sandbox"
    capabilities = frozenset(Capability)
    platforms: frozenset[str] = frozenset()  # every platform

    def __init__(self, credential, limits: SpeedLimits) -> None:
        self.credential = credential
        self.rate = RateLimiter(f"credential:{credential.pk}", limits.requests_per_second)

    def close(self) -> None:
        return None

    def check(self) -> str:
        return "sandbox (offline)"  # answered in-process: the sandbox makes no request

    def fetch_page(self, request: FetchRequest) -> Page:
        identifier = request.identifier.strip().lstrip("#@")
        if identifier.lower().startswith(FAILING_PREFIX):
            raise PermanentConnectorError(failure_message(identifier))
        self.rate.acquire()
        offset = int(json.loads(request.cursor).get("offset", 0)) if request.cursor else 0
        total = 0 if identifier.lower().startswith(EMPTY_PREFIX) else self._total(request, identifier)
        count = max(0, min(PAGE_SIZE, total - offset))
        page = self._items(request, identifier, offset, count)
        if offset + count < total:
            page.next_cursor = json.dumps({"offset": offset + count})
        return page

    def profile(self, platform: str, username: str) -> Profile | None:
        username = username.strip().lstrip("@")
        if not username or username.lower().startswith(FAILING_PREFIX):
            return None
        return sandbox_data.fake_profile(platform, username)

    def _total(self, request: FetchRequest, identifier: str) -> int:
        if request.capability in AUDIENCE_KINDS:
            total = sandbox_data.audience_size(AUDIENCE_KINDS[request.capability], request.platform, identifier)
        else:
            total = sandbox_data.post_count(request.capability.value, request.platform, identifier)
        # Like a hosted-scraper run given `resultsLimit`, the target yields at most the unit's limit.
        return min(total, request.limit) if request.limit else total

    def _items(self, request: FetchRequest, identifier: str, offset: int, count: int) -> Page:
        capability, platform = request.capability, request.platform
        if capability in AUDIENCE_KINDS:
            return Page(profiles=sandbox_data.audience(AUDIENCE_KINDS[capability], platform, identifier, offset, count))
        if capability is Capability.HASHTAG_POSTS:
            page = Page()
            for index in range(offset, offset + count):
                post, author = sandbox_data.hashtag_post(platform, identifier.lower(), index)
                page.posts.append(post)
                page.profiles.append(author)
            return page
        if capability is Capability.GROUP_POSTS:
            return Page(posts=[sandbox_data.group_post(identifier, index) for index in range(offset, offset + count)])
        return super().fetch_page(request)
