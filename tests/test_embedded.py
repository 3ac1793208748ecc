"""The embedded runtime of `make run`: SQLite, the SQL-file Celery broker, no servers.

Runs in subprocesses with a clean environment, as `make run` does on a fresh machine.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

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


DEMO_URLS = (
    "from leads.models import ScrapeJob, Webhook\n"
    "for job in ScrapeJob.objects.filter(kind='web', advertiser__contact_email='owner@acme.example'):\n"
    "    print('job', job.url)\n"
    "for webhook in Webhook.objects.filter(advertiser__contact_email='owner@acme.example'):\n"
    "    print('webhook', webhook.url)\n"
)


@pytest.fixture
def recorded_address(embedded_env):
    """The address bin/run records when it serves on port 18901 (as `PORT=18901 make run` does)."""
    recorded = Path(embedded_env["VAR_DIR"]) / "site-url"
    recorded.write_text("http://127.0.0.1:18901\n")
    yield "http://127.0.0.1:18901/"
    recorded.unlink()


def test_seed_demo_points_the_demo_at_the_address_the_platform_serves_at(embedded_env, recorded_address):
    result = manage(embedded_env, "seed_demo", "--json")
    assert result.returncode == 0, result.stderr[-3000:]
    urls = django_eval(embedded_env, DEMO_URLS).splitlines()
    assert urls and all(line.split()[1].startswith(recorded_address) for line in urls), urls


def test_seed_demo_on_another_port_keeps_one_demo_webhook(embedded_env, recorded_address):
    manage(embedded_env, "seed_demo", "--json")
    webhooks = [line for line in django_eval(embedded_env, DEMO_URLS).splitlines() if line.startswith("webhook")]
    assert webhooks == [f"webhook {recorded_address}demo-site/webhook/"]


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
