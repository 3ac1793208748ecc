"""Leads list speed: `GET /api/v1/leads` over 1,000,000 leads of one advertiser, under gunicorn
(2 workers) and wrk (32 connections), beside DRF's default page-number pagination with COUNT(*).

Three requests are measured on each: page 1, page 1,000 and `outreach_ready=true`. The
platform's list keeps the seed's `total` and `pages`: for no filter and for the counted
filters (outreach_ready, source_type, platform) they come from `LeadCount` rows, which a
trigger on the leads table keeps exact as ingest writes (see leads/api/v1/pagination.py);
for other filters the count is exact up to 10,000 and bounded there. Page rows are found
through the (advertiser, id) index first, then loaded by id. The baseline is the same
queryset and serializer behind `rest_framework.pagination.PageNumberPagination`.

Prints requests/s, p50/p99 latency and the SQL statements a request runs, per case; the target is ≥ 400 requests/s and p99 <
100 ms for the platform's list.

    .venv/bin/python bench/leads_list.py
    BENCH_LEADS_DATABASE_URL=postgres://…/db BENCH_LEADS=1000000 BENCH_SECONDS=15 BENCH_WORKERS=2 .venv/bin/python bench/leads_list.py

The leads are loaded with `leads.ingest.upsert_leads` into the bench's own database (default
lp_bench_leads, BENCH_LEADS_DATABASE_URL), created for the run and dropped at its end; the server's
rate-limit counters go to its own Redis db (default 13, BENCH_LEADS_REDIS_URL), flushed before and
after. Both are refused when they hold what this bench did not write (bench/_isolation.py).
BENCH_KEEP_DATABASE=1 keeps the database, so the next run with it reloads the leads only when the
advertiser does not hold the wanted number. Needs `wrk` (apt-get install wrk).
This module is also the bench server's URLconf (the baseline route lives only here).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._isolation import database_url, environment, own_database, own_redis, redis_url  # noqa: E402
from bench._serve import free_port, latency_ms, non_2xx, platform_app, start_gunicorn, stop, wrk  # noqa: E402

OWNER = "bench/leads_list.py"
BASELINE = "DRF PageNumberPagination + COUNT(*)"
DATABASE_URL = database_url("BENCH_LEADS_DATABASE_URL", "lp_bench_leads")
REDIS_URL = redis_url("BENCH_LEADS_REDIS_URL", 13)
LEADS = int(os.environ.get("BENCH_LEADS", "1000000"))
SECONDS = int(os.environ.get("BENCH_SECONDS", "15"))
CONNECTIONS = 32
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BATCH = 10_000
ADVERTISER_EMAIL = "bench-list@bench.example"

SERVER_ENV = {
    **environment(DATABASE_URL, REDIS_URL),
    "DJANGO_SETTINGS_MODULE": "leadplatform.settings.production",
    "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
    "DEBUG": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # As deployed (README, "Scaling out"): rate-limit and usage counters in Redis, persistent
    # database connections (production's default); the bench's own database and Redis db.
    # The bench measures the list, not the per-principal rate limit.
    "RATE_LEADS": "100000000/minute",
    "LOG_LEVEL": "WARNING",
    # wrk speaks plain HTTP to the server, as the TLS-terminating proxy in front would.
    "SECURE_SSL_REDIRECT": "false",
}


# --- the bench server's URLconf: the platform's routes plus the baseline --------------
def __getattr__(name: str):
    """`urlpatterns` is built on first use, inside the configured server process only."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import include, path
    from rest_framework import generics
    from rest_framework.pagination import PageNumberPagination
    from rest_framework.permissions import IsAuthenticated

    from accounts.principal import principal_of
    from leads.api.v1.serializers import V1LeadSerializer
    from leads.models import Lead

    class DefaultPagination(PageNumberPagination):
        page_size = 20
        page_size_query_param = "per_page"

    class BaselineLeadList(generics.ListAPIView):
        """DRF's defaults: page-number pagination, COUNT(*) on every request, OFFSET for the page."""

        serializer_class = V1LeadSerializer
        pagination_class = DefaultPagination
        permission_classes = [IsAuthenticated]
        filter_backends: list = []

        def get_queryset(self):
            queryset = Lead.objects.for_principal(principal_of(self.request)).order_by("-id")
            if self.request.query_params.get("outreach_ready") == "true":
                queryset = queryset.filter(outreach_ready=True)
            return queryset

    patterns = [path("baseline/leads", BaselineLeadList.as_view(), name="baseline-leads")]
    patterns += [path("", include("leadplatform.urls"))]
    globals()["urlpatterns"] = patterns
    return patterns


def server_app():
    """gunicorn entry point: the platform's WSGI app with this module as URLconf."""
    return platform_app("bench.leads_list")


