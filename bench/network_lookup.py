"""Network data: importing a full-size iptoasn file (about 500,000 ranges) and resolving addresses against it.

Writes a generated `ip2asn-combined.tsv` of BENCH_NETWORK_RANGES ranges (default 500,000: the published file's
size; IPv4 and IPv6, non-overlapping, as the real one is), imports it with `import_network_data`, then resolves
random addresses with `resolution.network_of` (one indexed query each: the greatest first address not above
the address) beside the naive range query (`first <= address AND last >= address`, which the planner answers
by scanning every range below the address). Prints lookups per second and the p50/p99 per lookup.

    .venv/bin/python bench/network_lookup.py
    BENCH_NETWORK_DATABASE_URL=postgres://…/lp_bench_network BENCH_NETWORK_RANGES=500000 .venv/bin/python bench/network_lookup.py

The database is the bench's own (created, migrated, dropped at the end: bench/_isolation.py).
"""

from __future__ import annotations

import ipaddress
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._isolation import database_url, environment, own_database  # noqa: E402

OWNER = "bench/network_lookup.py"
DATABASE_URL = database_url("BENCH_NETWORK_DATABASE_URL", "lp_bench_network")
RANGES = int(os.environ.get("BENCH_NETWORK_RANGES", "500000"))
LOOKUPS = int(os.environ.get("BENCH_NETWORK_LOOKUPS", "5000"))
NAIVE_LOOKUPS = 200
IPV6_SHARE = 0.3

os.environ.update(environment(DATABASE_URL, None))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.base")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from leads.intel.models import NetworkRange, ip_to_hex  # noqa: E402
from leads.intel.network_data import import_network_data  # noqa: E402
from leads.intel.resolution import network_of  # noqa: E402

NAMES = ["Example Telekom Broadband", "Example Cloud Hosting", "University of Examples", "Example Logistics AG"]


def write_file(path: Path, count: int) -> None:
    """`count` adjacent ranges with gaps, spread over the IPv4 space and a /16 of IPv6."""
    rng = random.Random(7)
    v6 = int(count * IPV6_SHARE)
    v4 = count - v6
    with path.open("w", encoding="utf-8") as stream:
        step = (2**32 - 2**24) // v4
        for n in range(v4):
            first = 2**24 + n * step
            last = first + rng.randrange(step // 2, step) - 1
            stream.write(f"{ipaddress.IPv4Address(first)}\t{ipaddress.IPv4Address(last)}\t{64512 + n % 1000}\tDE\t")
            stream.write(f"{NAMES[n % len(NAMES)]} {n}\n")
        base, step6 = int(ipaddress.IPv6Address("2001:db8::")), 2**96 // v6
        for n in range(v6):
            first = base + n * step6
            last = first + step6 // 2
            stream.write(f"{ipaddress.IPv6Address(first)}\t{ipaddress.IPv6Address(last)}\t{65000 + n % 500}\tSE\t")
            stream.write(f"{NAMES[n % len(NAMES)]} v6 {n}\n")


def addresses(count: int) -> list[str]:
    rng = random.Random(11)
    base6 = int(ipaddress.IPv6Address("2001:db8::"))
    return [
        str(ipaddress.IPv6Address(base6 + rng.randrange(2**96)))
        if rng.random() < IPV6_SHARE
        else str(ipaddress.IPv4Address(rng.randrange(2**24, 2**32)))
        for _ in range(count)
    ]


def naive_lookup(ip: str) -> NetworkRange | None:
    address = ipaddress.ip_address(ip)
    value = ip_to_hex(address)
    return NetworkRange.objects.filter(version=address.version, first__lte=value, last__gte=value).first()


def timed(lookup, ips: list[str]) -> tuple[float, float, float, float, int]:
    durations, found = [], 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for ip in ips:
        begin = time.perf_counter()
        found += lookup(ip) is not None
        durations.append((time.perf_counter() - begin) * 1000)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    durations.sort()
    p99 = durations[int(len(durations) * 0.99) - 1]
    return len(ips) / elapsed, statistics.median(durations), p99, cpu / len(ips) * 1000, found


def measure() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ip2asn-combined.tsv"
        write_file(path, RANGES)
        size_mb = path.stat().st_size / 1e6
        started = time.perf_counter()
        dataset = import_network_data(path, "iptoasn")
        import_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE intel_networkrange")
    print(f"\nimported {dataset.range_count:,} ranges ({size_mb:.0f} MB) in {import_seconds:.1f} s (COPY)")
    ips = addresses(LOOKUPS)
    timed(network_of, ips[:200])  # warm the connection and the index pages
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"machine: {os.cpu_count()} CPUs, load average {load_average}")
    print("(CPU ms: this process per lookup, PostgreSQL's share not included; other work here inflates the rest)")
    print(f"{'lookup':<58}{'lookups/s':>11}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms':>9}{'found':>8}")
    for label, lookup, sample in [
        ("resolution.network_of: one step down the index", network_of, ips),
        ("baseline: first <= address AND last >= address", naive_lookup, ips[:NAIVE_LOOKUPS]),
    ]:
        rate, p50, p99, cpu, found = timed(lookup, sample)
        print(f"{label:<58}{rate:>11,.0f}{p50:>9.2f}{p99:>9.2f}{cpu:>9.3f}{found:>8,}")


def main() -> None:
    with own_database(DATABASE_URL, OWNER):
        measure()


if __name__ == "__main__":
    main()
