"""Lead intelligence: what company scores and watch-rule alerts add to recording beacons.

Records BENCH_SCORING_BEACONS beacons (default 20,000: one page view each, ten per session, from the networks
of 200 companies) through the drain's bulk path (`services.record_beacons`, chunks of 500), twice on fresh
sessions: once with scoring and alert matching switched off (the baseline), once as the platform runs, with
three page rules and three watch rules per site. Prints the CPU per beacon of this process and of its
PostgreSQL backend (read from /proc), and the difference; the target is at most 0.1 ms per beacon.

    .venv/bin/python bench/intel_scoring.py
    BENCH_SCORING_DATABASE_URL=postgres://…/lp_bench_scoring BENCH_SCORING_BEACONS=20000 .venv/bin/python bench/intel_scoring.py

The database is the bench's own (created, migrated, dropped at the end: bench/_isolation.py); no Redis.
"""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._isolation import database_url, environment, own_database  # noqa: E402

OWNER = "bench/intel_scoring.py"
DATABASE_URL = database_url("BENCH_SCORING_DATABASE_URL", "lp_bench_scoring")
BEACONS = int(os.environ.get("BENCH_SCORING_BEACONS", "20000"))
PER_SESSION = 10
COMPANIES = 200
CHUNK = 500
TARGET_MS = 0.1

os.environ.update(environment(DATABASE_URL, None))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from accounts.models import Advertiser  # noqa: E402
from leads.intel import alerts, scores, services  # noqa: E402
from leads.intel.models import Company, IpRange, PageWeightRule, Site, WatchRule  # noqa: E402

PATHS = ["/", "/pricing", "/blog/post", "/contact", "/docs/start"]


def world() -> Site:
    advertiser = Advertiser.objects.create(name="Bench scoring", contact_email="scoring@bench.example")
    site = Site.objects.create(advertiser=advertiser, name="Shop", domain="shop.example")
    for n in range(COMPANIES):
        company = Company.objects.create(name=f"Company {n}", domain=f"company{n}.example")
        IpRange.objects.create(cidr=f"10.{n // 250}.{n % 250}.0/24", company=company)
    for pattern, weight in [("/pricing*", 5), ("/docs*", 2), ("/blog*", 0.5)]:
        PageWeightRule.objects.create(advertiser=advertiser, site=site, pattern=pattern, weight=weight)
    WatchRule.objects.create(advertiser=advertiser, name="Pricing", path_pattern="/pricing*")
    WatchRule.objects.create(advertiser=advertiser, name="Hot", score_above=40)
    listed = WatchRule.objects.create(advertiser=advertiser, name="Targets")
    listed.companies.set(Company.objects.all()[:20])
    return site


def beacons(site: Site, run: str) -> list[dict]:
    now = time.time()
    rows = []
    for n in range(BEACONS):
        session = n // PER_SESSION
        at = int((now - 3600 + n) * 1000)
        rows.append(
            {
                "site": site.pk,
                "ip": f"10.{(session % COMPANIES) // 250}.{(session % COMPANIES) % 250}.9",
                "ua": "bench",
                "received": now,
                "batch": {
                    "site_key": site.key,
                    "visitor": f"visitor-{run}-{session:06d}",
                    "session": f"session-{run}-{session:06d}",
                    "sent": at,
                    "actions": [
                        {"type": "page", "id": f"page-{n:08d}", "at": at, "url": f"https://shop.example{PATHS[n % 5]}"}
                    ],
                },
            }
        )
    return rows


def backend_cpu_seconds() -> float:
    """User and system CPU of this connection's PostgreSQL backend, from /proc (the server runs here)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def without_scoring():
    count, match = scores.count_sessions, alerts.match_sessions
    scores.count_sessions = lambda ids: scores.Counted([], {}, {})
    alerts.match_sessions = lambda *args: []
    try:
        yield
    finally:
        scores.count_sessions, alerts.match_sessions = count, match


def record(rows: list[dict]) -> tuple[float, float, float]:
    """(this process's CPU ms, the backend's CPU ms, wall ms) per beacon."""
    cpu, backend, wall = time.process_time(), backend_cpu_seconds(), time.perf_counter()
    for start in range(0, len(rows), CHUNK):
        services.record_beacons(rows[start : start + CHUNK])
    return tuple(
        1000 * value / len(rows)
        for value in (time.process_time() - cpu, backend_cpu_seconds() - backend, time.perf_counter() - wall)
    )


def measure() -> None:
    site = world()
    record(beacons(site, "warm")[: CHUNK * 2])
    with without_scoring():
        baseline = record(beacons(site, "base"))
    scored = record(beacons(site, "scored"))
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\n{BEACONS:,} beacons in chunks of {CHUNK}, {PER_SESSION} per session, {COMPANIES} companies")
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average}")
    print(f"{'recording':<44}{'Python ms':>11}{'PostgreSQL ms':>15}{'CPU ms':>9}{'wall ms':>9}")
    for label, (python, database, wall) in [
        ("baseline: no scores, no alert matching", baseline),
        ("with scores and alert matching", scored),
    ]:
        print(f"{label:<44}{python:>11.3f}{database:>15.3f}{python + database:>9.3f}{wall:>9.3f}")
    added = sum(scored[:2]) - sum(baseline[:2])
    verdict = "met" if added <= TARGET_MS else "NOT met"
    print(f"\nscores and alerts add {added:.3f} ms of CPU per beacon (target ≤ {TARGET_MS} ms): {verdict}")


def main() -> None:
    with own_database(DATABASE_URL, OWNER):
        measure()


if __name__ == "__main__":
    main()
