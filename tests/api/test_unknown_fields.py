"""A request body with a field the route does not accept is refused on every create and update, in the
surface's validation status and shape (422 on the web and social surfaces, 400 on /api/v1, intel and the
campaign backend and app), and nothing changes."""

from __future__ import annotations

from decimal import Decimal
from unittest import mock

import pytest

from accounts.models import ApiToken, User
from campaigns.models import Campaign
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leads.models import ScrapeJob, Target, Webhook
from leads.outbound import guard
from tasks.models import Submission, Task
from tests.backend.routes import ROUTES as BACKEND_ROUTES
from tests.campaigns.factories import TaskFactory as CampaignTaskFactory
from tests.campaigns.images import png_bytes, upload
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.leads.factories import GroupTaskFactory, JobFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_side_effects():
    with (
        guard.override_resolver(lambda host, port: ["93.184.216.34"]),
        mock.patch("leads.tasks.run_web_job.delay"),
        mock.patch("leads.tasks.run_next_scrape_job.apply_async"),
    ):
        yield


def test_the_mixin_names_every_unknown_key():
    from rest_framework import serializers

    class Example(RejectUnknownFieldsMixin, serializers.Serializer):
        name = serializers.CharField()
        id = serializers.IntegerField(read_only=True)

    example = Example(data={"name": "x", "nmae": "y", "colour": 3})
    assert not example.is_valid()
    assert set(example.errors) == {"nmae", "colour"}


def test_a_read_only_field_sent_back_is_known_and_ignored():
    from rest_framework import serializers

    class Example(RejectUnknownFieldsMixin, serializers.Serializer):
        name = serializers.CharField()
        id = serializers.IntegerField(read_only=True)

    example = Example(data={"name": "x", "id": 3})
    assert example.is_valid() and example.validated_data == {"name": "x"}


def test_a_form_body_may_spell_a_list_field_with_indexes():
    from django.http import QueryDict
    from rest_framework import serializers

    class Example(RejectUnknownFieldsMixin, serializers.Serializer):
        ids = serializers.ListField(child=serializers.IntegerField())

    example = Example(data=QueryDict("ids[0]=1&ids[1]=2&idz[0]=3"))
    assert not example.is_valid()
    assert set(example.errors) == {"idz[0]"}


def test_web_job_create(owner):
    body = {"url": "https://shop.example/", "selectors": {"title": "h1::text"}, "shedule": {"interval_seconds": 600}}
    response = owner.client().post("/api/web/v1/jobs", body, format="json")
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Invalid request data",
        "type": "validation_error",
        "errors": {"shedule": ["Unknown field."]},
    }
    assert not ScrapeJob.objects.exists()


def test_web_job_schedule_update(owner):
    job = JobFactory(advertiser=owner.advertiser, kind="web", platform="web", status="completed")
    response = owner.client().put(
        f"/api/web/v1/jobs/{job.public_id}/schedule", {"interval_seconds": 600, "timezone": "CET"}, format="json"
    )
    assert response.status_code == 422 and "timezone" in response.json()["errors"]


def test_web_webhook_create(owner):
    body = {"webhook_url": "https://hooks.example/x", "events": ["job.completed"], "secret": "mine"}
    response = owner.client().post("/api/web/v1/webhooks", body, format="json")
    assert response.status_code == 422 and "secret" in response.json()["errors"]
    assert not Webhook.objects.exists()


def test_v1_job_create(owner):
    target = TargetFactory(advertiser=owner.advertiser)
    body = {"job_type": "hashtag", "target_ids": [target.pk], "status": "finished"}
    response = owner.client().post("/api/v1/jobs", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"status": ["Unknown field."]}
    assert not ScrapeJob.objects.exists()


def test_v1_job_schedule_update(owner):
    job = JobFactory(advertiser=owner.advertiser)
    response = owner.client().put(f"/api/v1/jobs/{job.pk}/schedule", {"interval_seconds": 600, "x": 1}, format="json")
    assert response.status_code == 400 and "x" in response.json()["errors"]


