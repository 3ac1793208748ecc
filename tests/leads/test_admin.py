"""Admin of social lead generation: changelists, run/cancel actions, CSV export, write-only encrypted secrets."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leads.models import ConnectorCredential, ScrapeJob

from .factories import ContentItemFactory, JobFactory, LeadFactory, TargetFactory


@pytest.fixture
def admin_client(staff) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def test_changelists_and_forms_render(admin_client, advertiser):
    JobFactory(advertiser=advertiser)
    TargetFactory(advertiser=advertiser)
    LeadFactory(advertiser=advertiser)
    ContentItemFactory(advertiser=advertiser)
    for name in ("socialjob", "target", "lead", "contentitem", "connectorcredential"):
        assert admin_client.get(reverse(f"admin:leads_{name}_changelist")).status_code == 200, name
        assert admin_client.get(reverse(f"admin:leads_{name}_add")).status_code == 200, name


def test_run_and_cancel_actions(admin_client, advertiser, django_capture_on_commit_callbacks):
    job = JobFactory(advertiser=advertiser)
    url = reverse("admin:leads_socialjob_changelist")
    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(url, {"action": "run_jobs", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.dispatch.queued_at is not None and len(callbacks) == 1
    admin_client.post(url, {"action": "cancel_jobs", "_selected_action": [job.pk]})
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.CANCELLED


def test_schedule_and_retries_set_in_admin(admin_client, advertiser):
    from django_celery_beat.models import PeriodicTask

    target = TargetFactory(advertiser=advertiser)
    response = admin_client.post(
        reverse("admin:leads_socialjob_add"),
        {
            "advertiser": advertiser.pk,
            "name": "Nightly",
            "kind": "followers",
            "platform": "instagram",
            "targets": [target.pk],
            "speed_mode": "safe",
            "priority": 0,
            "schedule_crontab": "0 3 * * *",
            "max_retries": 5,
            "units-TOTAL_FORMS": 0,
            "units-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ScrapeJob.objects.get(name="Nightly")
    assert job.dispatch.max_retries == 5
    assert PeriodicTask.objects.get(name=f"scrape-job-{job.pk}").crontab.hour == "3"


def test_lead_csv_export(admin_client, advertiser):
    leads = [
        LeadFactory(advertiser=advertiser, username="fitness_guru", emails="a@b.example"),
        LeadFactory(advertiser=advertiser),
    ]
    response = admin_client.post(
        reverse("admin:leads_lead_changelist"),
        {"action": "export_csv", "_selected_action": [lead.pk for lead in leads]},
    )
    body = b"".join(response.streaming_content).decode()
    lines = body.strip().splitlines()
    assert lines[0].startswith("id,platform,username") and len(lines) == 3
    assert "fitness_guru" in body and "a@b.example" in body


def test_credential_secret_is_write_only_and_encrypted(admin_client, advertiser):
    response = admin_client.post(
        reverse("admin:leads_connectorcredential_add"),
        {
            "advertiser": advertiser.pk,
            "name": "Apify",
            "provider": "hosted_scraper",
            "platform": "instagram",
            "actor_followers_id": "someone/followers",
            "hashtag_quota": 30,
            "active": "on",
            "secret": "apify_api_TOPSECRET123",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = ConnectorCredential.objects.get(name="Apify")
    assert credential.secret == "apify_api_TOPSECRET123" and "TOPSECRET" not in credential.secret_encrypted
    assert credential.actors == {"followers": {"actor_id": "someone/followers"}}
    page = admin_client.get(reverse("admin:leads_connectorcredential_change", args=[credential.pk])).content.decode()
    assert "TOPSECRET" not in page and "…T123" in page
    bad = admin_client.post(
        reverse("admin:leads_connectorcredential_add"),
        {
            "advertiser": advertiser.pk,
            "name": "Bad",
            "provider": "hosted_scraper",
            "platform": "instagram",
            "actor_followers_id": "x",
            "actor_followers_input": '["not", "an", "object"]',
            "hashtag_quota": 30,
        },
    )
    assert bad.status_code == 200 and "The run input is an object" in bad.content.decode()


def test_graph_app_secret_is_write_only_and_encrypted(admin_client, advertiser):
    response = admin_client.post(
        reverse("admin:leads_connectorcredential_add"),
        {
            "advertiser": advertiser.pk,
            "name": "Graph",
            "provider": "instagram_graph",
            "platform": "instagram",
            "account_id": "17841400000000001",
            "hashtag_quota": 30,
            "active": "on",
            "secret": "EAAG-token",
            "app_id": "1234567890",
            "app_secret": "APPSECRET-VALUE",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    credential = ConnectorCredential.objects.get(name="Graph")
    assert credential.app_secret == "APPSECRET-VALUE" and "APPSECRET" not in credential.app_secret_encrypted
    page = admin_client.get(reverse("admin:leads_connectorcredential_change", args=[credential.pk])).content.decode()
    assert "APPSECRET" not in page


def test_a_member_sees_only_their_advertisers_leads(owner, outsider):
    LeadFactory(advertiser=owner.advertiser, username="mine")
    LeadFactory(advertiser=outsider.advertiser, username="theirs")
    client = Client()
    client.force_login(owner.user)
    page = client.get(reverse("admin:leads_lead_changelist")).content.decode()
    assert "mine" in page and "theirs" not in page


def test_a_credential_base_url_typed_without_a_scheme_is_https(advertiser):
    from leads.admin_forms import ConnectorCredentialForm

    form = ConnectorCredentialForm(
        data={
            "advertiser": advertiser.pk,
            "name": "Hosted",
            "provider": ConnectorCredential.Provider.HOSTED_SCRAPER,
            "platform": "instagram",
            "base_url": "scraper.example",
            "hashtag_quota": 30,
            "active": True,
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["base_url"] == "https://scraper.example"


def test_a_sandbox_credential_is_created_in_admin_with_no_secret(admin_client, advertiser):
    response = admin_client.post(
        reverse("admin:leads_connectorcredential_add"),
        {
            "advertiser": advertiser.pk,
            "name": "Try it out",
            "provider": "sandbox",
            "platform": "instagram",
            "hashtag_quota": 30,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ConnectorCredential.objects.get(name="Try it out").provider == ConnectorCredential.Provider.SANDBOX


def test_the_unfiltered_lead_list_offers_no_show_all_link(owner):
    LeadFactory.create_batch(3, advertiser=owner.advertiser)
    client = Client()
    client.force_login(owner.user)
    assert "Show all" not in client.get(reverse("admin:leads_lead_changelist")).content.decode()


def test_a_filtered_lead_list_offers_the_show_all_link(owner):
    LeadFactory.create_batch(3, advertiser=owner.advertiser)
    client = Client()
    client.force_login(owner.user)
    page = client.get(reverse("admin:leads_lead_changelist"), {"platform__exact": "instagram"}).content.decode()
    assert "Show all" in page
