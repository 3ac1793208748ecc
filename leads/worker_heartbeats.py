"""Worker heartbeats: which Celery workers are really running, on every broker.

Remote control (`inspect().ping()`) does not work on the embedded SQL broker, and a worker busy
in a task (solo pool) cannot answer it anyway. So each worker runs a small thread, started when
the worker is ready, that upserts its row every WORKER_HEARTBEAT_SECONDS; the row is deleted on
a clean shutdown, and a killed worker's row simply goes stale.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: A worker that missed this many heartbeats in a row counts as gone.
MISSED_BEATS = 3


def record_heartbeat(hostname: str, started_at) -> None:
    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"pid": os.getpid(), "started_at": started_at, "last_seen": timezone.now()}
    )


def live_workers() -> list[str]:
    """Names of the workers whose last heartbeat is recent, sorted."""
    since = timezone.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * MISSED_BEATS)
    return sorted(WorkerHeartbeat.objects.filter(last_seen__gte=since).values_list("hostname", flat=True))


class HeartbeatThread(threading.Thread):
    def __init__(self, hostname: str) -> None:
        super().__init__(name="worker-heartbeat", daemon=True)
        self.hostname = hostname
        self.started_at = timezone.now()
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    record_heartbeat(self.hostname, self.started_at)
                except Exception:  # noqa: BLE001 - a database hiccup must not end the heartbeat for good
                    logger.warning("worker heartbeat failed", exc_info=True)
                    connection.close()
                if self.stopping.wait(settings.WORKER_HEARTBEAT_SECONDS):
                    break
            WorkerHeartbeat.objects.filter(hostname=self.hostname).delete()
        finally:
            connection.close()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=5)


_thread: HeartbeatThread | None = None


def start(hostname: str) -> None:
    global _thread
    if _thread is None:
        _thread = HeartbeatThread(hostname)
        _thread.start()


def stop() -> None:
    global _thread
    if _thread is not None:
        _thread.stop()
        _thread = None
