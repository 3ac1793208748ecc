"""The connector interface: what a data source can fetch, page by page, in one normalised shape.

A connector declares its `capabilities`; the job runner asks `connector_for` (see
`leads.connectors`) for one that can do a job's kind and fails the job at once when none
can. Every fetch returns one `Page` at a time with the provider's cursor for the next one,
so a job unit can store a page and its cursor in one transaction and resume after a crash.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class Capability(str, enum.Enum):
    HASHTAG_POSTS = "hashtag_posts"
    FOLLOWERS = "followers"
    FOLLOWING = "following"
    LIKERS = "likers"
    GROUP_POSTS = "group_posts"
    PROFILE = "profile"


#: Which capability each scrape-job kind needs.
CAPABILITY_FOR_KIND = {
    "hashtag": Capability.HASHTAG_POSTS,
    "followers": Capability.FOLLOWERS,
    "following": Capability.FOLLOWING,
    "likers": Capability.LIKERS,
    "group_posts": Capability.GROUP_POSTS,
}


class ConnectorError(Exception):
    """A fetch failed for a reason worth showing to the user (never the provider's raw body)."""

    #: False when retrying cannot help (bad credential, quota spent, unknown account).
    retryable = True
    #: The provider's HTTP status when it answered one (shown by a credential check).
    http_status: int | None = None


class PermanentConnectorError(ConnectorError):
    retryable = False


class QuotaExceeded(PermanentConnectorError):
    pass


class ConnectorUnavailable(PermanentConnectorError):
    """No configured connector can do what the job asks."""


@dataclass
class Profile:
    """A social profile as every connector reports it."""

    platform: str
    username: str
    full_name: str = ""
    bio: str = ""
    followers: int | None = None
    following: int | None = None
    website: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    #: None when the source does not say (an upsert then keeps what is stored).
    is_verified: bool | None = None
    is_business: bool | None = None


@dataclass
class Post:
    """A post (content item) with the counts engagement is computed from."""

    platform: str
    post_id: str
    username: str = ""
    author: str = ""
    text: str = ""
    url: str = ""
    posted_at: datetime | None = None
    likes: int = 0
    comments: int = 0
    shares: int = 0
    views: int = 0
    author_followers: int | None = None


@dataclass
class Page:
    """One page of results: profiles found, posts found, and the cursor of the next page ('' = done)."""

    profiles: list[Profile] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    next_cursor: str = ""

    @property
    def is_last(self) -> bool:
        return not self.next_cursor


@dataclass(frozen=True)
class FetchRequest:
    """What a job unit asks a connector for."""

    capability: Capability
    identifier: str
    platform: str
    cursor: str = ""
    limit: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


class Connector:
    """Base of every connector: declare `capabilities`, implement `fetch_page` (and `profile` if PROFILE)."""

    name = "connector"
    capabilities: frozenset[Capability] = frozenset()
    platforms: frozenset[str] = frozenset()

    def can(self, capability: Capability, platform: str) -> bool:
        return capability in self.capabilities and (not self.platforms or platform in self.platforms)

    def fetch_page(self, request: FetchRequest) -> Page:
        """One page of `request.capability` for `request.identifier`, starting at `request.cursor`."""
        raise PermanentConnectorError(f"{self.name} cannot fetch {request.capability.value}")

    def profile(self, platform: str, username: str) -> Profile | None:
        """Full profile of one account, or None when the source does not know it."""
        raise PermanentConnectorError(f"{self.name} cannot fetch profiles")

    def check(self) -> str:
        """Make one cheap call that proves the credential works; the host that answered, or ConnectorError."""
        raise PermanentConnectorError(f"{self.name} cannot be checked")
