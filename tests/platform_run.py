"""The platform as `make run` starts it, for tests that drive it from outside: bin/run (the web
server, a real Celery worker and beat) on a fresh embedded SQLite database and SQL-file broker,
with or without the demo data."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
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
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "REDIS_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="leadplatform.settings.local",
        DATABASE_URL=f"sqlite:///{var / 'db.sqlite3'}",
        CELERY_BROKER_URL=f"sqla+sqlite:///{var / 'broker.sqlite3'}",
        MEDIA_ROOT=str(var / "media"),
        PY=sys.executable,
        PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    )
    if port is not None:
        env.update(SITE_URL=f"http://127.0.0.1:{port}", PORT=str(port))
    return env


def prepare_database(env: dict[str, str], *, demo: bool) -> None:
    commands = [["migrate", "--noinput"], ["createcachetable"]] + ([["seed_demo"]] if demo else [])
    for command in commands:
        result = manage(env, *command)
        assert result.returncode == 0, result.stderr[-3000:]


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
def running_platform(var: Path) -> Iterator[tuple[str, dict[str, str]]]:
    """bin/run on a fresh embedded database with the demo data; (base URL, its environment)."""
    port = free_port()
    env = embedded_platform_env(var, port)
    prepare_database(env, demo=True)
    script = None
    try:
        script = start_run_script(env, port, var / "run.log")
        yield env["SITE_URL"], env
    finally:
        if script is not None:
            script.send_signal(signal.SIGTERM)
            try:
                script.wait(20)
            finally:
                kill_session(script.pid)


@contextlib.contextmanager
def running_demo(var: Path) -> Iterator[tuple[str, dict]]:
    """bin/run with the demo data; (base URL, the credentials `seed_demo --json` prints)."""
    with running_platform(var) as (base, env):
        printed = manage(env, "seed_demo", "--json")
        assert printed.returncode == 0, printed.stderr[-3000:]
        yield base, json.loads(printed.stdout)
