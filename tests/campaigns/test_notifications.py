"""Notifications listed to the influencer in the app, and marked read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

LIST = "/api/get/notifications/"
READ = "/api/action/notifications/read/"


def notify(user, message="New campaign available", type="campaign"):
    return Notification.objects.create(user=user, message=message, type=type)


def test_list_shape(publisher_client, publisher):
    notify(publisher.user)
    body = publisher_client.post(LIST, {}, format="json").json()
    assert set(body) == {"notifications", "total", "unread"}
    assert set(body["notifications"][0]) == {"id", "type", "message", "created_at", "read"}


def test_only_the_publishers_own_notifications_are_listed(publisher_client, publisher):
    mine = notify(publisher.user)
    notify(UserFactory())
    ids = [row["id"] for row in publisher_client.post(LIST, {}).json()["notifications"]]
    assert ids == [mine.pk]


def test_unread_filter(publisher_client, publisher):
    notify(publisher.user, "old")
    read = notify(publisher.user, "seen")
    publisher_client.post(READ, {"ids": [read.pk]}, format="json")
    body = publisher_client.post(LIST, {"unread": True}, format="json").json()
    assert [row["message"] for row in body["notifications"]] == ["old"]
    assert (body["total"], body["unread"]) == (1, 1)


def test_mark_all_read(publisher_client, publisher):
    notify(publisher.user)
    notify(publisher.user)
    response = publisher_client.post(READ, {}, format="json")
    assert response.json() == {"status": "success", "message": "Notifications marked read", "marked": 2}


def test_marking_another_users_notification_changes_nothing(publisher_client):
    theirs = notify(UserFactory())
    assert publisher_client.post(READ, {"ids": [theirs.pk]}, format="json").json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bad_ids_are_400(publisher_client):
    response = publisher_client.post(READ, {"ids": ["x"]}, format="json")
    assert response.status_code == 400
    assert response.json()["status"] == "error"


def test_pagination_bounds(publisher_client, publisher):
    for n in range(3):
        notify(publisher.user, f"n{n}")
    body = publisher_client.post(LIST, {"per_page": 2, "page": 2}, format="json").json()
    assert (len(body["notifications"]), body["total"]) == (1, 3)


def test_list_query_count_is_constant(publisher_client, publisher):
    def queries_for(rows: int) -> int:
        Notification.objects.filter(user=publisher.user).delete()
        Notification.objects.bulk_create(Notification(user=publisher.user, message=f"n{n}") for n in range(rows))
        with CaptureQueriesContext(connection) as captured:
            assert len(publisher_client.post(LIST, {"per_page": 50}, format="json").json()["notifications"]) == rows
        return len(captured)

    publisher_client.post(LIST, {}, format="json")  # the token's once-a-minute last-used write
    assert queries_for(2) == queries_for(20)


def test_requires_the_application(publisher):
    response = publisher.client().post(LIST, {}, format="json")
    assert response.status_code in (401, 403)
