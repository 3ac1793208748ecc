"""Batched, idempotent ingest of leads and content items: one statement per batch.

Leads are keyed by (advertiser, platform, username) and content items by (advertiser,
platform, post_id); a batch is merged by one `INSERT … ON CONFLICT DO UPDATE` that keeps
the freshest non-empty values, so re-running a page never duplicates anything. Leads
travel by COPY into a session-local staging table (rows parsed in C, bench/ingest.py);
content items, fewer and wider, as one JSON document."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.utils import timezone

from .connectors.base import Post, Profile

EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}\b"
)
# International or common national formats with at least 8 digits; dates and counts have fewer or no separators.
PHONE_RE = re.compile(r"(?<![\w])(?:\+|00)?\d[\d ().-]{6,18}\d(?![\w])")
MAX_CONTACTS = 5


def extract_emails(*texts: str | None) -> list[str]:
    """E-mail addresses found in bios and profile fields, lower-cased, in order, without repeats."""
    found: dict[str, None] = {}
    for text in texts:
        for match in EMAIL_RE.findall(text or ""):
            found.setdefault(match.lower().rstrip("."), None)
    return list(found)[:MAX_CONTACTS]


def extract_phones(*texts: str | None) -> list[str]:
    """Phone numbers (8–15 digits, optional +) found in bios and profile fields, normalised to digits."""
    found: dict[str, None] = {}
    for text in texts:
        for match in PHONE_RE.findall(EMAIL_RE.sub(" ", text or "")):
            digits = re.sub(r"\D", "", match)
            if not 8 <= len(digits) <= 15:
                continue
            if re.fullmatch(r"(19|20)\d{6}", digits):  # a compact date, not a phone
                continue
            prefix = "+" if match.startswith(("+", "00")) else ""
            found.setdefault(prefix + (digits[2:] if match.startswith("00") else digits), None)
    return list(found)[:MAX_CONTACTS]


def with_contacts(profile: Profile) -> Profile:
    """The profile with e-mails and phones extracted from its bio and fields added to what the source gave."""
    profile.emails = list(
        dict.fromkeys(
            [e.lower() for e in profile.emails] + extract_emails(profile.bio, profile.website, profile.full_name)
        )
    )[:MAX_CONTACTS]
    profile.phones = list(dict.fromkeys(profile.phones + extract_phones(profile.bio)))[:MAX_CONTACTS]
    return profile


def engagement_rate(likes: int, comments: int, shares: int, views: int, followers: int | None) -> Decimal | None:
    """Percent: (likes + comments) per follower of the author, else (likes + comments + shares) per view."""
    if followers:
        rate = Decimal(likes + comments) * 100 / Decimal(followers)
    elif views:
        rate = Decimal(likes + comments + shares) * 100 / Decimal(views)
    else:
        return None
    return min(rate, Decimal("9999999.99")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def render_engagement_rate(rate: Decimal | None) -> str | None:
    """The seed's rendering: one decimal and a percent sign ("5.2%")."""
    if rate is None:
        return None
    return f"{rate.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"


@dataclass(frozen=True)
class LeadSource:
    """Where a batch of leads came from: written on every row of the batch."""

    advertiser_id: int
    source_type: str = ""
    job_id: int | None = None
    target_id: int | None = None


def relax_commit() -> None:
    """Inside an ingest transaction: commit without waiting for the WAL flush (PostgreSQL only).

    A crash can lose the last fraction of a second of committed pages, never half of one:
    the page's rows, counters and cursor go together, and a lost page is fetched again.
    """
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _text(value: str | None, limit: int) -> str:
    return (value or "").replace("\x00", "")[:limit]


def _latest_per_key(profiles: Iterable[Profile]) -> list[Profile]:
    """One profile per key (ON CONFLICT cannot touch a row twice in a statement), in key order:
    concurrent batches then lock shared keys in the same order and cannot deadlock, and the
    unique index is walked in order."""
    latest: dict[tuple[str, str], Profile] = {}
    for profile in profiles:
        username = _text(profile.username, 200).strip().lstrip("@").lower()
        if username:
            profile.username = username
            latest[(profile.platform, username)] = profile
    return [latest[key] for key in sorted(latest)]


