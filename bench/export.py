"""Export speed and memory: 1,000,000 leads and 1,000,000 web results in every export format.

For each source (an advertiser's leads; one web job's results) and each format (CSV, NDJSON,
JSON, XLSX) a fresh Python process runs the export exactly as a response streams it
(`leads.exports.FORMATS[…].write`, server-side cursor, XLSX through a temporary file) and
throws the bytes away. Prints rows/s, bytes, and the process's peak resident memory beside
its memory before the export started: an export in constant memory adds the same few MB
whatever the row count.

    .venv/bin/python bench/export.py
    BENCH_EXPORT_ROWS=200000 BENCH_EXPORT_FORMATS=csv,xlsx .venv/bin/python bench/export.py

The bench creates its own database (default lp_bench_export, BENCH_EXPORT_DATABASE_URL), marked as
created by this script, and drops it at the end, also on an error; it refuses a database without that
mark, so it never fills or drops a database it did not create (bench/_isolation.py). It uses no Redis.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._isolation import database_url, environment, own_database  # noqa: E402

OWNER = "bench/export.py"
DATABASE_URL = database_url("BENCH_EXPORT_DATABASE_URL", "lp_bench_export")
ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", "1000000"))
FORMATS = os.environ.get("BENCH_EXPORT_FORMATS", "csv,ndjson,json,xlsx").split(",")
SOURCES = ("leads", "web_results")

os.environ.update(environment(DATABASE_URL, None))  # inherited by the --fill and --measure processes
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")


def fill(rows: int) -> None:
    """One advertiser with `rows` leads (some with phone numbers) and one web job with `rows` results."""
    import django

    django.setup()
    from django.db import connection

    from accounts.models import Advertiser
    from leads.models import Platform, ScrapeJob

    advertiser = Advertiser.objects.create(name="Bench exports")
    job = ScrapeJob.objects.create(
        advertiser=advertiser,
        kind=ScrapeJob.Kind.WEB,
        platform=Platform.WEB,
        url="https://shop.example/",
        status=ScrapeJob.Status.COMPLETED,
        selectors={"title": "h1::text", "price": ".price::text", "tags": "li::text"},
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO leads_lead (advertiser_id, platform, username, full_name, bio, followers, following, emails,
                                    phones, website, is_verified, is_business, blacklisted, outreach_ready,
                                    source_type, scraped_at, created_at)
            SELECT %(advertiser)s, 'instagram', 'creator_' || n, 'Creator ' || n, 'Fitness and food #' || n,
                   n * 7 %% 2000000, n %% 5000, CASE WHEN n %% 3 = 0 THEN 'hello' || n || '@mail.example' ELSE '' END,
                   CASE WHEN n %% 7 = 0 THEN '+44 20 7946 ' || lpad((n %% 10000)::text, 4, '0') ELSE '' END,
                   '', n %% 50 = 0, n %% 3 = 0, false, n %% 3 = 0 OR n %% 7 = 0, 'hashtag', now(), now()
            FROM generate_series(1, %(rows)s) AS n
            """,
            {"advertiser": advertiser.pk, "rows": rows},
        )
        cursor.execute(
            """
            INSERT INTO leads_webresult (job_id, url, data, scraped_at)
            SELECT %(job)s, 'https://shop.example/p/' || n,
                   jsonb_build_object('title', 'Product ' || n, 'price', '$' || (n %% 1000) || '.99',
                                      'tags', jsonb_build_array('a', 'b')),
                   now()
            FROM generate_series(1, %(rows)s) AS n
            """,
            {"job": job.pk, "rows": rows},
        )
        cursor.execute("VACUUM ANALYZE leads_lead")
        cursor.execute("VACUUM ANALYZE leads_webresult")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(source: str, format_name: str) -> dict:
    """In this (fresh) process: run one export to the end, discarding the bytes."""
    import django

    django.setup()
    from leads import exports
    from leads.models import Lead, ScrapeJob

    if source == "leads":
        table = exports.leads_table(Lead.objects.all())
    else:
        table = exports.web_results_table(ScrapeJob.objects.get(kind=ScrapeJob.Kind.WEB))
    before = _peak_rss_mb()
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in exports.FORMATS[format_name].write(table))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": size, "rss_before_mb": before, "rss_peak_mb": _peak_rss_mb()}


def main() -> None:
    with own_database(DATABASE_URL, OWNER):
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--fill"], check=True)
        print(f"filled {ROWS:,} leads and {ROWS:,} web results in {time.perf_counter() - started:.0f} s")
        print(
            f"{'source':<12} {'format':<7} {'rows/s':>9} {'seconds':>8} {'MB out':>8} {'RSS before':>11} {'RSS peak':>9}"
        )
        for source in SOURCES:
            for format_name in FORMATS:
                output = subprocess.run(
                    [sys.executable, __file__, "--measure", source, format_name],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                result = json.loads(output.strip().splitlines()[-1])
                print(
                    f"{source:<12} {format_name:<7} {ROWS / result['seconds']:>9,.0f} {result['seconds']:>8.1f} "
                    f"{result['bytes'] / 1e6:>8.0f} {result['rss_before_mb']:>9.0f}MB {result['rss_peak_mb']:>7.0f}MB",
                    flush=True,
                )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--fill"]:
        fill(ROWS)
    elif sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
    else:
        main()
