"""The demo data stays on this machine and leaves no job that only a missing worker could finish."""

from __future__ import annotations

import ipaddress
from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models

from accounts.management.commands import seed_demo
from leads.models import ConnectorCredential, ScrapeJob

pytestmark = pytest.mark.django_db

LOCAL_NAMES = {"localhost"}


#: The demo modules that write scraping rows (the campaign demos write none and take long).
SCRAPING_DEMO_MODULES = ["accounts.demo", "leads.social.demo", "leads.web.demo"]


@pytest.fixture
def demo(settings, monkeypatch):
    assert set(SCRAPING_DEMO_MODULES) <= set(seed_demo.demo_modules())
    monkeypatch.setattr(seed_demo, "demo_modules", lambda: SCRAPING_DEMO_MODULES)
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("seed_demo", stdout=StringIO())


def is_local(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def stored_urls() -> list[tuple[str, str]]:
    """Every http(s) value of every text column of the scraping app's rows: (where, url)."""
    found = []
    for model in apps.get_app_config("leads").get_models():
        columns = [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for row in model.objects.values("pk", *columns).iterator():
            for column in columns:
                value = (row[column] or "").strip()
                if value.lower().startswith(("http://", "https://")):
                    found.append((f"{model.__name__}.{column} #{row['pk']}", value))
    return found


def test_no_demo_job_is_left_assigned_or_running(demo):
    active = ScrapeJob.objects.filter(status__in=(ScrapeJob.Status.ASSIGNED, ScrapeJob.Status.RUNNING))
    assert ScrapeJob.objects.exists() and not active.exists()


def test_every_demo_connector_credential_is_the_sandbox(demo):
    providers = set(ConnectorCredential.objects.values_list("provider", flat=True))
    assert providers == {ConnectorCredential.Provider.SANDBOX}


def test_every_url_in_the_demo_rows_is_on_this_machine(demo):
    urls = stored_urls()
    assert urls, "the demo has web jobs, results and a webhook with URLs"
    assert [(where, url) for where, url in urls if not is_local(url)] == []


def test_the_web_demo_targets_the_platforms_own_demo_site(demo):
    web_urls = ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB).values_list("url", flat=True)
    assert web_urls and all(url.startswith("http://127.0.0.1:8000/demo-site/") for url in web_urls)