# The batch is COPYed into a session-local staging table, then merged by one statement:
# COPY parses rows in C, where a JSON document cost a parse on both ends.
LEAD_COLUMNS = {
    "platform": "text",
    "username": "text",
    "full_name": "text",
    "bio": "text",
    "followers": "bigint",
    "following": "bigint",
    "emails": "text",
    "phones": "text",
    "website": "text",
    "is_verified": "boolean",
    "is_business": "boolean",
}
CREATE_STAGING_SQL = (
    "CREATE TEMP TABLE IF NOT EXISTS lead_ingest ("
    + ", ".join(f"{name} {kind}" for name, kind in LEAD_COLUMNS.items())
    + ") ON COMMIT DELETE ROWS"
)

UPSERT_LEADS_SQL = """
INSERT INTO leads_lead AS lead (
    advertiser_id, platform, username, full_name, bio, followers, following, emails, phones, website,
    is_verified, is_business, blacklisted, outreach_ready, source_type, job_id, target_id, scraped_at, created_at
)
SELECT %(advertiser)s, u.platform, u.username, u.full_name, u.bio, u.followers, u.following, u.emails, u.phones,
       u.website, COALESCE(u.is_verified, false), COALESCE(u.is_business, false), false,
       (u.emails <> '' OR u.phones <> ''), %(source_type)s, %(job)s, %(target)s, %(now)s, %(now)s
FROM lead_ingest u
ON CONFLICT (advertiser_id, platform, username) DO UPDATE SET
    full_name = COALESCE(NULLIF(EXCLUDED.full_name, ''), lead.full_name),
    bio = COALESCE(NULLIF(EXCLUDED.bio, ''), lead.bio),
    followers = COALESCE(EXCLUDED.followers, lead.followers),
    following = COALESCE(EXCLUDED.following, lead.following),
    emails = COALESCE(NULLIF(EXCLUDED.emails, ''), lead.emails),
    phones = COALESCE(NULLIF(EXCLUDED.phones, ''), lead.phones),
    website = COALESCE(NULLIF(EXCLUDED.website, ''), lead.website),
    is_verified = CASE WHEN %(verified_known)s THEN EXCLUDED.is_verified ELSE lead.is_verified END,
    is_business = CASE WHEN %(business_known)s THEN EXCLUDED.is_business ELSE lead.is_business END,
    outreach_ready = NOT lead.blacklisted AND (
        COALESCE(NULLIF(EXCLUDED.emails, ''), lead.emails) <> ''
        OR COALESCE(NULLIF(EXCLUDED.phones, ''), lead.phones) <> ''
    ),
    source_type = COALESCE(NULLIF(EXCLUDED.source_type, ''), lead.source_type),
    job_id = COALESCE(EXCLUDED.job_id, lead.job_id),
    target_id = COALESCE(EXCLUDED.target_id, lead.target_id),
    scraped_at = EXCLUDED.scraped_at
WHERE lead.scraped_at <= EXCLUDED.scraped_at
"""


def _lead_row(p: Profile) -> tuple:
    return (
        p.platform,
        p.username,
        _text(p.full_name, 300),
        _text(p.bio, 5000),
        p.followers,
        p.following,
        ",".join(p.emails)[:2000],
        ",".join(p.phones)[:1000],
        _text(p.website, 1000),
        p.is_verified,
        p.is_business,
    )


