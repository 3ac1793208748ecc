"""A Python client generated from the OpenAPI document (openapi-python-client, offline) builds
without a warning, every one of its modules imports, and it drives each surface's main flow."""

import importlib
import io
import os
import pkgutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client

from leads.models import ScrapeJob
from leads.outbound import guard
from tasks.models import Task

from ..campaigns.factories import CampaignFactory
from ..campaigns.images import png_bytes
from ..factories import PASSWORD
from ..intel.factories import SiteFactory, VisitSessionFactory
from ..leads.factories import TargetFactory

# Generating the client takes a subprocess; most tests then call it against a live server.
pytestmark = pytest.mark.slow

CONFIG = Path(__file__).resolve().parents[2] / "docs" / "openapi-python-client.yaml"
PACKAGE = "generated_lead_client"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("client")
    schema_path = folder / "openapi.json"
    call_command("spectacular", "--format", "openapi-json", "--file", str(schema_path))
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    finished = subprocess.run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(schema_path),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
            "--config",
            str(CONFIG),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )
    sys.path.insert(0, str(folder))
    yield finished
    sys.path.remove(str(folder))
    for name in [name for name in sys.modules if name == PACKAGE or name.startswith(f"{PACKAGE}.")]:
        del sys.modules[name]


def test_generator_succeeds_without_warnings(generated):
    output = generated.stdout + generated.stderr
    assert generated.returncode == 0, output
    assert "warning" not in output.lower(), output


def test_every_generated_module_imports(generated):
    package = importlib.import_module(PACKAGE)
    failures = {}
    for module in pkgutil.walk_packages(package.__path__, f"{PACKAGE}."):
        try:
            importlib.import_module(module.name)
        except Exception as error:  # noqa: BLE001 - every failure is reported at once
            failures[module.name] = repr(error)
    assert failures == {}


def test_every_operation_has_a_generated_module(generated):
    schema = Client().get("/api/openapi.json").json()
    operation_count = sum(len(operations) for operations in schema["paths"].values())
    api = importlib.import_module(f"{PACKAGE}.api")
    modules = [module for module in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.") if not module.ispkg]
    assert len(modules) == operation_count


def _generated(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def test_web_login_through_the_generated_client(generated, live_server, owner):
    client_module, models = _generated("client"), _generated("models")
    login = _generated("api.web_scraper.web_v1_auth_login_create")
    anonymous = client_module.Client(base_url=live_server.url)
    token = login.sync(client=anonymous, body=models.LoginRequest(username=owner.user.username, password=PASSWORD))
    assert isinstance(token, models.AccessToken) and token.token_type == "bearer"


def test_web_job_create_through_the_generated_client(generated, live_server, owner):
    client_module, models = _generated("client"), _generated("models")
    create_job = _generated("api.web_scraper.web_v1_jobs_create")
    authenticated = client_module.AuthenticatedClient(base_url=live_server.url, token=owner.token)
    body = models.JobCreateRequest.from_dict({"url": "https://shop.example/products", "priority": "high"})
    with mock.patch("leads.tasks.run_web_job.delay"), guard.override_resolver(lambda host, port: ["93.184.216.34"]):
        job = create_job.sync(client=authenticated, body=body)
    assert isinstance(job, models.Job) and job.priority == "high"


def test_v1_lead_job_create_through_the_generated_client(generated, live_server, owner):
    client_module, models = _generated("client"), _generated("models")
    create_job = _generated("api.leads_v_1.v1_jobs_create")
    target = TargetFactory(advertiser=owner.advertiser)
    authenticated = client_module.AuthenticatedClient(base_url=live_server.url, token=owner.token)
    body = models.V1JobCreateRequest.from_dict({"name": "Generated", "job_type": "hashtag", "target_ids": [target.pk]})
    created = create_job.sync(client=authenticated, body=body)
    assert isinstance(created, models.V1JobCreatedEnvelope)
    assert ScrapeJob.objects.get(pk=created.data.id).advertiser == owner.advertiser


def test_social_group_post_task_through_the_generated_client(generated, live_server, owner):
    client_module, models = _generated("client"), _generated("models")
    create_task = _generated("api.social_tasks.social_tasks_create")
    get_task = _generated("api.social_tasks.social_tasks_retrieve")
    authenticated = client_module.AuthenticatedClient(base_url=live_server.url, token=owner.token)
    body = models.SocialTaskCreateRequest(group_id="123456789", group_name="Laravel Developers Vietnam", max_posts=100)
    with mock.patch("leads.tasks.run_next_scrape_job.apply_async"):
        created = create_task.sync(client=authenticated, body=body)
    fetched = get_task.sync(created.data.id, client=authenticated)
    assert isinstance(fetched, models.SocialTaskEnvelope)
    assert (fetched.data.group_id, fetched.data.status) == ("123456789", "pending")


def test_intel_token_and_sessions_through_the_generated_client(generated, live_server, owner):
    client_module, models = _generated("client"), _generated("models")
    get_token = _generated("api.lead_intelligence.intel_v1_api_token_get_create")
    list_sessions = _generated("api.lead_intelligence.intel_v1_sessions_list")
    visit = VisitSessionFactory(site=SiteFactory(advertiser=owner.advertiser))
    anonymous = client_module.Client(base_url=live_server.url)
    token = get_token.sync(
        client=anonymous, body=models.IntelTokenRequestRequest(email=owner.user.email, password=PASSWORD)
    )
    authenticated = client_module.AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token")
    sessions = list_sessions.sync(client=authenticated)
    assert isinstance(sessions, models.PaginatedVisitSessionList)
    assert [session.id for session in sessions.results] == [visit.pk]


def test_campaign_app_join_and_complete_with_an_upload_through_the_generated_client(
    generated, live_server, app_credentials, publisher
):
    client_module, models, types = _generated("client"), _generated("models"), _generated("types")
    log_in = _generated("api.campaign_app.app_token_create")
    join = _generated("api.campaign_app.action_campaign_join_create")
    complete = _generated("api.campaign_app.action_task_complete_create")
    client_id, client_secret = app_credentials
    application = {"X-Client-Id": client_id, "X-Client-Secret": client_secret}
    campaign = CampaignFactory()
    anonymous = client_module.Client(base_url=live_server.url, headers=application)
    token = log_in.sync(
        client=anonymous, body=models.TokenRequestRequest(username=publisher.user.username, password=PASSWORD)
    )
    app = client_module.AuthenticatedClient(base_url=live_server.url, token=token.token, headers=application)
    joined = join.sync(client=app, body=models.CampaignIdRequestRequest(campaign_id=campaign.pk))
    screenshot = types.File(payload=io.BytesIO(png_bytes()), file_name="post.png", mime_type="image/png")
    body = models.CompleteTaskUploadRequest(
        task_id=joined.task_id, post_url="https://instagram.com/p/example", screenshots=[screenshot]
    )
    completed = complete.sync(client=app, body=body)
    assert isinstance(completed, models.CompleteTaskResponse)
    task = Task.objects.get(pk=joined.task_id)
    assert task.status == Task.Status.UNDER_REVIEW
    assert task.submission.screenshots.get().image.name.endswith(".png")
