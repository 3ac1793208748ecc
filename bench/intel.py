"""Lead-intelligence list speed: 1,000,000 visit sessions in PostgreSQL, the sessions list walked
50 pages deep by cursor (the API's pagination) beside the same walk by page number with a total
count (what the cursor avoids). Prints p50/p99 per request; the target is p99 under 30 ms.

    .venv/bin/python bench/intel.py            # loads into lp_bench_intel, then measures
    BENCH_INTEL_DATABASE_URL=postgres://…/lp_bench_intel BENCH_INTEL_SESSIONS=1000000 .venv/bin/python bench/intel.py

The bench database is its own, separate from the development and test ones: created and migrated
for the run, dropped at its end, and refused when it exists without this bench's mark
(bench/_isolation.py). BENCH_KEEP_DATABASE=1 keeps it, so the next run with it reloads only when it
does not hold the wanted number of sessions. No Redis: the throttle counters are in that database.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._isolation import database_url, environment, own_database  # noqa: E402

OWNER = "bench/intel.py"
DATABASE_URL = database_url("BENCH_INTEL_DATABASE_URL", "lp_bench_intel")
SESSIONS = int(os.environ.get("BENCH_INTEL_SESSIONS", "1000000"))
PAGES = 50
PAGE_SIZE = 50
WALKS = 3
TARGET_P99_MS = 30.0
# The measured advertiser holds 90 % of the rows; another tenant holds the rest.
MAIN_SHARE = 0.9
COMPANIES = 2000

os.environ.update(environment(DATABASE_URL, None))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.base")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from rest_framework.pagination import PageNumberPagination  # noqa: E402
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate  # noqa: E402

from accounts import services  # noqa: E402
from accounts.models import Advertiser, Membership, User  # noqa: E402
from leads.intel.api.views import SessionViewSet  # noqa: E402
from leads.intel.models import Company, Magnitude, Site, Turnover, VisitSession  # noqa: E402


# ------------------------------------------------------------------------------
# Loading
# ------------------------------------------------------------------------------
def load() -> tuple[Advertiser, User]:
    advertiser, _ = Advertiser.objects.get_or_create(contact_email="bench@intel.example", defaults={"name": "Bench"})
    other, _ = Advertiser.objects.get_or_create(contact_email="other@intel.example", defaults={"name": "Other"})
    user, _ = User.objects.get_or_create(username="bench-intel", defaults={"email": "bench-user@intel.example"})
    Membership.objects.get_or_create(user=user, advertiser=advertiser)
    if VisitSession.objects.count() == SESSIONS:
        return advertiser, user

    print(f"loading {SESSIONS:,} sessions into {urlsplit(DATABASE_URL).path.lstrip('/')} …", flush=True)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE intel_visitaction, intel_visitsession, intel_person, intel_blacklistentry "
            "RESTART IDENTITY CASCADE"
        )
    turnover, _ = Turnover.objects.get_or_create(name="1–10 M EUR", defaults={"min_amount": 10**6, "max_amount": 10**7})
    magnitude, _ = Magnitude.objects.get_or_create(name="10–49", defaults={"min_employees": 10, "max_employees": 49})
    if Company.objects.count() < COMPANIES:
        Company.objects.bulk_create(
            Company(
                name=f"Company {n}",
                domain=f"company{n}.example",
                country=("CZ", "SK", "DE", "AT")[n % 4],
                turnover=turnover,
                magnitude=magnitude,
                registration_id=f"R{n:08d}",
            )
            for n in range(COMPANIES)
        )
    company_ids = list(Company.objects.values_list("id", flat=True)[:COMPANIES])
    sites = {
        owner.pk: Site.objects.get_or_create(advertiser=owner, domain=domain, defaults={"name": owner.name})[0]
        for owner, domain in ((advertiser, "bench.example"), (other, "other.example"))
    }
    first = datetime.now(UTC) - timedelta(days=365)
    step = timedelta(days=365) / SESSIONS
    columns = (
        "advertiser_id, site_id, session_key, visitor_id, ip_address, hostname, user_agent, company_id, landing_url, "
        "referrer, utm_source, utm_medium, utm_campaign, utm_term, utm_content, started_at, ended_at, page_count, "
        "duration"
    )
    raw = connection.connection
    with raw.cursor() as cursor, cursor.copy(f"COPY intel_visitsession ({columns}) FROM STDIN") as copy:
        for n in range(SESSIONS):
            owner = advertiser if n % 10 < MAIN_SHARE * 10 else other
            site = sites[owner.pk]
            at = first + step * n
            company = company_ids[n % len(company_ids)] if n % 3 else None
            copy.write_row(
                (
                    owner.pk,
                    site.pk,
                    f"s{n:010d}",
                    f"v{n % 50000:08d}",
                    f"198.51.{n % 250}.{n % 200 + 1}",
                    "",
                    "Mozilla/5.0 (bench)",
                    company,
                    f"https://{site.domain}/?utm_source=news",
                    "https://search.example/",
                    "news",
                    "email",
                    "bench",
                    "",
                    "",
                    at,
                    at + timedelta(seconds=90),
                    2,
                    90,
                )
            )
    raw.commit()
    with connection.cursor() as cursor:
        # One page view per session, written by the database itself.
        cursor.execute(
            "INSERT INTO intel_visitaction (session_id, client_id, type, url, title, referrer, utm_source, utm_medium, "
            "utm_campaign, utm_term, utm_content, occurred_at, time_on_page, email, name) "
            "SELECT id, 'p' || id, 'page', landing_url, 'Home', referrer, utm_source, utm_medium, utm_campaign, "
            "'', '', started_at, 90, '', '' FROM intel_visitsession"
        )
        cursor.execute("ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.0f} s", flush=True)
    return advertiser, user


# ------------------------------------------------------------------------------
# Measuring
# ------------------------------------------------------------------------------
class CountedPages(PageNumberPagination):
    page_size = PAGE_SIZE


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return (time.perf_counter() - started) * 1000, result


def walk_cursor_over_http(client: APIClient) -> list[float]:
    """The real thing: routing, token authentication, access table, throttle, filters, JSON."""
    samples, url = [], f"/api/intel/v1/sessions/?page_size={PAGE_SIZE}"
    for _ in range(PAGES):
        elapsed, response = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, response.content[:300]
        samples.append(elapsed)
        parts = urlsplit(response.json()["next"])
        url = f"{parts.path}?{parts.query}"
    return samples


def baseline_over_http(client: APIClient) -> list[float]:
    """The API root through the same stack: what any request costs on this machine before any list."""
    samples = []
    for _ in range(PAGES):
        elapsed, response = timed(lambda: client.get("/api/intel/v1/"))
        assert response.status_code == 200, response.content[:300]
        samples.append(elapsed)
    return samples


def walk_cursor_sql(advertiser: Advertiser) -> list[float]:
    """The database's own execution time of each page's query (EXPLAIN ANALYZE): the index at work."""
    samples, before = [], None
    for _ in range(PAGES):
        queryset = VisitSession.objects.for_advertiser(advertiser.pk).listable().select_related("company", "person")
        if before is not None:
            queryset = queryset.filter(id__lt=before)
        queryset = queryset.order_by("-id")[: PAGE_SIZE + 1]
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        samples.append(plan[0]["Planning Time"] + plan[0]["Execution Time"])
        before = queryset[PAGE_SIZE - 1].pk
    return samples


def walk_view(user: User, paged: bool) -> list[float]:
    """The same view and serializer, by cursor or by page number with a total count."""
    view_class = type(
        "BenchSessions",
        (SessionViewSet,),
        {"permission_classes": [], "throttle_classes": [], **({"pagination_class": CountedPages} if paged else {})},
    )
    view = view_class.as_view({"get": "list"})
    factory = APIRequestFactory()
    samples, query = [], f"page_size={PAGE_SIZE}"
    for page in range(1, PAGES + 1):
        request = factory.get(f"/api/intel/v1/sessions/?{query if not paged else f'page={page}'}")
        force_authenticate(request, user=user)
        elapsed, response = timed(lambda request=request: view(request).render())
        assert response.status_code == 200, response.content[:300]
        samples.append(elapsed)
        if not paged:
            query = urlsplit(response.data["next"]).query
    return samples


def main() -> None:
    with own_database(DATABASE_URL, OWNER, reusable=True):
        measure()


def measure() -> None:
    advertiser, user = load()
    settings.API_RATES = {key: "1000000/hour" for key in settings.API_RATES}
    settings.ALLOWED_HOSTS = ["testserver"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.issue_token(user, advertiser=advertiser, name='bench')[1]}")
    walk_cursor_over_http(client)  # warm caches and connections

    rows = VisitSession.objects.for_advertiser(advertiser.pk).count()
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"\nmachine: {os.cpu_count()} CPUs, load average {load_average} (other work here inflates the tail)")
    print(f"sessions list, {PAGES} pages of {PAGE_SIZE}, {WALKS} walks, advertiser with {rows:,} of {SESSIONS:,}")
    print(f"{'walk':<46}{'p50 ms':>10}{'p99 ms':>10}")
    results = {}
    for label, walk in [
        ("baseline: API root, full HTTP stack", lambda: baseline_over_http(client)),
        ("cursor, full HTTP stack (the API)", lambda: walk_cursor_over_http(client)),
        ("cursor, view only", lambda: walk_view(user, paged=False)),
        ("cursor, SQL planning + execution in PostgreSQL", lambda: walk_cursor_sql(advertiser)),
        ("page number + total count, view only", lambda: walk_view(user, paged=True)),
    ]:
        samples = [elapsed for _ in range(WALKS) for elapsed in walk()]
        results[label] = percentiles(samples)
        print(f"{label:<46}{results[label][0]:>10.1f}{results[label][1]:>10.1f}")
    p99 = results["cursor, full HTTP stack (the API)"][1]
    verdict = "meets" if p99 < TARGET_P99_MS else "MISSES"
    print(f"\ncursor p99 {p99:.1f} ms {verdict} the {TARGET_P99_MS:.0f} ms target")


if __name__ == "__main__":
    main()
