"""Serving the platform for a bench and loading it with wrk: the gunicorn server, a free port, wrk's figures.

A bench module that serves is also the server's URLconf: its `server_app()` returns `platform_app(__name__)`.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: wrk's latency units, in milliseconds.
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def platform_app(urlconf: str):
    """The platform's WSGI app with `urlconf` (a bench module: the platform's routes plus its own) as URLconf."""
    import django
    from django.conf import settings

    django.setup()
    settings.ROOT_URLCONF = urlconf
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


def start(command: list[str], env: dict[str, str]) -> subprocess.Popen:
    """`command` in its own session, from the repository's root, with `env` over this process's environment."""
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env}, start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def start_gunicorn(module: str, port: int, workers: int, env: dict[str, str], threads: int = 1) -> subprocess.Popen:
    """gunicorn serving `module.server_app()` on 127.0.0.1:`port`, once it accepts connections."""
    gthread = ["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []
    process = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            f"{module}:server_app()",
            "--workers",
            str(workers),
            *gthread,
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "--chdir",
            str(ROOT),
        ],
        env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise RuntimeError("gunicorn did not start")


def wrk(connections: int, seconds: int, *arguments: str) -> str:
    """wrk's report of a load of `seconds` over `connections` connections (two threads, latency percentiles)."""
    return subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", *arguments],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def latency_ms(report: str, percentile: str) -> float:
    """The latency at `percentile` ("50", "99") in wrk's report, in milliseconds."""
    value, unit = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", report, re.MULTILINE).groups()
    return float(value) * UNITS[unit]


def non_2xx(report: str) -> int:
    """How many responses of wrk's report were neither 2xx nor 3xx."""
    found = re.search(r"Non-2xx or 3xx responses: (\d+)", report)
    return int(found.group(1)) if found else 0
