"""The production lock alone runs a documented deployment: installed into a clean virtualenv (no test
tooling that could bring a missing package along), its Celery worker and beat start against a Redis
broker as the README's "Scaling out" runs them, the worker answers a ping and runs a task.

uv installs from its cache (offline first, the package index only for what the cache lacks); the test
skips only when uv is missing, or when packages are neither cached nor downloadable.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from leadplatform.api.models import IdempotencyKey
from leadplatform.beat import register_periodic_tasks
from leadplatform.celery import app as celery_app

from .broker import broker_at
from .processes import subprocess_database_url, wait_for

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements" / "lock" / "production.txt"
#: What uv says when a package is neither in its cache nor reachable on the index.
UNREACHABLE = ("Failed to fetch", "dns error", "Could not connect", "network", "offline")


def _uv() -> str | None:
    bundled = ROOT / ".venv" / "bin" / "uv"
    return str(bundled) if bundled.exists() else shutil.which("uv")


def _install(uv: str, python: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [uv, "pip", "install", "--quiet", "--python", str(python), "-r", str(LOCK), *extra],
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def production_bin(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh virtualenv holding exactly requirements/lock/production.txt."""
    uv = _uv()
    if uv is None:
        pytest.skip(
            "uv is not installed (make install-dev puts it into .venv): the production lock cannot be installed"
        )
    venv = tmp_path_factory.mktemp("production") / "venv"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    installed = _install(uv, python, "--offline")
    if installed.returncode:
        installed = _install(uv, python)
    if installed.returncode and any(word in installed.stderr for word in UNREACHABLE):
        pytest.skip(
            f"the production lock's packages are not in uv's cache and the index is unreachable: {installed.stderr[-500:]}"
        )
    assert installed.returncode == 0, installed.stderr[-3000:]
    return venv / "bin"


def _environment(production_bin: Path) -> dict[str, str]:
    """A production process's environment: nothing of the test run's own virtualenv leaks in; PYTHONPATH
    holds only the tests' guard against name lookups leaving the machine (tests/offline)."""
    return {
        "PATH": f"{production_bin}:/usr/bin:/bin",
        "PYTHONPATH": str(ROOT / "tests" / "offline"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "leadplatform.settings.production",
        "SECRET_KEY": "production-install-test-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": subprocess_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": settings.REDIS_URL,
        "WORKER_HEARTBEAT_SECONDS": "1",
    }


def _start(production_bin: Path, log: Path, *arguments: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(production_bin / "celery"), "-A", "leadplatform", *arguments],
        cwd=ROOT,
        env=_environment(production_bin),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def test_the_production_lock_imports_the_redis_transport_the_web_server_and_the_database_driver(production_bin):
    probe = subprocess.run(
        [str(production_bin / "python"), "-c", "import kombu.transport.redis, gunicorn, psycopg"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert probe.returncode == 0, probe.stderr[-2000:]


@pytest.mark.django_db(transaction=True)
def test_worker_from_the_production_lock_answers_a_ping_and_runs_a_task(production_bin, tmp_path):
    expired = IdempotencyKey.objects.create(owner="user:1", key="old", route="/api/tasks/", request_digest="0" * 64)
    IdempotencyKey.objects.filter(pk=expired.pk).update(created_at=timezone.now() - timedelta(days=30))
    name = f"production{time.time_ns()}@test"
    log = tmp_path / "worker.log"
    worker = _start(production_bin, log, "worker", "-P", "solo", "-l", "info", "--without-mingle", "-n", name)
    try:
        wait_for(lambda: f"{name} ready" in log.read_text() or worker.poll() is not None, 90, f"the worker ({log})")
        assert worker.poll() is None, log.read_text()[-3000:]
        ping = subprocess.run(
            [str(production_bin / "celery"), "-A", "leadplatform", "inspect", "ping", "-d", name, "-t", "10"],
            cwd=ROOT,
            env=_environment(production_bin),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert "pong" in ping.stdout, ping.stdout + ping.stderr
        with broker_at(settings.REDIS_URL):
            celery_app.send_task("tasks.purge_idempotency_keys")
        wait_for(lambda: not IdempotencyKey.objects.filter(pk=expired.pk).exists(), 60, f"the task to run ({log})")
    finally:
        _stop(worker)


@pytest.mark.django_db(transaction=True)
def test_beat_from_the_production_lock_starts_and_sends_due_tasks(production_bin, tmp_path):
    register_periodic_tasks()  # as after `migrate`: tasks never run yet are due at once
    log = tmp_path / "beat.log"
    beat = _start(
        production_bin,
        log,
        "beat",
        "-l",
        "info",
        "--scheduler",
        "django_celery_beat.schedulers:DatabaseScheduler",
        "--pidfile=",
    )
    try:
        wait_for(lambda: "Sending due task" in log.read_text() or beat.poll() is not None, 90, f"beat ({log})")
        assert beat.poll() is None and "Traceback" not in log.read_text(), log.read_text()[-3000:]
    finally:
        _stop(beat)
        with broker_at(settings.REDIS_URL):
            celery_app.control.purge()  # what beat sent is for no worker of this test
