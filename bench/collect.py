"""Collect speed: `POST /api/intel/v1/collect/` (every visitor of every customer's site calls it)
under gunicorn and wrk, with Celery workers recording the queued batches, beside a naive path
that records each beacon with the ORM inside the request.

The wrk script (bench/collect.lua) sends beacons as the snippet does: new sessions (a landing
page with UTM and referrer) and returning ones (a leave plus the next page), some identifying.
Prints, per path: beacons accepted per second, p50/p99 latency, and the time from a probe
beacon's POST until its session is in the database (a probe every PROBE_EVERY seconds during
the load, followed until stored), and the CPU the web, worker and database processes used per
beacon (from /proc). Targets: ≥ 3,000 beacons/s, p99 < 50 ms, stored within 5 s.

    .venv/bin/python bench/collect.py
    BENCH_SECONDS=5 BENCH_COLLECT_WORKERS=2 BENCH_COLLECT_CELERY=2 BENCH_COLLECT_CONNECTIONS=32 \
        BENCH_COLLECT_THREADS=1 .venv/bin/python bench/collect.py

Everything it writes is its own (bench/_isolation.py): it creates the PostgreSQL database
lp_bench_collect (BENCH_COLLECT_DATABASE_URL; marked by a comment) and drops it at the end, and
uses Redis db 9 (BENCH_COLLECT_REDIS_URL: rate counters, cache and Celery broker) only when it is
empty or its own, flushing it before and at the end. It refuses a database or Redis db it did not
create. Needs `wrk` (apt-get install wrk). This module is also the bench server's URLconf (the
naive route lives only here).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import leads_list  # noqa: E402
from bench._isolation import database_name, database_url, environment, own_database, own_redis, redis_url  # noqa: E402
from bench._serve import free_port, latency_ms, non_2xx, platform_app, start, start_gunicorn, stop, wrk  # noqa: E402

OWNER = "bench/collect.py"
DATABASE_URL = database_url("BENCH_COLLECT_DATABASE_URL", "lp_bench_collect")
DATABASE_NAME = database_name(DATABASE_URL)
REDIS_URL = redis_url("BENCH_COLLECT_REDIS_URL", 9)
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
WORKERS = int(os.environ.get("BENCH_COLLECT_WORKERS", "2"))
CELERY_CONCURRENCY = int(os.environ.get("BENCH_COLLECT_CELERY", "2"))
CONNECTIONS = int(os.environ.get("BENCH_COLLECT_CONNECTIONS", "32"))
# 1: gunicorn's sync workers (a new connection per request); more: gthread workers with that many
# threads, keeping wrk's connections open, as the README's deployment runs them.
THREADS = int(os.environ.get("BENCH_COLLECT_THREADS", "1"))
PROBE_EVERY = 0.25
STORED_DEADLINE = 120.0
DOMAIN = "bench-shop.example"
TARGET_RATE, TARGET_P99_MS, TARGET_STORED_S = 3000, 50.0, 5.0

# As deployed, like the other benches; here Celery goes over Redis too, and the bench's own
# database and Redis db. Every beacon comes from one address and one site key: the collect
# throttles still count each one, at limits the bench never reaches.
SERVER_ENV = {
    **leads_list.SERVER_ENV,
    **environment(DATABASE_URL, REDIS_URL),
    "CELERY_BROKER_URL": REDIS_URL,
    "RATE_INTEL_COLLECT": "100000000/minute",
    "RATE_INTEL_COLLECT_IP": "100000000/minute",
}


# --- the bench server's URLconf: the platform's routes plus the naive path -------------
def __getattr__(name: str):
    """`urlpatterns` is built on first use, inside the configured server process only."""
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.urls import include, path
    from django.utils import timezone
    from rest_framework import status
    from rest_framework.permissions import AllowAny
    from rest_framework.response import Response

    from leads.intel import services
    from leads.intel.api.serializers import CollectSerializer
    from leads.intel.api.views import CollectView, client_ip

    class InlineCollectView(CollectView):
        """The same validation and throttles, then the batch written with the ORM inside the request."""

        permission_classes = [AllowAny]  # public like the collect route; the bench route has no access-table row

        def post(self, request):
            serializer = CollectSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
            batch = {key: data[key] for key in ("visitor", "session", "sent")}
            batch["actions"] = [dict(action) for action in data["actions"]]
            user_agent = request.META.get("HTTP_USER_AGENT", "")[:500]
            services.record_visit_batch(
                data["site"].pk, client_ip(request), user_agent, timezone.now().isoformat(), batch
            )
            return Response({"accepted": len(batch["actions"])}, status=status.HTTP_202_ACCEPTED)

    patterns = [path("bench/inline-collect/", InlineCollectView.as_view(), name="bench-inline-collect")]
    patterns += [path("", include("leadplatform.urls"))]
    globals()["urlpatterns"] = patterns
    return patterns


def server_app():
    """gunicorn entry point: the platform's WSGI app with this module as URLconf."""
    return platform_app("bench.collect")


