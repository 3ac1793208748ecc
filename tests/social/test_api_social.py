"""/api/social/ (the group-post API): group-post tasks: shapes, 422s, pending-only updates, reset, result, priority, isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from leads.jobs import claim, run
from leads.models import ContentItem, ScrapeJob, Target
from tests.leads.conftest import actor_credential
from tests.leads.factories import ContentItemFactory, GroupTaskFactory
from tests.leads.fakes import FakeActorAPI

TASK_KEYS = {"id", "group_id", "group_name", "max_posts", "priority", "status", "created_at"}
#: Fields this platform adds to the group-post API's task: why it failed, why it waits and where it stands.
ADDED_KEYS = {"error", "waiting_reason", "queue_position"}


def completed_task(advertiser, posts=3, **fields):
    now = timezone.now()
    task = GroupTaskFactory(
        advertiser=advertiser,
        status=ScrapeJob.Status.COMPLETED,
        items_scraped=posts,
        worker_id="worker-1",
        started_at=now - timedelta(seconds=120),
        completed_at=now,
        **fields,
    )
    for index in range(posts):
        ContentItemFactory(
            advertiser=advertiser,
            platform="facebook",
            post_id=f"post_{task.pk}_{index}",
            job=task,
            text="Sample post content",
            author="John Doe",
            likes_count=25,
            comments_count=5,
            shares_count=2,
            posted_at=now - timedelta(hours=index),
        )
    return task


def test_list_has_meta_links_and_default_page_size(owner):
    for index in range(17):
        GroupTaskFactory(advertiser=owner.advertiser, priority=index % 3)
    completed_task(owner.advertiser)
    body = owner.client().get("/api/social/tasks").json()
    assert body["status"] == "success"
    assert body["meta"] == {"total": 18, "per_page": 15, "current_page": 1, "last_page": 2}
    assert body["links"]["first"].endswith("/api/social/tasks?page=1") and body["links"]["prev"] is None
    assert body["links"]["next"].endswith("page=2") and body["links"]["last"].endswith("page=2")
    assert set(body["data"][0]) == TASK_KEYS | ADDED_KEYS | {"has_result", "posts_count"}
    done = owner.client().get("/api/social/tasks", {"status": "completed"}).json()
    assert done["meta"]["total"] == 1 and done["data"][0]["has_result"] is True and done["data"][0]["posts_count"] == 3


def test_a_page_past_the_end_links_back_to_the_last_page(owner):
    GroupTaskFactory(advertiser=owner.advertiser)
    links = owner.client().get("/api/social/tasks", {"page": 999999}).json()["links"]
    assert links["prev"].endswith("page=1") and links["next"] is None


def test_list_sorting(owner):
    tasks = [GroupTaskFactory(advertiser=owner.advertiser, priority=p) for p in (5, 1, 9)]
    client = owner.client()
    by_priority = client.get("/api/social/tasks", {"sort_by": "priority", "sort_order": "desc"}).json()["data"]
    assert [row["priority"] for row in by_priority] == [9, 5, 1]
    ascending = client.get("/api/social/tasks", {"sort_by": "created_at", "sort_order": "asc"}).json()["data"]
    assert [row["id"] for row in ascending] == [t.pk for t in tasks]
    bad = client.get("/api/social/tasks", {"sort_by": "group_id"})
    assert bad.status_code == 422 and bad.json()["message"] == "Validation failed" and "sort_by" in bad.json()["errors"]


def test_create_shape_and_validation_format(owner, django_capture_on_commit_callbacks):
    client = owner.client()
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/api/social/tasks",
            {"group_id": "123456789", "group_name": "Laravel Developers Vietnam", "max_posts": 100, "priority": 5},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "success" and body["message"] == "Task created successfully"
    assert {k: body["data"][k] for k in TASK_KEYS - {"id", "created_at"}} == {
        "group_id": "123456789",
        "group_name": "Laravel Developers Vietnam",
        "max_posts": 100,
        "priority": 5,
        "status": "pending",
    }
    assert len(callbacks) == 1  # queued after commit
    task = ScrapeJob.objects.get(pk=body["data"]["id"])
    assert task.kind == ScrapeJob.Kind.GROUP_POSTS and task.advertiser == owner.advertiser
    assert task.targets.get().target_type == Target.Type.GROUP

    for payload, field in [
        ({"max_posts": 10}, "group_id"),
        ({"group_id": "1", "max_posts": 0}, "max_posts"),
        ({"group_id": "1", "max_posts": 501}, "max_posts"),
        ({"group_id": "1"}, "max_posts"),
        ({"group_id": "1", "max_posts": 5, "priority": "high"}, "priority"),
    ]:
        invalid = client.post("/api/social/tasks", payload, format="json")
        assert invalid.status_code == 422
        assert invalid.json()["status"] == "error" and invalid.json()["message"] == "Validation failed"
        assert field in invalid.json()["errors"], payload
    nullable = client.post(
        "/api/social/tasks", {"group_id": "9", "group_name": None, "max_posts": 1, "priority": None}, format="json"
    )
    assert (
        nullable.status_code == 201
        and nullable.json()["data"]["group_name"] is None
        and nullable.json()["data"]["priority"] == 0
    )


def test_show_update_delete(owner):
    task = GroupTaskFactory(advertiser=owner.advertiser, group_name="Old", max_posts=50)
    client = owner.client()
    shown = client.get(f"/api/social/tasks/{task.pk}").json()
    assert shown["status"] == "success" and shown["data"]["result"] is None and shown["data"]["completed_at"] is None
    updated = client.put(
        f"/api/social/tasks/{task.pk}",
        {"group_name": "Updated Group Name", "max_posts": 150, "priority": 10},
        format="json",
    )
    assert updated.status_code == 200
    assert {k: updated.json()["data"][k] for k in ("group_name", "max_posts", "priority")} == {
        "group_name": "Updated Group Name",
        "max_posts": 150,
        "priority": 10,
    }
    assert client.put(f"/api/social/tasks/{task.pk}", {"max_posts": 900}, format="json").status_code == 422

    ScrapeJob.objects.filter(pk=task.pk).update(status=ScrapeJob.Status.ASSIGNED)
    refused = client.put(f"/api/social/tasks/{task.pk}", {"max_posts": 10}, format="json")
    assert refused.status_code == 409 and refused.json()["status"] == "error"
    assert ScrapeJob.objects.get(pk=task.pk).max_posts == 150

    assert client.delete(f"/api/social/tasks/{task.pk}").json() == {"message": "Task deleted successfully"}
    assert not ScrapeJob.objects.filter(pk=task.pk).exists()


def test_completed_task_shows_result_and_posts(owner):
    task = completed_task(owner.advertiser, posts=3, group_id="123456789")
    client = owner.client()
    shown = client.get(f"/api/social/tasks/{task.pk}").json()["data"]
    assert shown["status"] == "completed" and shown["result"] == {"posts_count": 3, "duration_seconds": 120}
    result = client.get(f"/api/social/tasks/{task.pk}/result").json()
    assert result["task"] == {"id": task.pk, "group_id": "123456789", "status": "completed"}
    assert result["result"] == {"posts_count": 3, "duration_seconds": 120}
    assert set(result["posts"][0]) == {"id", "message", "author", "created_time", "likes", "comments", "shares"}
    assert result["posts"][0]["message"] == "Sample post content" and result["posts"][0]["shares"] == 2


def test_result_is_404_until_there_is_one(owner):
    task = GroupTaskFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.RUNNING)
    response = owner.client().get(f"/api/social/tasks/{task.pk}/result")
    assert response.status_code == 404 and response.json() == {"message": "No result available for this task"}


@pytest.mark.parametrize("status", [ScrapeJob.Status.COMPLETED, ScrapeJob.Status.FAILED])
def test_reset_completed_or_failed_to_pending(owner, status, django_capture_on_commit_callbacks):
    task = completed_task(owner.advertiser)
    ScrapeJob.objects.filter(pk=task.pk).update(status=status)
    with django_capture_on_commit_callbacks() as callbacks:
        response = owner.client().post(f"/api/social/tasks/{task.pk}/reset")
    assert response.json() == {
        "message": "Task reset successfully",
        "task": {"id": task.pk, "status": "pending", "worker_id": None, "completed_at": None},
    }
    assert len(callbacks) == 1
    pending = owner.client().post(f"/api/social/tasks/{task.pk}/reset")
    assert pending.status_code == 409


def test_higher_priority_runs_first_and_assigned_names_the_worker(owner):
    client = owner.client()
    ids = {}
    for priority in (0, 7, 3):
        ids[priority] = client.post(
            "/api/social/tasks", {"group_id": f"g{priority}", "max_posts": 5, "priority": priority}, format="json"
        ).json()["data"]["id"]
    first = claim.claim_next_job("worker-7")
    assert first.pk == ids[7]
    shown = client.get(f"/api/social/tasks/{ids[7]}").json()["data"]
    assert shown["status"] == "assigned" and shown["worker_id"] == "worker-7"
    assert claim.claim_next_job("worker-3").pk == ids[3]
    listed = client.get("/api/social/tasks", {"status": "assigned"}).json()
    assert listed["meta"]["total"] == 2


def test_a_group_task_runs_against_the_hosted_scraper(owner, serve):
    posts = [
        {
            "postId": f"p{index}",
            "text": f"Post {index}",
            "user": {"name": f"Member {index}", "id": f"u{index}"},
            "time": "2024-01-01T09:00:00Z",
            "likesCount": 25,
            "commentsCount": 5,
            "sharesCount": 2,
        }
        for index in range(12)
    ]
    actors = serve(FakeActorAPI({"123456789": posts}))
    actor_credential(owner.advertiser, actors, kinds=("group_posts",), platform="facebook")
    client = owner.client()
    task_id = client.post("/api/social/tasks", {"group_id": "123456789", "max_posts": 10}, format="json").json()[
        "data"
    ]["id"]
    claimed = claim.claim_next_job("worker-1")
    for runner in range(run.start_job(claimed.pk, "worker-1")):
        run.run_units(claimed.pk, runner)
    result = client.get(f"/api/social/tasks/{task_id}/result").json()
    assert result["task"]["status"] == "completed"
    assert result["result"]["posts_count"] == 10  # max_posts is exact
    assert len(result["posts"]) == 10 and result["posts"][0]["author"].startswith("Member")
    assert ContentItem.objects.filter(advertiser=owner.advertiser, platform="facebook").count() == 10


def test_another_tenants_tasks_are_404_and_never_listed(owner, outsider):
    task = completed_task(owner.advertiser)
    client = outsider.client()
    for method, path in [
        ("get", f"/api/social/tasks/{task.pk}"),
        ("put", f"/api/social/tasks/{task.pk}"),
        ("delete", f"/api/social/tasks/{task.pk}"),
        ("post", f"/api/social/tasks/{task.pk}/reset"),
        ("get", f"/api/social/tasks/{task.pk}/result"),
    ]:
        response = getattr(client, method)(path, {"max_posts": 5} if method == "put" else None, format="json")
        assert response.status_code == 404, (method, path)
        assert set(response.json()) == {"message"}
    assert client.get("/api/social/tasks").json()["meta"]["total"] == 0
    assert ScrapeJob.objects.filter(pk=task.pk, status=ScrapeJob.Status.COMPLETED).exists()


def test_auth_errors_in_the_seed_shapes(api_client, publisher):
    assert api_client.get("/api/social/tasks").json() == {"message": "Unauthenticated"}
    forbidden = publisher.client().get("/api/social/tasks")
    assert forbidden.status_code == 403 and forbidden.json() == {"status": "error", "message": "Unauthorized"}


def test_task_list_query_count_is_constant(owner, django_assert_max_num_queries):
    for _ in range(20):
        completed_task(owner.advertiser, posts=1)
    client = owner.client()
    client.get("/api/social/tasks")
    with django_assert_max_num_queries(6):
        assert client.get("/api/social/tasks", {"per_page": 50}).status_code == 200
