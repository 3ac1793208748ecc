"""The embedded runtime of `make run`: SQLite, the SQL-file Celery broker, no servers.

Runs in subprocesses with a clean environment, as `make run` does on a fresh machine.
"""

import json
import subprocess
import sys
import time

import pytest

from .platform_run import ROOT, embedded_platform_env, manage, prepare_database

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    env = embedded_platform_env(tmp_path_factory.mktemp("embedded"))
    prepare_database(env, demo=True)
    return env


def django_eval(env, code: str) -> str:
    script = "import django; django.setup()\n" + code
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip()


def test_demo_data_loads_twice_on_sqlite(embedded_env):
    result = manage(embedded_env, "seed_demo", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    assert {"platform", "advertisers", "publishers", "application"} <= set(json.loads(result.stdout))


def test_every_periodic_task_runs_on_sqlite(embedded_env):
    output = django_eval(
        embedded_env,
        "from leadplatform.beat import declared_periodic_tasks\n"
        "from leadplatform.celery import app as current_app\n"
        "current_app.loader.import_default_modules()\n"
        "for name, spec in declared_periodic_tasks().items():\n"
        "    current_app.tasks[spec['task']].apply(kwargs=spec.get('kwargs', {}), throw=True)\n"
        "    print('ran', name)\n",
    )
    assert output.count("ran ") >= 2


def test_a_worker_runs_tasks_from_the_embedded_broker(embedded_env):
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "leadplatform",
            "worker",
            "--pool=solo",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=embedded_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        token_id = django_eval(
            embedded_env,
            "from accounts.models import ApiToken\n"
            "from accounts import services\n"
            "token = ApiToken.objects.filter(revoked_at__isnull=True).first()\n"
            "services.record_token_use(token); services.record_token_use(token)\n"
            "from accounts.tasks import flush_usage_counters\n"
            "flush_usage_counters.delay()\n"
            "print(token.pk)\n",
        )
        deadline = time.monotonic() + 90
        count = "0"
        while time.monotonic() < deadline and count == "0":
            time.sleep(1)
            count = django_eval(
                embedded_env,
                f"from accounts.models import ApiToken; print(ApiToken.objects.get(pk={token_id}).request_count)",
            )
        assert count == "2"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
