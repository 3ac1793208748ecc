"""The Celery broker in tests: a real outage (the broker URL names a closed port) and a worker that runs,
in the test's own process, what was sent to the in-memory broker the test settings use."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from celery import current_app

from leadplatform.celery import app as celery_app

QUEUE = "celery"


def closed_port_url(scheme: str = "redis") -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"{scheme}://127.0.0.1:{port}/0"  # nothing listens there once the probe is closed


@contextmanager
def broker_at(url: str):
    """Point the platform's Celery app (made current: shared tasks publish through it) at `url`."""
    conf, amqp = celery_app.conf, celery_app.amqp
    previous_app = current_app._get_current_object()
    saved = conf.broker_url, conf.broker_write_url, conf.broker_read_url, celery_app._pool, amqp._producer_pool
    conf.broker_url = conf.broker_write_url = conf.broker_read_url = url
    celery_app._pool = amqp._producer_pool = None
    celery_app.set_current()
    try:
        yield
    finally:
        conf.broker_url, conf.broker_write_url, conf.broker_read_url, celery_app._pool, amqp._producer_pool = saved
        previous_app.set_current()


def take_sent_messages() -> list[tuple[str, list, dict]]:
    """Remove and return what waits in the in-memory broker's queue: (task name, args, kwargs)."""
    taken = []
    with celery_app.connection_for_read() as connection:
        queue = connection.SimpleQueue(QUEUE)
        try:
            while True:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    return taken
                args, kwargs, _ = message.decode()
                taken.append((message.headers["task"], list(args), dict(kwargs)))
                message.ack()
        finally:
            queue.close()


def run_sent_tasks(max_tasks: int = 100) -> list[tuple[str, list, dict]]:
    """Act as a worker: run every message sent to the in-memory broker, and those their tasks send, here.

    Countdowns are ignored (a retry's backoff runs at once). Returns what ran, in order."""
    ran: list[tuple[str, list, dict]] = []
    while pending := take_sent_messages():
        for name, args, kwargs in pending:
            celery_app.tasks[name].apply(args=args, kwargs=kwargs, throw=True)
            ran.append((name, args, kwargs))
            assert len(ran) <= max_tasks, f"more than {max_tasks} tasks ran: {ran[:10]}"
    return ran
