"""A request body with a field the route does not accept is refused on every create and update, in the
surface's validation status and shape (422 on the web and social surfaces, 400 on /api/v1), and nothing changes."""
from __future__ import annotations

from unittest import mock

import pytest

from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leads.models import ScrapeJob, Target, Webhook
from leads.outbound import guard
from tests.leads.factories import GroupTaskFactory, JobFactory, TargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quiet_side_effects():
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]), \
            mock.patch("leads.tasks.run_web_job.delay"), mock.patch("leads.tasks.run_next_scrape_job.apply_async"):
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


def test_web_job_create(owner):
    body = {"url": "https://shop.example/", "selectors": {"title": "h1::text"}, "shedule": {"interval_seconds": 600}}
    response = owner.client().post("/api/web/v1/jobs", body, format="json")
    assert response.status_code == 422
    assert response.json() == {"detail": "Invalid request data", "type": "validation_error",
                               "errors": {"shedule": ["Unknown field."]}}
    assert not ScrapeJob.objects.exists()


def test_web_job_schedule_update(owner):
    job = JobFactory(advertiser=owner.advertiser, kind="web", platform="web", status="completed")
    response = owner.client().put(f"/api/web/v1/jobs/{job.public_id}/schedule",
                                  {"interval_seconds": 600, "timezone": "CET"}, format="json")
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
    response = owner.client().post("/api/social/tasks", {"group_id": "123", "max_posts": 5, "status": "completed"},
                                   format="json")
    assert response.status_code == 422
    assert response.json() == {"status": "error", "message": "Validation failed", "errors": {"status": ["Unknown field."]}}
    assert not ScrapeJob.objects.exists()


def test_social_task_update(owner):
    task = GroupTaskFactory(advertiser=owner.advertiser)
    response = owner.client().put(f"/api/social/tasks/{task.pk}", {"max_posts": 7, "worker_id": "me"}, format="json")
    assert response.status_code == 422 and "worker_id" in response.json()["errors"]
    task.refresh_from_db()
    assert task.max_posts == 50


def test_staff_still_names_the_advertiser_of_a_social_task(staff, advertiser):
    response = staff.client().post("/api/social/tasks", {"group_id": "123", "max_posts": 5,
                                                         "advertiser_id": advertiser.pk}, format="json")
    assert response.status_code == 201
    assert ScrapeJob.objects.get().advertiser == advertiser


def test_intel_saved_filter_create_and_update(owner):
    client = owner.client()
    response = client.post("/api/intel/v1/saved-filters/", {"name": "DE", "filters": {"country": "DE"}, "user": 1},
                           format="json")
    assert response.status_code == 400 and "user" in response.json()
    created = client.post("/api/intel/v1/saved-filters/", {"name": "DE", "filters": {"country": "DE"}}, format="json")
    assert created.status_code == 201
    patched = client.patch(f"/api/intel/v1/saved-filters/{created.json()['id']}/", {"nme": "AT"}, format="json")
    assert patched.status_code == 400 and "nme" in patched.json()