def test_v1_target_create(owner):
    body = {"identifier": "someone", "target_type": "followers", "advertiser": 99}
    response = owner.client().post("/api/v1/targets", body, format="json")
    assert response.status_code == 400 and "advertiser" in response.json()["errors"]
    assert not Target.objects.exists()


def test_social_task_create(owner):
    response = owner.client().post(
        "/api/social/tasks", {"group_id": "123", "max_posts": 5, "status": "completed"}, format="json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "status": "error",
        "message": "Validation failed",
        "errors": {"status": ["Unknown field."]},
    }
    assert not ScrapeJob.objects.exists()


def test_social_task_update(owner):
    task = GroupTaskFactory(advertiser=owner.advertiser)
    response = owner.client().put(f"/api/social/tasks/{task.pk}", {"max_posts": 7, "worker_id": "me"}, format="json")
    assert response.status_code == 422 and "worker_id" in response.json()["errors"]
    task.refresh_from_db()
    assert task.max_posts == 50


def test_staff_still_names_the_advertiser_of_a_social_task(staff, advertiser):
    response = staff.client().post(
        "/api/social/tasks", {"group_id": "123", "max_posts": 5, "advertiser_id": advertiser.pk}, format="json"
    )
    assert response.status_code == 201
    assert ScrapeJob.objects.get().advertiser == advertiser


def test_intel_saved_filter_create_and_update(owner):
    client = owner.client()
    response = client.post(
        "/api/intel/v1/saved-filters/", {"name": "DE", "filters": {"country": "DE"}, "user": 1}, format="json"
    )
    assert response.status_code == 400 and "user" in response.json()
    created = client.post("/api/intel/v1/saved-filters/", {"name": "DE", "filters": {"country": "DE"}}, format="json")
    assert created.status_code == 201
    patched = client.patch(f"/api/intel/v1/saved-filters/{created.json()['id']}/", {"nme": "AT"}, format="json")
    assert patched.status_code == 400 and "nme" in patched.json()


# ------------------------------------------------------------------------------
# Credentials: the web surface's login and register, the intel surface's api-token-get
# ------------------------------------------------------------------------------
def test_web_login(api_client):
    user = UserFactory()
    response = api_client.post(
        "/api/web/v1/auth/login", {"username": user.username, "password": PASSWORD, "bogus": 1}, format="json"
    )
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Invalid request data",
        "type": "validation_error",
        "errors": {"bogus": ["Unknown field."]},
    }


def test_web_login_still_takes_the_oauth2_password_form(api_client):
    user = UserFactory()
    response = api_client.post(
        "/api/web/v1/auth/login",
        {
            "username": user.username,
            "password": PASSWORD,
            "grant_type": "password",
            "scope": "",
            "client_id": "",
            "client_secret": "",
        },
    )
    assert response.status_code == 200 and response.json()["token_type"] == "bearer"


def test_web_register(api_client):
    body = {"username": "newbie", "email": "newbie@example.com", "password": "a-long-enough-passphrase", "bogus": 1}
    response = api_client.post("/api/web/v1/auth/register", body, format="json")
    assert response.status_code == 422 and response.json()["errors"] == {"bogus": ["Unknown field."]}
    assert not User.objects.filter(username="newbie").exists()


def test_intel_api_token_get(api_client):
    user = MembershipFactory().user
    response = api_client.post(
        "/api/intel/v1/api-token-get/", {"email": user.email, "password": PASSWORD, "bogus": 1}, format="json"
    )
    assert response.status_code == 400 and response.json() == {"bogus": ["Unknown field."]}
    assert not ApiToken.objects.filter(user=user).exists()


# ------------------------------------------------------------------------------
# The campaign backend: every route that reads a body, in its {"status": "error"} shape
# ------------------------------------------------------------------------------
BACKEND_ROUTES_WITHOUT_A_BODY = {
    "publishers-stats-status",
    "users-stats-sex",
    "users-stats-age",
    "users-stats-preferences",
    "general-stats-pending",
    "general-stats-estimated-publishers",
    "general-stats-potential-publishers",
    "lists-locations",
    "lists-advertisers",
    "lists-allowed-countries",
    "lists-allowed-categories",
}


