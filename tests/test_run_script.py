"""`bin/run` (what `make run` starts): on SIGINT or SIGTERM, web, worker and beat are all gone within 10 s.

Runs the real script in embedded mode (SQLite, the SQL-file broker) in a temporary directory,
in its own session, so every process it started can be found and checked afterwards.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from .platform_run import (
    embedded_platform_env,
    free_port,
    kill_session,
    prepare_database,
    serves,
    session_processes,
    start_run_script,
)

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
STOP_WITHIN_SECONDS = 10


@pytest.fixture(scope="module")
def run_env(tmp_path_factory):
    env = embedded_platform_env(tmp_path_factory.mktemp("run"))
    prepare_database(env, demo=False)
    return env


@pytest.fixture
def run_log(tmp_path) -> Path:
    return tmp_path / "run.log"


@pytest.fixture
def run_script(run_env, run_log):
    """Start bin/run on a free port and wait until web and worker are up; whatever is left is killed afterwards."""
    started = []

    def start() -> subprocess.Popen:
        script = start_run_script(run_env, free_port(), run_log)
        started.append(script)
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


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_web_worker_and_beat_within_ten_seconds(run_script, signum):
    script = run_script()
    commands = " ".join(session_processes(script.pid).values())
    assert all(part in commands for part in ("worker", "beat", "runserver"))
    elapsed, left = stop_and_time(script, signum)
    assert not left, f"still running after {elapsed:.1f}s: {left}"
    assert elapsed < STOP_WITHIN_SECONDS


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_idle_platform_stops_within_the_grace_period_without_a_kill(run_script, run_log, signum):
    """The default grace (STOP_GRACE_SECONDS, 5 s) is enough for an idle web server, worker and beat."""
    script = run_script()
    script.send_signal(signum)
    script.wait(STOP_WITHIN_SECONDS + 5)
    assert "killing" not in run_log.read_text(errors="replace")


def test_bin_run_records_the_address_it_serves_at_for_the_local_settings(run_script, run_env):
    run_script()
    recorded = (Path(run_env["VAR_DIR"]) / "site-url").read_text().strip()
    assert serves(urlsplit(recorded).port)


def test_the_banner_names_the_demo_advertiser_login(run_script, run_log):
    run_script()
    assert "advertiser acme at /admin/" in run_log.read_text(errors="replace")


def test_a_worker_that_ignores_sigterm_is_killed_within_ten_seconds(run_script):
    """A stopped process cannot act on SIGTERM, like a worker stuck in a task: only the escalation ends it."""
    script = run_script()
    worker = next(
        pid
        for pid, command in session_processes(script.pid).items()
        if " worker " in command and os.getpgid(pid) == pid
    )
    os.kill(worker, signal.SIGSTOP)
    elapsed, left = stop_and_time(script, signal.SIGTERM)
    assert not left, f"still running after {elapsed:.1f}s: {left}"
    assert elapsed < STOP_WITHIN_SECONDS