# --- the site -------------------------------------------------------------------------
def create_site() -> str:
    """One advertiser with one site; returns the site's public key."""
    import django

    django.setup()
    from django.db import connections

    from accounts.models import Advertiser
    from leads.intel.models import Site

    advertiser = Advertiser.objects.create(name="Bench collect", contact_email="bench-collect@bench.example")
    key = Site.objects.create(advertiser=advertiser, name="Bench shop", domain=DOMAIN).key
    connections.close_all()
    return key


# --- serving ---------------------------------------------------------------------------
def start_celery() -> subprocess.Popen:
    return start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "leadplatform",
            "worker",
            "--concurrency",
            str(CELERY_CONCURRENCY),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        SERVER_ENV,
    )


# --- measuring -------------------------------------------------------------------------
def run_wrk(url: str, site_key: str) -> tuple[float, float, float, int, int]:
    """Beacons accepted per second, p50 and p99 in ms, beacons sent, and how many were not 2xx."""
    output = wrk(CONNECTIONS, SECONDS, "-s", str(ROOT / "bench" / "collect.lua"), url, "--", site_key, DOMAIN)
    sent, elapsed, unit = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", output).groups()
    sent, elapsed = int(sent), float(elapsed) * {"ms": 0.001, "s": 1.0, "m": 60.0}[unit]
    refused = non_2xx(output)
    return (sent - refused) / elapsed, latency_ms(output, "50"), latency_ms(output, "99"), sent, refused


def post_beacon(url: str, site_key: str, session_key: str) -> float | None:
    """POST a one-page beacon of a new session; the monotonic time it was sent if it was accepted."""
    now = int(time.time() * 1000)
    body = json.dumps(
        {
            "site_key": site_key,
            "visitor": "probe-visitor",
            "session": session_key,
            "sent": now,
            "actions": [{"type": "page", "id": f"{session_key}-p", "at": now, "url": f"https://{DOMAIN}/probe"}],
        }
    ).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "text/plain"})
    posted = time.monotonic()
    with urllib.request.urlopen(request, timeout=60) as response:
        return posted if response.status == 202 else None


def look_for_stored(conn, posted: dict[str, float], lags: dict[str, float]) -> None:
    """Note the lag of each posted probe that is now in the database."""
    waiting = [key for key in list(posted) if key not in lags]
    if not waiting:
        return
    stored = conn.execute(
        "SELECT session_key FROM intel_visitsession WHERE session_key = ANY(%s)", [waiting]
    ).fetchall()
    seen = time.monotonic()
    for (key,) in stored:
        lags[key] = seen - posted[key]


def wait_until_stored(posted: dict[str, float], lags: dict[str, float] | None = None) -> list[float]:
    """Seconds from each POST until its session was in the database (inf if not within the deadline).
    `lags` are those already seen while the load ran."""
    import psycopg

    lags = dict(lags or {})
    deadline = time.monotonic() + STORED_DEADLINE
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        while len(lags) < len(posted) and time.monotonic() < deadline:
            look_for_stored(conn, posted, lags)
            time.sleep(0.02)
    return sorted(lags.values()) + [float("inf")] * (len(posted) - len(lags))


class Probe:
    """POSTs a probe beacon (a new session) every PROBE_EVERY s during the load, one at a time, and
    watches the database meanwhile, so a probe's lag is measured when it is stored, not after the load."""

    def __init__(self, url: str, site_key: str) -> None:
        self.url, self.site_key = url, site_key
        self.posted: dict[str, float] = {}
        self.lags: dict[str, float] = {}
        self.stopped = threading.Event()
        self.threads = [
            threading.Thread(target=self._send, daemon=True),
            threading.Thread(target=self._watch, daemon=True),
        ]

    def __enter__(self) -> Probe:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join()

    def _watch(self) -> None:
        import psycopg

        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            while not self.stopped.is_set():
                look_for_stored(conn, self.posted, self.lags)
                self.stopped.wait(0.05)

    def _send(self) -> None:
        while not self.stopped.is_set():
            key = f"probe-{time.monotonic_ns()}"
            posted = post_beacon(self.url, self.site_key, key)
            if posted is not None:
                self.posted[key] = posted
            self.stopped.wait(PROBE_EVERY)


def warm_up(url: str, site_key: str) -> None:
    """Every gunicorn worker imports the views on its first request and every Celery process opens
    its connections on its first task: under load that takes seconds, so it happens before measuring."""
    from concurrent.futures import ThreadPoolExecutor

    keys = [f"warmup-{n:04d}-{time.monotonic_ns()}" for n in range(8 * max(WORKERS, CELERY_CONCURRENCY))]
    with ThreadPoolExecutor(max_workers=2 * WORKERS) as pool:
        posted = dict(zip(keys, pool.map(lambda key: post_beacon(url, site_key, key), keys), strict=True))
    lags = wait_until_stored({key: at for key, at in posted.items() if at is not None})
    if not lags or lags[-1] == float("inf"):
        raise RuntimeError("the warm-up beacons were not stored")