@pytest.mark.parametrize("name", sorted(set(BACKEND_ROUTES) - BACKEND_ROUTES_WITHOUT_A_BODY))
def test_backend_route(name, staff, world):
    route = BACKEND_ROUTES[name]
    response = staff.client().post(route.path, {**route.body(world), "bogus": 1}, format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["status"] == "error" and response.json()["errors"] == {"bogus": ["Unknown field."]}


def test_backend_campaign_status_changes_nothing(staff, world):
    body = {"campaign_id": world.campaign.pk, "status": "paused", "bogus": "1"}
    assert staff.client().post("/api/campaign/status/", body).status_code == 400
    world.campaign.refresh_from_db()
    assert world.campaign.status == Campaign.Status.ACTIVE


def test_backend_settings_by_form_fields_refuse_an_unknown_field(staff, world):
    body = {"campaign_id": world.campaign.pk, "settings[post_rate]": "45", "bogus": "1"}
    response = staff.client().post("/api/campaign/settings/", body)
    assert response.status_code == 400 and "bogus" in response.json()["errors"]
    world.campaign.refresh_from_db()
    assert world.campaign.post_rate != Decimal(45)


# ------------------------------------------------------------------------------
# The campaign app
# ------------------------------------------------------------------------------
@pytest.fixture
def joined_task(publisher):
    return CampaignTaskFactory(publisher=publisher.user.publisher)


APP_BODIES = {
    "/api/get/leaderboard/": lambda task: {"campaign_id": task.campaign_id},
    "/api/get/campaigns/": lambda task: {"filter": "active", "page": 1},
    "/api/get/campaign/": lambda task: {"id": task.campaign_id},
    "/api/get/tasks/": lambda task: {"campaign_id": task.campaign_id},
    "/api/action/campaign/join/": lambda task: {"campaign_id": task.campaign_id},
    "/api/action/network/approval/": lambda task: {"network_type": "tiktok", "network_id": "user123"},
    "/api/action/task/complete/": lambda task: {"task_id": task.pk, "post_url": "https://instagram.com/p/x"},
    "/api/action/task/leave/": lambda task: {"task_id": task.pk},
    "/api/get/notifications/": lambda task: {"unread": True},
    "/api/action/notifications/read/": lambda task: {"ids": [1]},
}


@pytest.mark.parametrize("path", sorted(APP_BODIES))
def test_app_route(path, publisher_client, joined_task):
    response = publisher_client.post(path, {**APP_BODIES[path](joined_task), "bogus": 1}, format="json")
    assert response.status_code == 400
    assert response.json()["status"] == "error" and response.json()["errors"] == {"bogus": ["Unknown field."]}
    joined_task.refresh_from_db()
    assert joined_task.status == Task.Status.PENDING


def test_app_public_campaigns(api_client):
    response = api_client.post("/api/get/public/campaigns/", {"filter": "active", "bogus": 1}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"bogus": ["Unknown field."]}


@pytest.mark.parametrize("path", ["/api/app/register/", "/api/app/token/"])
def test_app_credentials(path, app_client):
    body = {"username": "newbie", "email": "newbie@example.com", "password": "a-long-enough-passphrase", "bogus": 1}
    if path.endswith("token/"):
        del body["email"]
    response = app_client.post(path, body, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"bogus": ["Unknown field."]}
    assert not User.objects.filter(username="newbie").exists()


def test_app_task_complete_still_takes_uploaded_screenshots(publisher_client, joined_task):
    response = publisher_client.post(
        "/api/action/task/complete/",
        {
            "task_id": joined_task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": ["https://example.com/one.jpg", upload(png_bytes(), "two.png")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()


def test_app_task_complete_multipart_refuses_an_unknown_field(publisher_client, joined_task):
    response = publisher_client.post(
        "/api/action/task/complete/",
        {
            "task_id": joined_task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": [upload(png_bytes(), "two.png")],
            "bogus": "1",
        },
        format="multipart",
    )
    assert response.status_code == 400 and "bogus" in response.json()["errors"]
    assert not Submission.objects.exists()
