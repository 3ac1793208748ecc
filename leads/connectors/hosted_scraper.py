"""Hosted scraper of the Apify kind: start an actor (or saved task) run, poll it, page through its dataset.

This is how followers, following, likers, TikTok and Facebook group posts are obtained
today. Which actor serves which job kind, its input and how dataset fields map to leads
and posts are configured per credential in admin (`ConnectorCredential.actors`); the
defaults below fit the common public actors' output.

The unit's cursor records the run once started ({"run", "dataset", "offset"}), so a worker
that dies while the run is going resumes polling the same run instead of paying for a new one.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime

from .base import (
    CAPABILITY_FOR_KIND,
    Connector,
    ConnectorError,
    FetchRequest,
    Page,
    PermanentConnectorError,
    Post,
    Profile,
)
from .http import ProviderHTTP, SpeedLimits

DEFAULT_BASE_URL = "https://api.apify.com/v2"
DATASET_PAGE_SIZE = 200
RUNNING_STATES = frozenset({"READY", "RUNNING"})
FAILED_STATES = frozenset({"FAILED", "ABORTED", "TIMED-OUT", "TIMED_OUT"})

#: Field mapping of the usual actors' dataset items, per job kind (admin may override any key).
DEFAULT_FIELDS: dict[str, dict[str, str]] = {
    "hashtag": {
        "post_id": "id",
        "username": "ownerUsername",
        "author": "ownerFullName",
        "text": "caption",
        "url": "url",
        "posted_at": "timestamp",
        "likes": "likesCount",
        "comments": "commentsCount",
        "views": "videoViewCount",
    },
    "followers": {
        "username": "username",
        "full_name": "full_name",
        "bio": "biography",
        "followers": "followers_count",
        "following": "follows_count",
        "website": "external_url",
        "emails": "public_email",
        "phones": "public_phone_number",
        "is_verified": "is_verified",
        "is_business": "is_business_account",
    },
    "group_posts": {
        "post_id": "postId",
        "author": "user.name",
        "username": "user.id",
        "text": "text",
        "url": "url",
        "posted_at": "time",
        "likes": "likesCount",
        "comments": "commentsCount",
        "shares": "sharesCount",
    },
}
DEFAULT_FIELDS["following"] = DEFAULT_FIELDS["followers"]
DEFAULT_FIELDS["likers"] = DEFAULT_FIELDS["followers"]

#: The lead and post fields `_page_of` reads, per job kind: what `fields` may map.
POST_FIELDS = (
    "post_id",
    "username",
    "author",
    "text",
    "url",
    "posted_at",
    "likes",
    "comments",
    "shares",
    "views",
    "author_followers",
)
PROFILE_FIELDS = (
    "username",
    "full_name",
    "bio",
    "followers",
    "following",
    "website",
    "emails",
    "phones",
    "is_verified",
    "is_business",
)
MAPPABLE_FIELDS: dict[str, tuple[str, ...]] = {
    "hashtag": POST_FIELDS + tuple(name for name in PROFILE_FIELDS if name not in POST_FIELDS),
    "followers": PROFILE_FIELDS,
    "following": PROFILE_FIELDS,
    "likers": PROFILE_FIELDS,
    "group_posts": POST_FIELDS,
}

#: Input of the usual actors; "{identifier}" and "{limit}" are filled in per target.
DEFAULT_INPUT: dict[str, dict[str, Any]] = {
    "hashtag": {"hashtags": ["{identifier}"], "resultsLimit": "{limit}"},
    "followers": {"usernames": ["{identifier}"], "type": "followers", "resultsLimit": "{limit}"},
    "following": {"usernames": ["{identifier}"], "type": "followings", "resultsLimit": "{limit}"},
    "likers": {"postUrls": ["{identifier}"], "resultsLimit": "{limit}"},
    "group_posts": {"startUrls": [{"url": "https://www.facebook.com/groups/{identifier}"}], "resultsLimit": "{limit}"},
}


def _fill(template: Any, identifier: str, limit: int | None) -> Any:
    if isinstance(template, dict):
        return {key: _fill(value, identifier, limit) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, identifier, limit) for value in template]
    if template == "{limit}":
        return limit or 1000
    if isinstance(template, str):
        return template.replace("{identifier}", identifier)
    return template


def _get(item: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(item, dict):
            return None
        item = item.get(key)
    return item


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(part).strip() for part in value if part]
    return []


def _when(value: Any):
    if not isinstance(value, str):
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


class HostedScraperConnector(Connector):
    name = "Hosted scraper"
    platforms: frozenset[str]

    def __init__(self, credential, limits: SpeedLimits) -> None:
        self.credential = credential
        self.platforms = frozenset({credential.platform})
        self.actors = credential.actors if isinstance(credential.actors, dict) else {}
        self.capabilities = frozenset(
            CAPABILITY_FOR_KIND[kind]
            for kind, spec in self.actors.items()
            if kind in CAPABILITY_FOR_KIND and isinstance(spec, dict) and spec.get("actor_id")
        )
        token = credential.secret
        if not token:
            raise PermanentConnectorError("The hosted-scraper credential has no API token.")
        self.http = ProviderHTTP(
            credential.base_url or DEFAULT_BASE_URL,
            provider=self.name,
            rate_key=f"credential:{credential.pk}",
            limits=limits,
            headers={"Authorization": f"Bearer {token}"},
        )
        self.who = self.http.label(self.http.base_url)
        self.poll_seconds = settings.CONNECTOR_RUN_POLL_SECONDS
        self.run_timeout = settings.CONNECTOR_RUN_TIMEOUT_SECONDS

    def close(self) -> None:
        self.http.close()

    def check(self) -> str:
        """The token's own user (`users/me`): free, starts nothing."""
        return self.http.check_json("users/me")

    def _actor(self, kind: str) -> dict[str, Any]:
        spec = self.actors.get(kind)
        if not isinstance(spec, dict) or not spec.get("actor_id"):
            raise PermanentConnectorError(f"No actor is configured for {kind} on this credential.")
        return spec

    def fetch_page(self, request: FetchRequest) -> Page:
        kind = next(kind for kind, capability in CAPABILITY_FOR_KIND.items() if capability is request.capability)
        spec = self._actor(kind)
        state = json.loads(request.cursor) if request.cursor else {}
        if not state.get("run"):
            return Page(next_cursor=json.dumps(self._start_run(spec, kind, request)))
        if not state.get("finished"):
            state["dataset"] = self._wait_for_run(state["run"]) or state.get("dataset")
            state["finished"] = True
        offset = int(state.get("offset") or 0)
        items = self.http.get_json(
            f"datasets/{state['dataset']}/items",
            {"offset": offset, "limit": DATASET_PAGE_SIZE, "clean": "true", "format": "json"},
        )
        if not isinstance(items, list):
            raise ConnectorError(f"{self.who} answered its dataset in an unexpected shape.")
        page = self._page_of(items, kind, spec, request.platform)
        if len(items) == DATASET_PAGE_SIZE:
            page.next_cursor = json.dumps({**state, "offset": offset + len(items)})
        return page

    def _start_run(self, spec: dict[str, Any], kind: str, request: FetchRequest) -> dict[str, Any]:
        actor_id = str(spec["actor_id"]).replace("/", "~")
        path = f"actor-tasks/{actor_id}/runs" if spec.get("task") else f"acts/{actor_id}/runs"
        run_input = _fill(
            spec.get("input") or DEFAULT_INPUT.get(kind, {}), request.identifier.lstrip("#@"), request.limit
        )
        payload = self.http.post_json(path, run_input)
        run = payload.get("data") if isinstance(payload, dict) else None
        if not isinstance(run, dict) or not run.get("id"):
            raise ConnectorError(
                f"{self.who} did not start the actor run of {kind}: check the actor id in admin → Connector credentials."
            )
        return {"run": run["id"], "dataset": run.get("defaultDatasetId") or "", "offset": 0}

    def _wait_for_run(self, run_id: str) -> str:
        deadline = time.monotonic() + self.run_timeout
        while True:
            payload = self.http.get_json(f"actor-runs/{run_id}")
            run = payload.get("data") if isinstance(payload, dict) else None
            if not isinstance(run, dict):
                raise ConnectorError(f"{self.who} answered the run status in an unexpected shape.")
            status = str(run.get("status") or "")
            if status == "SUCCEEDED":
                return run.get("defaultDatasetId") or ""
            if status in FAILED_STATES:
                raise PermanentConnectorError(
                    f"{self.who}: actor run {run_id} ended {status}; see the run's log at the provider."
                )
            if time.monotonic() > deadline:
                raise ConnectorError(
                    f"{self.who}: actor run {run_id} did not finish within {self.run_timeout} s (CONNECTOR_RUN_TIMEOUT_SECONDS)."
                )
            time.sleep(self.poll_seconds)

    def _page_of(self, items: list[Any], kind: str, spec: dict[str, Any], platform: str) -> Page:
        fields = {**DEFAULT_FIELDS.get(kind, {}), **(spec.get("fields") or {})}
        page = Page()
        for item in items:
            if not isinstance(item, dict):
                continue
            value = {name: _get(item, path) for name, path in fields.items()}
            if "post_id" in fields and value.get("post_id") not in (None, ""):
                page.posts.append(
                    Post(
                        platform=platform,
                        post_id=str(value["post_id"]),
                        username=str(value.get("username") or ""),
                        author=str(value.get("author") or ""),
                        text=str(value.get("text") or ""),
                        url=str(value.get("url") or ""),
                        posted_at=_when(value.get("posted_at")),
                        likes=_int(value.get("likes")) or 0,
                        comments=_int(value.get("comments")) or 0,
                        shares=_int(value.get("shares")) or 0,
                        views=_int(value.get("views")) or 0,
                        author_followers=_int(value.get("author_followers")),
                    )
                )
            username = value.get("username")
            if username not in (None, "") and kind != "group_posts":
                page.profiles.append(
                    Profile(
                        platform=platform,
                        username=str(username),
                        full_name=str(value.get("full_name") or value.get("author") or ""),
                        bio=str(value.get("bio") or ""),
                        followers=_int(value.get("followers")),
                        following=_int(value.get("following")),
                        website=str(value.get("website") or ""),
                        emails=_strings(value.get("emails")),
                        phones=_strings(value.get("phones")),
                        is_verified=_flag(value.get("is_verified")),
                        is_business=_flag(value.get("is_business")),
                    )
                )
        return page
