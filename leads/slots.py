"""Running slots per advertiser, counted per kind of work, and why a queued job is still waiting.

Lead jobs (/api/v1), group-post tasks (/api/social) and web crawls (/api/web/v1) each have
their own cap per advertiser, so a long crawl never holds back a lead job. A job that waits
says why (`waiting_reason`) and where it stands among its advertiser's queued jobs of the
same kind (`queue_position`, 1 = next).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from .models import ScrapeJob

Kind = ScrapeJob.Kind
Status = ScrapeJob.Status
ACTIVE = (Status.ASSIGNED, Status.RUNNING)

LEAD_JOBS, GROUP_POSTS, WEB = "lead_jobs", "group_posts", "web"
#: The kinds of work that share one slot count.
SLOT_KINDS: dict[str, tuple[str, ...]] = {
    LEAD_JOBS: (Kind.HASHTAG, Kind.FOLLOWERS, Kind.FOLLOWING, Kind.LIKERS),
    GROUP_POSTS: (Kind.GROUP_POSTS,),
    WEB: (Kind.WEB,),
}
CAP_SETTINGS = {
    LEAD_JOBS: "LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER",
    GROUP_POSTS: "SOCIAL_MAX_RUNNING_TASKS_PER_ADVERTISER",
    WEB: "WEB_MAX_RUNNING_CRAWLS_PER_ADVERTISER",
}
PLURALS = {LEAD_JOBS: "lead jobs", GROUP_POSTS: "group-post tasks", WEB: "web crawls"}
#: Advisory-lock namespace of the per-advertiser slot check (with the advertiser id as second key).
SLOT_LOCK = 0x5C0B


def slot_of(kind: str) -> str:
    return next((slot for slot, kinds in SLOT_KINDS.items() if kind in kinds), LEAD_JOBS)


def slot_sql(alias: str) -> str:
    """The slot of `alias`.kind as an SQL expression (for ordering claims by how busy a slot is)."""
    whens = " ".join(
        f"WHEN {alias}.kind IN ({', '.join(repr(str(kind)) for kind in kinds)}) THEN '{slot}'"
        for slot, kinds in SLOT_KINDS.items()
    )
    return f"(CASE {whens} END)"


def cap(kind: str) -> int:
    slot = slot_of(kind)
    return int(getattr(settings, CAP_SETTINGS[slot]))


def lock_advertiser(advertiser_id: int) -> None:
    """Serialise slot decisions of one advertiser until the transaction ends (no-op off PostgreSQL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [SLOT_LOCK, advertiser_id])


def running_count(advertiser_id: int, kind: str) -> int:
    return (
        ScrapeJob.objects.for_advertiser(advertiser_id)
        .filter(status__in=ACTIVE, kind__in=SLOT_KINDS[slot_of(kind)])
        .count()
    )


def has_free_slot(advertiser_id: int, kind: str) -> bool:
    return running_count(advertiser_id, kind) < cap(kind)


# ---------------------------------------------------------------------------------------
# Why a job waits
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Waiting:
    reason: str | None = None
    position: int | None = None


NOT_WAITING = Waiting()


def _is_waiting(row: dict) -> bool:
    if row["status"] != Status.PENDING:
        return False
    # A social job waits once it is queued (run, schedule, retry); a web job from its creation.
    return row["kind"] == Kind.WEB or row["dispatch__queued_at"] is not None


def _queue_order(row: dict) -> tuple:
    since = row["dispatch__queued_at"] if row["kind"] != Kind.WEB else row["created_at"]
    return (-row["priority"], since, row["id"])


def _reason(row: dict, running: int) -> str:
    slot = slot_of(row["kind"])
    limit = cap(row["kind"])
    not_before = row["dispatch__not_before"]
    if not_before is not None and not_before > timezone.now():
        return (
            f"Waiting to retry after a failure (retry {row['dispatch__retries_used']} of {row['dispatch__max_retries']}); "
            f"not before {not_before.isoformat().replace('+00:00', 'Z')}."
        )
    if running >= limit:
        return (
            f"Waiting for a free slot: {running} of {limit} {PLURALS[slot]} of this advertiser are running "
            f"({CAP_SETTINGS[slot]}={limit}); it starts when one of them finishes."
        )
    return "Queued: a slot is free, waiting for a worker to pick it up."


FIELDS = (
    "id",
    "advertiser_id",
    "kind",
    "status",
    "priority",
    "created_at",
    "dispatch__queued_at",
    "dispatch__not_before",
    "dispatch__retries_used",
    "dispatch__max_retries",
)


def waiting_of(jobs: Iterable[ScrapeJob]) -> dict[int, Waiting]:
    """`Waiting` of each job (not waiting: reason and position None), in two queries whatever the count."""
    jobs = list(jobs)
    waiting = {job.pk: NOT_WAITING for job in jobs}
    candidates = [job for job in jobs if job.status == Status.PENDING]
    if not candidates:
        return waiting
    advertisers = {job.advertiser_id for job in candidates}
    kinds = {kind for job in candidates for kind in SLOT_KINDS[slot_of(job.kind)]}
    # Every queued job of these advertisers and slots: bounded by the open-job caps per advertiser.
    queued = [
        row
        for row in ScrapeJob.objects.filter(advertiser_id__in=advertisers, kind__in=kinds, status=Status.PENDING)
        .values(*FIELDS)
        .order_by()
        if _is_waiting(row)
    ]
    lines: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for row in queued:
        lines[row["advertiser_id"], slot_of(row["kind"])].append(row)
    running: dict[tuple[int, str], int] = defaultdict(int)
    for row in (
        ScrapeJob.objects.filter(advertiser_id__in=advertisers, kind__in=kinds, status__in=ACTIVE)
        .values("advertiser_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        running[row["advertiser_id"], slot_of(row["kind"])] += row["n"]
    for key, rows in lines.items():
        rows.sort(key=_queue_order)
        for position, row in enumerate(rows, start=1):
            if row["id"] in waiting:
                waiting[row["id"]] = Waiting(_reason(row, running[key]), position)
    return waiting
