"""`bin/run` (what `make run` starts): on SIGINT or SIGTERM, web, worker and beat are all gone within 10 s.

Runs the real script in embedded mode (SQLite, the SQL-file broker) in a temporary directory,
in its own session, so every process it started can be found and checked afterwards.
"""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .processes import wait_for
from .test_embedded import manage

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
STOP_WITHIN_SECONDS = 10


@pytest.fixture(scope="module")
def run_env(tmp_path_factory):
    var = tmp_path_factory.mktemp("run")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="leadplatform.settings.local",
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        CELERY_BROKER_URL=f"sqla+sqlite:///{var / 'broker.sqlite3'}",
        MEDIA_ROOT=str(var / "media"),
        PY=sys.executable,
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput"], ["createcachetable"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr[-3000:]
    return env


def session_processes(session_id: int) -> dict[int, str]:
    """Live (not zombie) processes of a session: pid → command line."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        state, _ppid, _pgrp, session = stat[stat.rindex(")") + 2:].split()[:4]
        if int(session) == session_id and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def serves(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/admin/login/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


@pytest.fixture
def run_script(run_env, tmp_path):
    """Start bin/run on a port and wait until web and worker are up; whatever is left is killed afterwards."""
    started = []

    def start(port: int) -> subprocess.Popen:
        log = tmp_path / "run.log"
        script = subprocess.Popen(
            ["bin/run"], cwd=ROOT, env={**run_env, "PORT": str(port)}, start_new_session=True,
            stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        started.append(script)
        wait_for(lambda: serves(port), 120, "the web server")
        wait_for(lambda: b" ready." in log.read_bytes(), 120, "the Celery worker")
        return script

    yield start
    for script in started:
        kill_session(script.pid)
        script.wait(10)


def stop_and_time(script: subprocess.Popen, signum: int) -> tuple[float, dict[int, str]]:
    """Send `signum` to bin/run; (seconds until its whole session was gone, what was left at the deadline)."""
    started = time.monotonic()
    script.send_signal(signum)
    left = session_processes(script.pid)
    while left and time.monotonic() - started < STOP_WITHIN_SECONDS + 5:
        script.poll()  # reap bin/run itself
        time.sleep(0.1)
        left = session_processes(script.pid)
    return time.monotonic() - started, left


def kill_session(session_id: int) -> None:
    for pid in session_processes(session_id):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.mark.parametrize(("signum", "port"), [(signal.SIGTERM, 8171), (signal.SIGINT, 8172)], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_web_worker_and_beat_within_ten_seconds(run_script, signum, port):
    script = run_script(port)
    commands = " ".join(session_processes(script.pid).values())
    assert all(part in commands for part in ("worker", "beat", "runserver"))
    elapsed, left = stop_and_time(script, signum)
    assert not left, f"still running after {elapsed:.1f}s: {left}"
    assert elapsed < STOP_WITHIN_SECONDS


def test_a_worker_that_ignores_sigterm_is_killed_within_ten_seconds(run_script):
    """A stopped process cannot act on SIGTERM, like a worker stuck in a task: only the escalation ends it."""
    script = run_script(8173)
    worker = next(pid for pid, command in session_processes(script.pid).items()
                  if " worker " in command and os.getpgid(pid) == pid)
    os.kill(worker, signal.SIGSTOP)
    elapsed, left = stop_and_time(script, signal.SIGTERM)
    assert not left, f"still running after {elapsed:.1f}s: {left}"
    assert elapsed < STOP_WITHIN_SECONDS
