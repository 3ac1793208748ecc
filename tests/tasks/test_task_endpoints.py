"""/api/action/task/complete/ and /api/action/task/leave/: shapes, uploads, Idempotency-Key."""

from datetime import timedelta

import pytest
from django.utils import timezone

from leadplatform.api.models import IdempotencyKey
from tasks.models import Screenshot, Submission, Task

from ..campaigns.factories import TaskFactory
from ..campaigns.images import bomb_png_bytes, noisy_png_bytes, png_bytes, upload

pytestmark = pytest.mark.django_db

COMPLETE = "/api/action/task/complete/"
LEAVE = "/api/action/task/leave/"


@pytest.fixture
def task(publisher):
    return TaskFactory(publisher=publisher.user.publisher)


@pytest.mark.parametrize("field", ["post_url", "media_url", "screenshots"])
def test_complete_refuses_a_url_with_an_invisible_character_and_changes_nothing(publisher_client, task, field):
    body = {
        "task_id": task.pk,
        "post_url": "https://instagram.com/p/example",
        "screenshots": "https://example.com/screenshot1.jpg",
    }
    body[field] = "https://example.com/\u2067a\u2069"
    response = publisher_client.post(COMPLETE, body)
    assert response.status_code == 400
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_complete_by_form_fields_as_documented(publisher_client, task):
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": "https://example.com/screenshot1.jpg",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"status": "success", "message": "Task completed successfully", "payment": 55}
    task.refresh_from_db()
    assert task.status == Task.Status.UNDER_REVIEW
    assert task.submission.screenshots.get().url == "https://example.com/screenshot1.jpg"


def test_complete_with_urls_and_uploaded_images(publisher_client, task, publisher):
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": ["https://example.com/one.jpg", upload(png_bytes(), "two.png")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    shots = list(Screenshot.objects.filter(submission__task=task).order_by("id"))
    assert shots[0].url == "https://example.com/one.jpg"
    stored = shots[1].image.name
    assert stored.startswith(
        f"campaigns/advertiser_{task.campaign.advertiser_id}/campaign_{task.campaign_id}_task_{task.pk}__"
    )
    assert stored.endswith(".png")
    listing = publisher_client.post("/api/get/tasks/", {}, format="json").json()["tasks"][0]
    assert listing["media"] == {"url": "https://example.com/one.jpg", "link": "https://instagram.com/p/example"}
    assert listing["status"] == "under_review" and listing["is_disabled"] is True


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        (b"this is a text file, renamed", "shot.png"),
        (bomb_png_bytes(), "bomb.png"),
    ],
)
def test_complete_refuses_bad_images_and_changes_nothing(publisher_client, task, payload, name):
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": [upload(payload, name)],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["status"] == "error"
    assert "screenshots" in response.json()["errors"]
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING
    assert not Submission.objects.exists()


def test_complete_refuses_too_large_images(publisher_client, task, settings):
    settings.UPLOAD_MAX_IMAGE_BYTES = 10_000
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": [upload(noisy_png_bytes(), "big.png")],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["message"]


def test_complete_refuses_too_many_screenshots(publisher_client, task):
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/x",
            "screenshots": [f"https://example.com/{n}.jpg" for n in range(11)],
        },
        format="json",
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"post_url": "https://instagram.com/p/x"},
        {"task_id": "x", "post_url": "https://instagram.com/p/x"},
        {"task_id": 1},
        {"task_id": 1, "post_url": "not a url"},
        {"task_id": 1, "post_url": "https://instagram.com/p/x", "screenshots": ["javascript:alert(1)"]},
        {"task_id": 1, "post_url": "https://instagram.com/p/x", "screenshots": [{"a": 1}]},
    ],
)
def test_complete_bad_input_is_400(publisher_client, body):
    assert publisher_client.post(COMPLETE, body, format="json").status_code == 400


