"""Lead ingest speed: 200,000 leads with 20% duplicates upserted into PostgreSQL three ways.

1. `leads.ingest.upsert_leads`, the platform's path, written as a job's page is (advertiser,
   job and target on every row): batches of 5,000, each COPYed into a session-local staging
   table and merged by one `INSERT … ON CONFLICT (advertiser, platform, username) DO UPDATE`,
   in its own transaction committed without waiting for the WAL flush; the lead-count and
   reference-check triggers included;
2. the one-row-at-a-time ORM path (`Lead.objects.update_or_create` per lead), what a naive
   loop does;
3. a raw `COPY` of the same rows into an unindexed, unconstrained table: the ceiling.

Every path starts from an empty leads table and gets the same rows in the same order
(contacts are extracted beforehand, once). Prints leads/second for each; the target for
the platform's path is ≥ 50,000 leads/s.

    .venv/bin/python bench/ingest.py
    BENCH_INGEST_DATABASE_URL=postgres://…/db BENCH_INGEST_ROWS=200000 BENCH_ORM_ROWS=20000 \
        .venv/bin/python bench/ingest.py

The ORM path runs on the first BENCH_ORM_ROWS rows of the same data (default 20,000, so the
bench ends in minutes; set it to 200000 for the whole set): its rate is per row and flat.
The bench database (default lp_bench_ingest) is its own, separate from the development and
test ones and from the list bench's (emptying and refilling the leads table bloats its
indexes, which would slow the list bench): created and migrated for the run, dropped at its
end, and refused when it exists without this bench's mark (bench/_isolation.py). No Redis.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._isolation import database_url, environment, own_database  # noqa: E402

OWNER = "bench/ingest.py"
DATABASE_URL = database_url("BENCH_INGEST_DATABASE_URL", "lp_bench_ingest")
ROWS = int(os.environ.get("BENCH_INGEST_ROWS", "200000"))
ORM_ROWS = min(ROWS, int(os.environ.get("BENCH_ORM_ROWS", "20000")))
DUPLICATE_SHARE = 0.20
BATCH = int(os.environ.get("BENCH_INGEST_BATCH", "5000"))

os.environ.update(environment(DATABASE_URL, None))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")


def make_profiles(count: int, duplicate_share: float):
    """`count` profiles of which `duplicate_share` repeat an earlier username (with fresher values)."""
    from leads.connectors.base import Profile
    from leads.ingest import with_contacts

    rng = random.Random(5)
    unique = int(count * (1 - duplicate_share))
    profiles = []
    for index in range(count):
        n = index if index < unique else rng.randrange(unique)
        bio = f"Creator #{n} · fitness and food" + (f" · collabs: hello{n}@mail.example" if n % 3 == 0 else "")
        if n % 7 == 0:
            bio += f" · +44 20 7946 {n % 10000:04d}"
        profiles.append(
            with_contacts(
                Profile(
                    platform="instagram" if n % 5 else "tiktok",
                    username=f"creator_{n}",
                    full_name=f"Creator {n}",
                    bio=bio,
                    followers=rng.randrange(100, 2_000_000),
                    following=rng.randrange(10, 5000),
                    website=f"https://creator{n}.example" if n % 4 == 0 else "",
                    is_verified=n % 50 == 0,
                    is_business=n % 3 == 0,
                )
            )
        )
    # Duplicates arrive interleaved with new rows, as they do from parallel targets.
    head, tail = profiles[:unique], profiles[unique:]
    mixed = head[: unique // 2]
    rest = head[unique // 2 :] + tail
    rng.shuffle(rest)
    return mixed + rest


def empty_leads(advertiser_id: int) -> None:
    """Remove this bench's rows and their dead tuples, so every path starts from the same table."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM leads_lead WHERE advertiser_id = %s", [advertiser_id])
        cursor.execute("DELETE FROM leads_leadcount WHERE advertiser_id = %s", [advertiser_id])
        cursor.execute("VACUUM ANALYZE leads_lead")


def job_page_source(advertiser_id: int):
    """Where a followers job's pages come from: its job and target, as `leads.jobs.run` writes them."""
    from leads.ingest import LeadSource
    from leads.models import ScrapeJob, Target

    target, _ = Target.objects.get_or_create(
        advertiser_id=advertiser_id, identifier="bench_account", target_type=Target.Type.FOLLOWERS
    )
    job, _ = ScrapeJob.objects.get_or_create(
        advertiser_id=advertiser_id, name="Bench ingest", defaults={"kind": ScrapeJob.Kind.FOLLOWERS}
    )
    return LeadSource(advertiser_id, source_type=target.target_type, job_id=job.pk, target_id=target.pk)


