"""A Celery worker killed mid-job (SIGKILL): the task is redelivered, the job resumes, nothing is lost or doubled.

A real worker process runs against the test database and the Redis broker. The lead job's
test kills a solo worker once some pages are stored, starts a second worker, and waits for
the job to finish; the web job's test kills the prefork pool process running the crawl,
whose task Celery redelivers to a fresh pool process at once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from kombu import Connection

from leads.jobs import lifecycle
from leads.models import JobUnit, Lead, ScrapeJob, WebResult
from tests.web.conftest import LocalSite
from tests.web.factories import WebJobFactory

from ..processes import subprocess_database_url, wait_for
from .conftest import actor_credential
from .factories import TargetFactory
from .fakes import FakeActorAPI, follower_items

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ITEMS = 2000  # ten dataset pages of 200
VISIBILITY_TIMEOUT = 3  # seconds before the broker re-delivers the killed worker's task


def _worker(log_path: Path, pool: str = "solo") -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leadplatform.settings.test",
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "SCRAPER_ALLOWED_NETWORKS": "127.0.0.1/32",
        "CONNECTOR_RUN_POLL_SECONDS": "0.05",
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "leadplatform",
        "worker",
        "-P",
        pool,
        "-c",
        "1",
        "-l",
        "info",
        "--without-mingle",
        "--without-gossip",
        "--without-heartbeat",
        "-n",
        f"killtest{time.time_ns()}@%h",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_path.open("ab"), stderr=subprocess.STDOUT)


def _stop(*workers: subprocess.Popen | None) -> None:
    for process in workers:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()


def _redelivery_due() -> bool:
    """Whether every task the broker holds unacknowledged was delivered more than the visibility timeout
    ago (kombu's Redis transport: the `unacked_index` sorted set, scored by delivery time)."""
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        delivered = client.zrange("unacked_index", 0, -1, withscores=True)
    finally:
        client.close()
    return bool(delivered) and all(time.time() - at > VISIBILITY_TIMEOUT for _tag, at in delivered)


@pytest.mark.django_db(transaction=True)
def test_killing_the_worker_mid_job_loses_and_duplicates_nothing(advertiser, serve, tmp_path):
    actors = serve(FakeActorAPI({"nike": follower_items("nike", ITEMS)}, polls_before_done=1, item_delay=0.4))
    actor_credential(advertiser, actors)
    target = TargetFactory(advertiser=advertiser, identifier="nike")
    job = lifecycle.create_job(advertiser_id=advertiser.pk, kind="followers", targets=[target], speed_mode="aggressive")
    lifecycle.queue_job(job)

    log = tmp_path / "worker.log"
    first = _worker(log)
    second = None
    try:
        # The test settings' CELERY_BROKER_URL (memory://) would win over broker=…: name the connection.
        with Connection(settings.REDIS_URL) as broker:
            Celery().send_task("leads.run_next_scrape_job", connection=broker)
        stored = lambda: Lead.objects.filter(job=job).count()  # noqa: E731
        wait_for(lambda: stored() >= 400, 60, "the first pages to be stored")
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        killed_at = stored()
        assert killed_at < ITEMS, "the job finished before the kill"
        unit = JobUnit.objects.get(job=job)
        assert unit.status == JobUnit.Status.RUNNING

        # kombu restores unacknowledged messages on a worker's first scan and then only every
        # unacked_restore_interval × unacked_restore_throttle (100 s): start the replacement once
        # the killed task's visibility timeout (3 s) has passed, so its first scan finds it.
        wait_for(_redelivery_due, 30, "the killed task's visibility timeout to pass")
        second = _worker(log)
        job_done = lambda: ScrapeJob.objects.get(pk=job.pk).status in ScrapeJob.FINISHED  # noqa: E731
        wait_for(job_done, 90, "the redelivered task to finish the job")
    finally:
        _stop(first, second)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED, log.read_text()[-3000:]
    assert Lead.objects.filter(advertiser=advertiser).count() == ITEMS  # nothing lost
    assert job.leads_stored == ITEMS  # nothing counted twice
    unit.refresh_from_db()
    assert unit.leads_stored == ITEMS and unit.attempts == 2  # resumed once, from its saved cursor
    assert actors.count("POST", "/v2/acts/") == 1  # the provider run was not started again
    # Ten full pages and the empty one that ends the dataset; of the pages stored before the
    # kill none is fetched again, only the page that was in flight.
    assert actors.count("GET", "/v2/datasets/") <= ITEMS // 200 + 2


PAGES = 40


@pytest.fixture
def slow_shop():
    """A local shop of 40 product pages, each answered in 0.15 s: a crawl at one request at a time lasts seconds."""
    site = LocalSite()
    site.thread.start()
    site.route("/robots.txt", status=404)
    site.route(
        "/", "<html><body>" + "".join(f"<a href='/p/{n}'>p{n}</a>" for n in range(1, PAGES + 1)) + "</body></html>"
    )
    for n in range(1, PAGES + 1):
        site.route(f"/p/{n}", f"<html><body><h1>Product {n}</h1></body></html>", delay=0.15)
    yield site
    site.server.shutdown()
    site.server.server_close()


@pytest.mark.django_db(transaction=True)
def test_killing_the_pool_process_mid_crawl_finishes_the_web_job(advertiser, slow_shop, tmp_path):
    job = WebJobFactory(
        advertiser=advertiser,
        url=slow_shop.url("/"),
        selectors={"title": "h1::text"},
        config={"max_pages": PAGES + 1, "follow_links": True, "concurrency": 1, "per_host": 1},
    )
    log = tmp_path / "worker.log"
    worker = _worker(log, pool="prefork")
    try:
        with Connection(settings.REDIS_URL) as broker:
            Celery().send_task("leads.run_web_job", args=[job.pk], connection=broker)
        stored = lambda: WebResult.objects.filter(job=job).count()  # noqa: E731
        wait_for(lambda: stored() >= 10, 60, "the first pages to be stored")
        job.refresh_from_db()
        pool_process = int(job.worker_id.rpartition(":")[2])
        assert pool_process != worker.pid  # the pool process, not the worker's main process
        os.kill(pool_process, signal.SIGKILL)
        assert stored() < PAGES, "the crawl finished before the kill"

        finished = lambda: ScrapeJob.objects.get(pk=job.pk).status in ScrapeJob.FINISHED  # noqa: E731
        wait_for(finished, 90, "the redelivered task to finish the job")
    finally:
        _stop(worker)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED, log.read_text()[-3000:]
    assert job.attempts == 2  # taken over once by the redelivered task
    assert job.worker_id != f"{job.worker_id.rpartition(':')[0]}:{pool_process}"
    assert job.items_scraped == WebResult.objects.filter(job=job).count() == PAGES  # one result per page