# --- where the CPU goes: the processes' own counters -----------------------------------
TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    pids, index = [pid], 0
    while index < len(pids):
        try:
            children = Path(f"/proc/{pids[index]}/task/{pids[index]}/children").read_text().split()
        except OSError:
            children = []
        pids += [int(child) for child in children]
        index += 1
    return pids


def database_backends() -> list[int]:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [DATABASE_NAME]
        ).fetchall()
    return [pid for (pid,) in rows]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU of each live process (fields 14 and 15 of /proc/PID/stat)."""
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / TICKS
    return seconds


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    return sum(after[pid] - before.get(pid, 0.0) for pid in after)


def stored_beacons() -> tuple[int, int]:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM intel_visitsession), (SELECT count(*) FROM intel_visitaction)"
        ).fetchone()


def measure(label: str, url: str, site_key: str, web: subprocess.Popen, worker: subprocess.Popen) -> dict:
    sessions_before, actions_before = stored_beacons()
    processes = {"web": process_tree(web.pid), "worker": process_tree(worker.pid), "database": database_backends()}
    cpu_before = {name: cpu_seconds(pids) for name, pids in processes.items()}
    with Probe(url, site_key) as probe:
        rate, p50, p99, sent, refused = run_wrk(url, site_key)
    cpu_web = cpu_used(cpu_before["web"], cpu_seconds(processes["web"]))
    load_ended = time.monotonic()
    lags = wait_until_stored(probe.posted, probe.lags)
    drained = time.monotonic() - load_ended
    processes["database"] = sorted(set(processes["database"]) | set(database_backends()))
    cpu = {name: cpu_used(cpu_before[name], cpu_seconds(pids)) for name, pids in processes.items()}
    cpu["web"] = cpu_web
    sessions_after, actions_after = stored_beacons()
    accepted = max(1, sent - refused)
    per_beacon = ", ".join(f"{name} {1000 * used / accepted:.2f}" for name, used in cpu.items())
    print(
        f"{label}: {sent:,} beacons sent, {refused:,} refused; stored {sessions_after - sessions_before:,} "
        f"sessions and {actions_after - actions_before:,} actions; last probe stored {drained:.1f} s after the "
        f"load; CPU ms per beacon: {per_beacon}",
        flush=True,
    )
    return {
        "label": label,
        "rate": rate,
        "p50": p50,
        "p99": p99,
        "refused": refused,
        "stored_p50": statistics.median(lags) if lags else float("nan"),
        "stored_max": max(lags) if lags else float("nan"),
    }


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    os.environ.update(environment(DATABASE_URL, REDIS_URL))
    os.environ["DJANGO_SETTINGS_MODULE"] = "leadplatform.settings.local"  # migrating and creating the site
    with own_redis(REDIS_URL, OWNER), own_database(DATABASE_URL, OWNER):
        results = run()
    report(results)


def run() -> list[dict]:
    processes: list[subprocess.Popen] = []
    results = []
    try:
        site_key = create_site()
        port = free_port()
        web = start_gunicorn("bench.collect", port, WORKERS, SERVER_ENV, threads=THREADS)
        processes.append(web)
        worker = start_celery()
        processes.append(worker)
        base = f"http://127.0.0.1:{port}"
        warm_up(f"{base}/api/intel/v1/collect/", site_key)
        for label, path in [
            ("queued (the API)", "/api/intel/v1/collect/"),
            ("naive: ORM write in the request", "/bench/inline-collect/"),
        ]:
            results.append(measure(label, base + path, site_key, web, worker))
    finally:
        for process in reversed(processes):
            stop(process)
    return results


def report(results: list[dict]) -> None:
    load_average = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(
        f"\nmachine: {os.cpu_count()} CPUs, load average {load_average} at the end (shared: others' work "
        f"inflates the figures); gunicorn {WORKERS} {'sync' if THREADS == 1 else f'gthread ({THREADS} threads)'} "
        f"workers, Celery {CELERY_CONCURRENCY} processes, "
        f"wrk {CONNECTIONS} connections, {SECONDS} s per path"
    )
    print(f"{'path':<34} {'beacons/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'stored p50 s':>13} {'stored max s':>13}")
    for row in results:
        print(
            f"{row['label']:<34} {row['rate']:>10.0f} {row['p50']:>8.1f} {row['p99']:>8.1f} "
            f"{row['stored_p50']:>13.2f} {row['stored_max']:>13.2f}"
        )
    api = results[0]
    met = api["rate"] >= TARGET_RATE and api["p99"] < TARGET_P99_MS and api["stored_max"] < TARGET_STORED_S
    print(
        f"\ntarget ≥ {TARGET_RATE:,} beacons/s, p99 < {TARGET_P99_MS:.0f} ms, stored within "
        f"{TARGET_STORED_S:.0f} s: {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