def upsert_leads(source: LeadSource, profiles: Sequence[Profile], *, now: datetime | None = None) -> int:
    """Insert or refresh leads in one statement; returns the rows written (a stale duplicate writes none)."""
    rows = _latest_per_key(profiles)
    if not rows:
        return 0
    # A flag the source did not report keeps the stored value; mixed batches are split by the caller's page.
    verified_known = all(p.is_verified is not None for p in rows)
    business_known = all(p.is_business is not None for p in rows)
    now = now or timezone.now()
    values = [_lead_row(p) for p in rows]
    if connection.vendor != "postgresql":
        rows_by_name = [dict(zip(LEAD_COLUMNS, value, strict=True)) for value in values]
        return _merge_leads(source, rows_by_name, now, verified_known, business_known)
    params = {
        "advertiser": source.advertiser_id,
        "source_type": source.source_type,
        "job": source.job_id,
        "target": source.target_id,
        "now": now,
        "verified_known": verified_known,
        "business_known": business_known,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(CREATE_STAGING_SQL)
        with cursor.cursor.copy("COPY lead_ingest FROM STDIN") as copy:
            for value in values:
                copy.write_row(value)
        cursor.execute(UPSERT_LEADS_SQL, params)
        written = cursor.rowcount
        # The commit empties the table, but this block may be a savepoint inside a longer transaction.
        cursor.execute("TRUNCATE lead_ingest")
        return written


#: What a merge writes besides the profile (`Lead.PROFILE_FIELDS`).
LEAD_STATE_FIELDS = [
    "is_verified",
    "is_business",
    "outreach_ready",
    "source_type",
    "job",
    "target",
    "scraped_at",
]


def _merge_leads(
    source: LeadSource, values: list[dict], now: datetime, verified_known: bool, business_known: bool
) -> int:
    """The same rules for the embedded SQLite database (one writer at a time): merge in Python, then upsert."""
    from .models import Lead

    existing = {
        (lead.platform, lead.username): lead
        for lead in Lead.objects.filter(
            advertiser_id=source.advertiser_id, username__in=[v["username"] for v in values]
        )
    }
    written = []
    for value in values:
        lead = existing.get((value["platform"], value["username"]))
        if lead is None:
            lead = Lead(
                advertiser_id=source.advertiser_id,
                platform=value["platform"],
                username=value["username"],
                created_at=now,
            )
        elif lead.scraped_at > now:
            continue
        for field in ("full_name", "bio", "emails", "phones", "website"):
            if value[field]:
                setattr(lead, field, value[field])
        for field in ("followers", "following"):
            if value[field] is not None:
                setattr(lead, field, value[field])
        if verified_known or lead.pk is None:
            lead.is_verified = bool(value["is_verified"])
        if business_known or lead.pk is None:
            lead.is_business = bool(value["is_business"])
        lead.outreach_ready = bool(lead.emails or lead.phones) and not lead.blacklisted
        lead.source_type = source.source_type or lead.source_type
        lead.job_id = source.job_id or lead.job_id
        lead.target_id = source.target_id or lead.target_id
        lead.scraped_at = now
        written.append(lead)
    Lead.objects.bulk_create(
        written,
        update_conflicts=True,
        unique_fields=["advertiser", "platform", "username"],
        update_fields=[*Lead.PROFILE_FIELDS, *LEAD_STATE_FIELDS],
    )
    return len(written)


UPSERT_CONTENT_SQL = """
INSERT INTO leads_contentitem AS item (
    advertiser_id, platform, post_id, username, author, text, url, posted_at, likes_count, comments_count,
    shares_count, views_count, engagement_rate, job_id, scraped_at
)
SELECT %(advertiser)s, u.platform, u.post_id, u.username, u.author, u.text, u.url, u.posted_at, u.likes, u.comments,
       u.shares, u.views, u.rate, %(job)s, %(now)s
FROM jsonb_to_recordset(%(rows)s::jsonb)
     AS u(platform text, post_id text, username text, author text, text text, url text, posted_at timestamptz,
          likes bigint, comments bigint, shares bigint, views bigint, rate numeric)
ON CONFLICT (advertiser_id, platform, post_id) DO UPDATE SET
    username = COALESCE(NULLIF(EXCLUDED.username, ''), item.username),
    author = COALESCE(NULLIF(EXCLUDED.author, ''), item.author),
    text = COALESCE(NULLIF(EXCLUDED.text, ''), item.text),
    url = COALESCE(NULLIF(EXCLUDED.url, ''), item.url),
    posted_at = COALESCE(EXCLUDED.posted_at, item.posted_at),
    likes_count = EXCLUDED.likes_count,
    comments_count = EXCLUDED.comments_count,
    shares_count = EXCLUDED.shares_count,
    views_count = EXCLUDED.views_count,
    engagement_rate = COALESCE(EXCLUDED.engagement_rate, item.engagement_rate),
    job_id = COALESCE(EXCLUDED.job_id, item.job_id),
    scraped_at = EXCLUDED.scraped_at
WHERE item.scraped_at <= EXCLUDED.scraped_at
"""


def _post_row(post: Post) -> dict:
    likes, comments, shares, views = (
        max(0, value or 0) for value in (post.likes, post.comments, post.shares, post.views)
    )
    rate = engagement_rate(likes, comments, shares, views, post.author_followers)
    return {
        "platform": post.platform,
        "post_id": post.post_id,
        "username": _text(post.username, 200).lstrip("@").lower(),
        "author": _text(post.author, 300),
        "text": _text(post.text, 20000),
        "url": _text(post.url, 1000),
        "posted_at": post.posted_at.isoformat() if post.posted_at else None,
        "likes": likes,
        "comments": comments,
        "shares": shares,
        "views": views,
        "rate": str(rate) if rate is not None else None,
    }


def upsert_content_items(
    advertiser_id: int, posts: Sequence[Post], *, job_id: int | None = None, now: datetime | None = None
) -> int:
    """Insert or refresh posts in one statement, engagement rate computed; returns rows written."""
    latest: dict[tuple[str, str], Post] = {}
    for post in posts:
        post_id = _text(post.post_id, 200).strip()
        if post_id:
            post.post_id = post_id
            latest[(post.platform, post_id)] = post
    rows = list(latest.values())
    if not rows:
        return 0
    now = now or timezone.now()
    if connection.vendor != "postgresql":
        return _merge_content_items(advertiser_id, rows, job_id, now)
    params = {"advertiser": advertiser_id, "job": job_id, "now": now, "rows": json.dumps([_post_row(p) for p in rows])}
    with connection.cursor() as cursor:
        cursor.execute(UPSERT_CONTENT_SQL, params)
        return cursor.rowcount


def _merge_content_items(advertiser_id: int, posts: list[Post], job_id: int | None, now: datetime) -> int:
    """The same rules for the embedded SQLite database: merge in Python, then upsert."""
    from .models import ContentItem

    existing = {
        (item.platform, item.post_id): item
        for item in ContentItem.objects.filter(advertiser_id=advertiser_id, post_id__in=[p.post_id for p in posts])
    }
    written = []
    for post in posts:
        row = _post_row(post)
        item = existing.get((post.platform, post.post_id)) or ContentItem(
            advertiser_id=advertiser_id, platform=post.platform, post_id=post.post_id
        )
        if item.pk is not None and item.scraped_at > now:
            continue
        for field in ("username", "author", "text", "url"):
            if row[field]:
                setattr(item, field, row[field])
        item.posted_at = post.posted_at or item.posted_at
        item.likes_count, item.comments_count = row["likes"], row["comments"]
        item.shares_count, item.views_count = row["shares"], row["views"]
        if row["rate"] is not None:
            item.engagement_rate = Decimal(row["rate"])
        item.job_id = job_id or item.job_id
        item.scraped_at = now
        written.append(item)
    ContentItem.objects.bulk_create(
        written,
        update_conflicts=True,
        unique_fields=["advertiser", "platform", "post_id"],
        update_fields=[
            "username",
            "author",
            "text",
            "url",
            "posted_at",
            "likes_count",
            "comments_count",
            "shares_count",
            "views_count",
            "engagement_rate",
            "job",
            "scraped_at",
        ],
    )
    return len(written)