def run_upsert(advertiser_id: int, profiles) -> float:
    from django.db import transaction

    from leads.ingest import relax_commit, upsert_leads

    source = job_page_source(advertiser_id)
    started = time.perf_counter()
    for start in range(0, len(profiles), BATCH):
        with transaction.atomic():
            relax_commit()  # as `leads.jobs.run.store_page` does
            upsert_leads(source, profiles[start : start + BATCH])
    return time.perf_counter() - started


def run_orm(advertiser_id: int, profiles) -> float:
    from django.utils import timezone

    from leads.models import Lead

    started = time.perf_counter()
    for profile in profiles:
        emails, phones = ",".join(profile.emails), ",".join(profile.phones)
        Lead.objects.update_or_create(
            advertiser_id=advertiser_id,
            platform=profile.platform,
            username=profile.username,
            defaults={
                "full_name": profile.full_name,
                "bio": profile.bio,
                "followers": profile.followers,
                "following": profile.following,
                "emails": emails,
                "phones": phones,
                "website": profile.website,
                "is_verified": bool(profile.is_verified),
                "is_business": bool(profile.is_business),
                "outreach_ready": bool(emails or phones),
                "source_type": "followers",
                "scraped_at": timezone.now(),
            },
        )
    return time.perf_counter() - started


def run_copy(advertiser_id: int, profiles) -> float:
    from django.db import connection
    from django.utils import timezone

    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_lead_copy")
        cursor.execute("CREATE UNLOGGED TABLE bench_lead_copy (LIKE leads_lead INCLUDING DEFAULTS)")
        cursor.execute("ALTER TABLE bench_lead_copy ALTER COLUMN id DROP NOT NULL")
    raw = connection.connection
    started = time.perf_counter()
    with raw.cursor() as cursor:
        with cursor.copy(
            "COPY bench_lead_copy (advertiser_id, platform, username, full_name, bio, followers, following, emails, "
            "phones, website, is_verified, is_business, blacklisted, outreach_ready, source_type, scraped_at, "
            "created_at) "
            "FROM STDIN"
        ) as copy:
            for p in profiles:
                emails, phones = ",".join(p.emails), ",".join(p.phones)
                copy.write_row(
                    (
                        advertiser_id,
                        p.platform,
                        p.username,
                        p.full_name,
                        p.bio,
                        p.followers,
                        p.following,
                        emails,
                        phones,
                        p.website,
                        bool(p.is_verified),
                        bool(p.is_business),
                        False,
                        bool(emails or phones),
                        "followers",
                        now,
                        now,
                    )
                )
    raw.commit()
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_lead_copy")
    return elapsed


def main() -> None:
    with own_database(DATABASE_URL, OWNER):
        measure()


def measure() -> None:
    import django

    django.setup()
    from accounts.models import Advertiser
    from leads.models import Lead, LeadCount

    advertiser, _ = Advertiser.objects.get_or_create(
        contact_email="bench-ingest@bench.example", defaults={"name": "Bench ingest"}
    )
    print(f"preparing {ROWS:,} leads ({DUPLICATE_SHARE:.0%} duplicates)…", flush=True)
    profiles = make_profiles(ROWS, DUPLICATE_SHARE)
    unique = len({(p.platform, p.username) for p in profiles})

    results = []
    empty_leads(advertiser.pk)
    elapsed = run_upsert(advertiser.pk, profiles)
    stored = Lead.objects.filter(advertiser=advertiser).count()
    counted = sum(LeadCount.objects.filter(advertiser=advertiser).values_list("count", flat=True))
    assert stored == unique == counted, (stored, unique, counted)
    results.append(("upsert_leads (batched INSERT … ON CONFLICT)", ROWS, elapsed))

    empty_leads(advertiser.pk)
    elapsed = run_orm(advertiser.pk, profiles[:ORM_ROWS])
    results.append((f"ORM update_or_create, one row at a time (first {ORM_ROWS:,})", ORM_ROWS, elapsed))

    empty_leads(advertiser.pk)
    elapsed = run_copy(advertiser.pk, profiles)
    results.append(("COPY into an unindexed table (ceiling)", ROWS, elapsed))
    empty_leads(advertiser.pk)

    print(f"\n{ROWS:,} leads, {unique:,} unique; batches of {BATCH:,}")
    width = max(len(name) for name, _, _ in results)
    for name, rows, seconds in results:
        print(f"{name:<{width}}  {rows / seconds:>12,.0f} leads/s  ({rows:,} in {seconds:.2f} s)")
    platform_rate = results[0][1] / results[0][2]
    print(
        f"\nupsert vs ORM: {platform_rate / (results[1][1] / results[1][2]):.0f}×; "
        f"upsert vs COPY ceiling: {platform_rate / (results[2][1] / results[2][2]):.0%}; "
        f"target ≥ 50,000 leads/s: {'met' if platform_rate >= 50_000 else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