# --- loading --------------------------------------------------------------------------
def load_leads() -> str:
    """One advertiser with LEADS leads (30% outreach-ready); returns a fresh API token for it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")
    import django

    django.setup()
    from django.db import connection, transaction

    from accounts import services
    from accounts.models import Advertiser, Membership, User
    from leads.connectors.base import Profile
    from leads.ingest import LeadSource, relax_commit, upsert_leads
    from leads.models import Lead

    advertiser, _ = Advertiser.objects.get_or_create(contact_email=ADVERTISER_EMAIL, defaults={"name": "Bench list"})
    user, _ = User.objects.get_or_create(username="bench-list", defaults={"email": ADVERTISER_EMAIL})
    Membership.objects.get_or_create(user=user, advertiser=advertiser)
    have = Lead.objects.filter(advertiser=advertiser).count()
    if have != LEADS:
        print(f"loading {LEADS:,} leads (had {have:,})…", flush=True)
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM leads_lead WHERE advertiser_id = %s", [advertiser.pk])
        sources = ["hashtag", "followers", "following", "likers"]
        started = time.perf_counter()
        for start in range(0, LEADS, BATCH):
            batch = [
                Profile(
                    platform="instagram",
                    username=f"bench_{n}",
                    full_name=f"Bench Lead {n}",
                    bio=f"Creator number {n}",
                    followers=(n * 7919) % 2_000_000,
                    emails=[f"lead{n}@mail.example"] if n % 10 < 3 else [],
                )
                for n in range(start, min(LEADS, start + BATCH))
            ]
            with transaction.atomic():
                relax_commit()
                upsert_leads(LeadSource(advertiser.pk, source_type=sources[(start // BATCH) % 4]), batch)
        print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        # Deep pages take their ids from an index-only scan, which visits the heap for every
        # row on a page the visibility map does not mark all-visible. VACUUM cannot mark rows
        # whose asynchronous commit (relax_commit) is not yet flushed, so flush first; without
        # it the newest ~30,000 rows stayed unmarked and page 1,000 paid 20,000 heap visits.
        cursor.execute("CHECKPOINT")
        cursor.execute("VACUUM ANALYZE leads_lead")
    return services.issue_token(user, advertiser=advertiser, name="bench")[1]


# --- serving and measuring ------------------------------------------------------------
def check(url: str, token: str) -> dict:
    import json
    import urllib.request

    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def queries_per_request(path: str, token: str) -> int:
    """SQL statements one request runs, counted in this process through the same URLconf and views."""
    from django.db import connection
    from django.test import Client, override_settings

    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    with override_settings(ROOT_URLCONF="bench.leads_list"):
        client.get(path)  # warm: the first request of a process loads what later ones reuse
        with connection.execute_wrapper(count):
            response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(statements)


def run_wrk(url: str, token: str) -> tuple[float, float, float, int]:
    output = wrk(CONNECTIONS, SECONDS, "-H", f"Authorization: Bearer {token}", url)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return rps, latency_ms(output, "50"), latency_ms(output, "99"), non_2xx(output)


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    os.environ.update(environment(DATABASE_URL, REDIS_URL))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")  # loading and migrating
    # The queries of a request are counted in this process, with the token wrk also spends: no throttle here either.
    os.environ["RATE_LEADS"] = SERVER_ENV["RATE_LEADS"]
    with own_redis(REDIS_URL, OWNER), own_database(DATABASE_URL, OWNER, reusable=True):
        results = measure()
    report(results)


def measure() -> list[tuple]:
    token = load_leads()
    port = free_port()
    server = start_gunicorn("bench.leads_list", port, WORKERS, SERVER_ENV)
    base = f"http://127.0.0.1:{port}"
    cases = [("page 1", "page=1"), ("page 1,000", "page=1000"), ("outreach_ready=true", "outreach_ready=true")]
    results = []
    try:
        sample = check(f"{base}/api/v1/leads?page=1000", token)
        print(
            f"GET /api/v1/leads?page=1000 → pagination {sample['pagination']}, {len(sample['data'])} rows", flush=True
        )
        for endpoint, path in [("/api/v1/leads (platform)", "/api/v1/leads"), (BASELINE, "/baseline/leads")]:
            for label, query in cases:
                queries = queries_per_request(f"{path}?{query}", token)
                results.append((endpoint, label, *run_wrk(f"{base}{path}?{query}", token), queries))
    finally:
        stop(server)
    return results


def report(results: list[tuple]) -> None:
    print(f"\n{LEADS:,} leads, gunicorn {WORKERS} workers, wrk {CONNECTIONS} connections, {SECONDS} s per case")
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average} (other work here lowers the figures)")
    header = f"{'endpoint':<38} {'case':<22} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} {'queries':>8}"
    print(header)
    for endpoint, label, rps, p50, p99, errors, queries in results:
        print(f"{endpoint:<38} {label:<22} {rps:>9.0f} {p50:>8.1f} {p99:>8.1f} {errors:>8} {queries:>8}")
    platform = [row for row in results if row[0].endswith("(platform)")]
    met = all(row[2] >= 400 and row[4] < 100 for row in platform)
    print(f"\ntarget ≥ 400 req/s and p99 < 100 ms on every platform case: {'met' if met else 'NOT met'}")


if __name__ == "__main__":
    main()
