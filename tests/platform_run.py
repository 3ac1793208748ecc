"""The platform as `make run` starts it, for tests that drive it from outside: bin/run (the web
server, a real Celery worker and beat) on a fresh embedded SQLite database and SQL-file broker,
with or without the demo data."""

from __future__ import annotations

import atexit
import contextlib
import functools
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .processes import wait_for

ROOT = Path(__file__).resolve().parent.parent
START_WITHIN_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def embedded_platform_env(var: Path, port: int | None = None) -> dict[str, str]:
    """The environment of `make run` on a fresh embedded database under `var` (serving on `port`)."""
    # SITE_URL too: the platform's commands find the address as bin/run records it.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "CELERY_")) and key != "SITE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="leadplatform.settings.local",
        VAR_DIR=str(var),
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        CELERY_BROKER_URL=f"sqla+sqlite:///{var / 'broker.sqlite3'}",
        MEDIA_ROOT=str(var / "media"),
        PY=sys.executable,
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    if port is not None:
        env.update(PORT=str(port))
    return env


@functools.cache
def migrated_database() -> Path:
    """An SQLite database as `make run` migrates it (migrate, createcachetable), made once per test process.

    Each platform a test starts gets a copy: migrating takes longer than anything else in a start.
    """
    folder = Path(tempfile.mkdtemp(prefix="lp-migrated-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    env = embedded_platform_env(folder)
    for command in (["migrate", "--noinput"], ["createcachetable"]):
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr[-3000:]
    return folder / "db.sqlite3"


def prepare_database(env: dict[str, str], *, demo: bool) -> dict | None:
    """The migrated database at env's DATABASE_URL, with the demo data if asked: then the credentials
    `seed_demo --json` printed. Like `make run`, the seed is told the address the platform will serve at."""
    shutil.copyfile(migrated_database(), env["DATABASE_URL"].removeprefix("sqlite:///"))
    if not demo:
        return None
    result = manage({**env, "SITE_URL": f"http://127.0.0.1:{env.get('PORT', 8000)}"}, "seed_demo", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


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
        state, _ppid, _pgrp, session = stat[stat.rindex(")") + 2 :].split()[:4]
        if int(session) == session_id and state != "Z":
            found[int(entry.name)] = cmdline
    return found


def kill_session(session_id: int) -> None:
    for pid in session_processes(session_id):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def serves(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/admin/login/")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def start_run_script(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    """bin/run on `port`, once web and worker are up (killed, with all it started, if they never are)."""
    script = subprocess.Popen(
        ["bin/run"],
        cwd=ROOT,
        env={**env, "PORT": str(port)},
        start_new_session=True,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: serves(port), START_WITHIN_SECONDS, "the web server")
        wait_for(lambda: b" ready." in log.read_bytes(), START_WITHIN_SECONDS, "the Celery worker")
    except AssertionError:
        kill_session(script.pid)
        raise
    return script


@contextlib.contextmanager
def running_platform(var: Path) -> Iterator[tuple[str, dict[str, str], dict]]:
    """bin/run on a fresh embedded database with the demo data.

    Yields the base URL, the platform's environment and the demo credentials (`seed_demo --json`).
    """
    port = free_port()
    env = embedded_platform_env(var, port)
    credentials = prepare_database(env, demo=True)
    script = None
    try:
        # At the end the worker gets a second to stop before it is killed (bin/run's default is 5 s).
        script = start_run_script({**env, "STOP_GRACE_SECONDS": "1"}, port, var / "run.log")
        yield f"http://127.0.0.1:{port}", env, credentials
    finally:
        if script is not None:
            script.send_signal(signal.SIGTERM)
            try:
                script.wait(20)
            finally:
                kill_session(script.pid)


@contextlib.contextmanager
def running_demo(var: Path) -> Iterator[tuple[str, dict]]:
    """bin/run with the demo data; (base URL, the credentials `seed_demo --json` printed)."""
    with running_platform(var) as (base, _env, credentials):
        yield base, credentials