def test_complete_after_the_deadline_is_409_and_says_why(publisher_client, publisher):
    task = TaskFactory(publisher=publisher.user.publisher, deadline=timezone.now() - timedelta(minutes=1))
    response = publisher_client.post(COMPLETE, {"task_id": task.pk, "post_url": "https://x.example/p"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"status": "error", "message": "The deadline of this task has passed."}


def test_another_publishers_task_is_404(publisher_client):
    other = TaskFactory()
    response = publisher_client.post(COMPLETE, {"task_id": other.pk, "post_url": "https://x.example/p"}, format="json")
    assert response.status_code == 404
    assert publisher_client.post(LEAVE, {"task_id": other.pk}, format="json").status_code == 404
    other.refresh_from_db()
    assert other.status == Task.Status.PENDING


def test_leave_shape_and_refusal(publisher_client, task):
    response = publisher_client.post(LEAVE, {"task_id": task.pk})
    assert response.status_code == 200
    assert response.json() == {"status": "success", "message": "Task left successfully"}
    again = publisher_client.post(LEAVE, {"task_id": task.pk})
    assert again.status_code == 409
    assert again.json()["message"] == "Only a pending task can be left; this one is left."


def test_leave_an_accepted_task_is_409(publisher_client, publisher):
    task = TaskFactory(publisher=publisher.user.publisher, status=Task.Status.ACCEPTED)
    response = publisher_client.post(LEAVE, {"task_id": task.pk})
    assert response.status_code == 409
    assert "accepted" in response.json()["message"]


# ------------------------------------------------------------------------------
# Idempotency-Key
# ------------------------------------------------------------------------------
def test_same_key_replays_the_stored_response(publisher_client, task):
    body = {"task_id": task.pk, "post_url": "https://instagram.com/p/example"}
    first = publisher_client.post(COMPLETE, body, format="json", HTTP_IDEMPOTENCY_KEY="complete-1")
    replay = publisher_client.post(COMPLETE, body, format="json", HTTP_IDEMPOTENCY_KEY="complete-1")
    assert first.status_code == replay.status_code == 200
    assert first.json() == replay.json()
    assert replay["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1
    without_key = publisher_client.post(COMPLETE, body, format="json")
    assert without_key.status_code == 409


def test_same_key_with_another_payload_is_422(publisher_client, task):
    publisher_client.post(
        COMPLETE, {"task_id": task.pk, "post_url": "https://instagram.com/p/a"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    other = publisher_client.post(
        COMPLETE, {"task_id": task.pk, "post_url": "https://instagram.com/p/b"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert other.status_code == 422
    assert other.json()["status"] == "error"


def test_failed_requests_are_not_stored(publisher_client, publisher):
    task = TaskFactory(publisher=publisher.user.publisher, deadline=timezone.now() - timedelta(minutes=1))
    body = {"task_id": task.pk, "post_url": "https://instagram.com/p/a"}
    assert publisher_client.post(COMPLETE, body, format="json", HTTP_IDEMPOTENCY_KEY="late").status_code == 409
    assert not IdempotencyKey.objects.exists()


def test_overlong_key_is_400(publisher_client, task):
    body = {"task_id": task.pk, "post_url": "https://instagram.com/p/a"}
    assert publisher_client.post(COMPLETE, body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300).status_code == 400


def test_too_many_files_is_400_not_500(publisher_client, task, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/x",
            "screenshots": [upload(png_bytes(), f"{n}.png") for n in range(4)],
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert not Submission.objects.exists()


def upload_only_screenshot(publisher_client, task) -> str:
    """Completes the task with one uploaded image; the media URL the task listing returns for it."""
    response = publisher_client.post(
        COMPLETE,
        {
            "task_id": task.pk,
            "post_url": "https://instagram.com/p/example",
            "screenshots": [upload(png_bytes(), "shot.png")],
        },
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    return publisher_client.post("/api/get/tasks/", {}, format="json").json()["tasks"][0]["media"]["url"]


def test_an_uploaded_screenshot_url_from_the_api_serves_the_image(publisher_client, task, settings):
    settings.SERVE_MEDIA = True
    response = publisher_client.get(upload_only_screenshot(publisher_client, task))
    assert (response.status_code, response["Content-Type"]) == (200, "image/png")


def test_media_is_not_served_by_django_when_the_web_server_does_it(publisher_client, task, settings):
    settings.SERVE_MEDIA = False
    assert publisher_client.get(upload_only_screenshot(publisher_client, task)).status_code == 404
