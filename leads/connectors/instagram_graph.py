"""Instagram Graph API: hashtag search and recent media, business discovery of professional accounts.

What the official API allows (and nothing more): a hashtag's recent media (no owner
usernames: leads come from the professional accounts the captions mention, looked up with
business discovery) and the public fields of professional accounts. Each credential may
query 30 unique hashtags per rolling 7 days; `reserve_hashtag` counts them exactly.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .base import (
    Capability,
    Connector,
    ConnectorError,
    FetchRequest,
    Page,
    PermanentConnectorError,
    Post,
    Profile,
    QuotaExceeded,
)
from .http import ProviderHTTP, SpeedLimits

DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0"
HASHTAG_WINDOW = timedelta(days=7)
PAGE_SIZE = 50
MEDIA_FIELDS = "id,caption,like_count,comments_count,permalink,timestamp,media_type"
PROFILE_FIELDS = "username,name,biography,website,followers_count,follows_count,media_count,profile_picture_url"
MENTION_RE = re.compile(r"(?<![\w.])@([A-Za-z0-9._]{1,30})")


def reserve_hashtag(credential_id: int, hashtag: str, quota: int) -> str:
    """The hashtag id already found in the window, or '' when a new search is allowed; QuotaExceeded when not."""
    from leads.models import ConnectorCredential, HashtagQuery

    now = timezone.now()
    with transaction.atomic():
        # The credential row serialises quota decisions of parallel units.
        ConnectorCredential.objects.select_for_update().filter(pk=credential_id).first()
        window_start = now - HASHTAG_WINDOW
        existing = HashtagQuery.objects.filter(credential_id=credential_id, hashtag=hashtag).first()
        if existing and existing.first_queried_at >= window_start:
            return existing.hashtag_id
        used = HashtagQuery.objects.filter(credential_id=credential_id, first_queried_at__gte=window_start).count()
        if used >= quota:
            raise QuotaExceeded(f"The Instagram account has used its {quota} unique hashtags of the last 7 days.")
        HashtagQuery.objects.update_or_create(
            credential_id=credential_id, hashtag=hashtag, defaults={"first_queried_at": now, "hashtag_id": ""}
        )
        return ""


def remember_hashtag_id(credential_id: int, hashtag: str, hashtag_id: str) -> None:
    from leads.models import HashtagQuery

    HashtagQuery.objects.filter(credential_id=credential_id, hashtag=hashtag).update(hashtag_id=hashtag_id)


def _int(value) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _when(value) -> datetime | None:
    if not isinstance(value, str):
        return None
    # The Graph API writes "2024-01-01T09:00:00+0000".
    return parse_datetime(re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", value))


class InstagramGraphConnector(Connector):
    name = "Instagram Graph API"
    capabilities = frozenset({Capability.HASHTAG_POSTS, Capability.PROFILE})
    platforms = frozenset({"instagram"})

    def __init__(self, credential, limits: SpeedLimits) -> None:
        self.credential = credential
        self.user_id = credential.account_id
        self.token = credential.secret
        if not self.user_id or not self.token:
            raise PermanentConnectorError("The Instagram Graph API credential needs an account id and an access token.")
        self.http = ProviderHTTP(
            credential.base_url or DEFAULT_BASE_URL,
            provider=self.name,
            rate_key=f"credential:{credential.pk}",
            limits=limits,
            headers={"Authorization": f"Bearer {self.token}"},
        )

    def close(self) -> None:
        self.http.close()

    def fetch_page(self, request: FetchRequest) -> Page:
        if request.capability is not Capability.HASHTAG_POSTS:
            return super().fetch_page(request)
        state = json.loads(request.cursor) if request.cursor else {}
        hashtag = request.identifier.strip().lstrip("#").lower()
        hashtag_id = state.get("id") or self._hashtag_id(hashtag)
        params = {"user_id": self.user_id, "fields": MEDIA_FIELDS, "limit": PAGE_SIZE, "after": state.get("after")}
        payload = self.http.get_json(f"{hashtag_id}/recent_media", params)
        if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
            raise ConnectorError("The Graph API answered in an unexpected shape.")
        posts, mentioned = [], {}
        for media in payload["data"]:
            if not isinstance(media, dict) or not media.get("id"):
                continue
            caption = media.get("caption") or ""
            posts.append(
                Post(
                    platform="instagram",
                    post_id=str(media["id"]),
                    text=caption,
                    url=media.get("permalink") or "",
                    posted_at=_when(media.get("timestamp")),
                    likes=_int(media.get("like_count")) or 0,
                    comments=_int(media.get("comments_count")) or 0,
                )
            )
            for username in MENTION_RE.findall(caption):
                mentioned.setdefault(username.lower().rstrip("."), None)
        profiles = [profile for username in mentioned if (profile := self.profile("instagram", username))]
        paging = payload.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        next_cursor = json.dumps({"id": hashtag_id, "after": after}) if after and paging.get("next") else ""
        return Page(profiles=profiles, posts=posts, next_cursor=next_cursor)

    def _hashtag_id(self, hashtag: str) -> str:
        known = reserve_hashtag(self.credential.pk, hashtag, self.credential.hashtag_quota)
        if known:
            return known
        payload = self.http.get_json("ig_hashtag_search", {"user_id": self.user_id, "q": hashtag})
        data = payload.get("data") if isinstance(payload, dict) else None
        if not data or not isinstance(data[0], dict) or not data[0].get("id"):
            raise PermanentConnectorError(f"Instagram does not know the hashtag #{hashtag}.")
        hashtag_id = str(data[0]["id"])
        remember_hashtag_id(self.credential.pk, hashtag, hashtag_id)
        return hashtag_id

    def check(self) -> str:
        """The professional account's own username: needs a valid token and instagram_basic."""
        return self.http.check_json(self.user_id, {"fields": "username"})

    def profile(self, platform: str, username: str) -> Profile | None:
        """Business discovery: public fields of a professional account; None for personal or unknown ones."""
        fields = f"business_discovery.username({username}){{{PROFILE_FIELDS}}}"
        try:
            payload = self.http.get_json(self.user_id, {"fields": fields})
        except PermanentConnectorError as exc:
            if "does not know" in str(exc) or "invalid" in str(exc):
                return None  # 400/404: not a professional account, or no such account
            raise
        found = payload.get("business_discovery") if isinstance(payload, dict) else None
        if not isinstance(found, dict) or not found.get("username"):
            return None
        return Profile(
            platform="instagram",
            username=str(found["username"]),
            full_name=found.get("name") or "",
            bio=found.get("biography") or "",
            website=found.get("website") or "",
            followers=_int(found.get("followers_count")),
            following=_int(found.get("follows_count")),
            is_business=True,
        )
