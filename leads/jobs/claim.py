"""Claiming a queued social job: fair share per advertiser and kind of work (`leads.slots`), priority
within it. PostgreSQL claims with one raw SQL query (row locks, SKIP LOCKED); the embedded SQLite
database, which admits one writer, does the same ordering in Python.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from leads import slots
from leads.models import JobDispatch, ScrapeJob
from leads.models.social import SOCIAL_KINDS

from .states import ACTIVE, HELD, Status

CLAIM_CANDIDATES_SQL = f"""
SELECT j.id, j.advertiser_id, j.kind
FROM leads_scrapejob j
JOIN leads_jobplan d ON d.job_id = j.id
JOIN accounts_advertiser a ON a.id = j.advertiser_id
WHERE j.status = 'pending' AND d.queued_at IS NOT NULL AND (d.not_before IS NULL OR d.not_before <= %(now)s)
  AND j.kind = ANY(%(kinds)s) AND NOT a.status = ANY(%(held)s)
ORDER BY (SELECT count(*) FROM leads_scrapejob r
          WHERE r.advertiser_id = j.advertiser_id AND r.status IN ('assigned', 'running')
            AND {slots.slot_sql("r")} = {slots.slot_sql("j")}) ASC,
         j.priority DESC, d.queued_at ASC, j.id ASC
LIMIT 20
FOR UPDATE OF j SKIP LOCKED
"""


def _claim_candidates(kinds: list[str]) -> list[tuple[int, int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_CANDIDATES_SQL, {"now": timezone.now(), "kinds": kinds, "held": HELD})
        return cursor.fetchall()


def _claim_candidates_portably(kinds: list[str]) -> list[tuple[int, int, str]]:
    """The same order on the embedded SQLite database, whose IMMEDIATE transactions admit one writer."""
    now = timezone.now()
    queued = list(
        ScrapeJob.objects.filter(status=Status.PENDING, kind__in=kinds, dispatch__queued_at__isnull=False)
        .exclude(advertiser__status__in=HELD)
        .filter(Q(dispatch__not_before__isnull=True) | Q(dispatch__not_before__lte=now))
        .values_list("id", "advertiser_id", "kind", "priority", "dispatch__queued_at")[:200]
    )
    busy: dict[tuple[int, str], int] = {}
    for advertiser_id, kind, n in (
        ScrapeJob.objects.filter(status__in=ACTIVE)
        .values("advertiser_id", "kind")
        .annotate(n=Count("id"))
        .values_list("advertiser_id", "kind", "n")
    ):
        key = (advertiser_id, slots.slot_of(kind))
        busy[key] = busy.get(key, 0) + n
    queued.sort(key=lambda row: (busy.get((row[1], slots.slot_of(row[2])), 0), -row[3], row[4], row[0]))
    return [(job_id, advertiser_id, kind) for job_id, advertiser_id, kind, _, _ in queued[:20]]


def claim_next_job(worker_id: str, kinds: Iterable[str] = SOCIAL_KINDS) -> ScrapeJob | None:
    """Assign the best queued job to `worker_id`: least-busy advertiser first, then priority, then age.

    A suspended advertiser's queued jobs are not claimed; they wait, queued, for its reactivation.

    Rows are locked with SKIP LOCKED, so two workers never claim the same job; the
    advertiser's cap for the job's kind of work is re-checked under a per-advertiser advisory
    lock, so it is exact.
    """
    postgres = connection.vendor == "postgresql"
    with transaction.atomic():
        candidates = (
            _claim_candidates([str(kind) for kind in kinds]) if postgres else _claim_candidates_portably(list(kinds))
        )
        full: set[tuple[int, str]] = set()
        for job_id, advertiser_id, kind in candidates:
            slot = (advertiser_id, slots.slot_of(kind))
            if slot in full:
                continue
            slots.lock_advertiser(advertiser_id)
            if not slots.has_free_slot(advertiser_id, kind):
                full.add(slot)
                continue
            now = timezone.now()
            if ScrapeJob.objects.filter(pk=job_id, status=Status.PENDING).update(
                status=Status.ASSIGNED, worker_id=worker_id[:200], assigned_at=now
            ):
                JobDispatch.objects.filter(job_id=job_id).update(queued_at=None)
                return ScrapeJob.objects.get(pk=job_id)
    return None


def due_queued_job_count() -> int:
    now = timezone.now()
    return (
        JobDispatch.objects.filter(job__status=Status.PENDING, job__kind__in=SOCIAL_KINDS, queued_at__isnull=False)
        .exclude(job__advertiser__status__in=HELD)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        .count()
    )


def stalled_assigned_job_ids(older_than_seconds: int = 120) -> list[int]:
    """Jobs claimed but never started (the claiming worker died in between)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return list(
        ScrapeJob.objects.filter(status=Status.ASSIGNED, kind__in=SOCIAL_KINDS, assigned_at__lt=cutoff).values_list(
            "id", flat=True
        )[:50]
    )
