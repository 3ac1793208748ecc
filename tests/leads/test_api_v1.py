"""/api/v1/ (the social lead API): every endpoint's shape, filters, errors, tenant isolation, query counts."""

from __future__ import annotations

import pytest
from django.utils import timezone

from leads.jobs import lifecycle
from leads.models import ContentItem, Lead, ScrapeJob, Target

from .factories import ContentItemFactory, JobFactory, LeadFactory, TargetFactory

PAGINATION_KEYS = {"page", "per_page", "total", "pages"}


def envelope(response, status=200):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is True
    return body


# ---------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------
def test_jobs_list_shape_status_words_and_filter(owner):
    JobFactory(
        advertiser=owner.advertiser,
        status=ScrapeJob.Status.COMPLETED,
        leads_stored=150,
        name="Hashtag Scraping",
        kind="hashtag",
    )
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.ASSIGNED)
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.RUNNING)
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.FAILED)
    JobFactory(advertiser=owner.advertiser, kind=ScrapeJob.Kind.GROUP_POSTS)  # lives on /api/social/
    body = envelope(owner.client().get("/api/v1/jobs", {"page": 1, "per_page": 20}))
    assert body["pagination"] == {"page": 1, "per_page": 20, "total": 4, "pages": 1}
    finished = next(row for row in body["data"] if row["status"] == "finished")
    assert set(finished) >= {"id", "name", "job_type", "status", "users_stored", "created_at"}
    assert finished["users_stored"] == 150 and finished["job_type"] == "hashtag"
    assert {row["status"] for row in body["data"]} == {"finished", "queued", "running", "failed"}
    for word, count in {"queued": 1, "running": 1, "finished": 1, "failed": 1}.items():
        filtered = envelope(owner.client().get("/api/v1/jobs", {"status": word}))
        assert filtered["pagination"]["total"] == count and filtered["data"][0]["status"] == word


def test_job_create_get_run_delete(owner, django_capture_on_commit_callbacks):
    targets = [TargetFactory(advertiser=owner.advertiser) for _ in range(2)]
    client = owner.client()
    body = envelope(
        client.post(
            "/api/v1/jobs",
            {
                "name": "My Scraping Job",
                "job_type": "hashtag",
                "speed_mode": "normal",
                "max_leads": 1000,
                "max_leads_per_target": 500,
                "filters": {"min_followers": 1000, "max_followers": 100000},
                "target_ids": [t.pk for t in targets],
            },
            format="json",
        ),
        201,
    )
    job = body["data"]
    assert job["status"] == "queued" and job["users_stored"] == 0
    assert job["target_ids"] == sorted(t.pk for t in targets)
    assert job["filters"] == {"min_followers": 1000, "max_followers": 100000}
    assert ScrapeJob.objects.get(pk=job["id"]).advertiser_id == owner.advertiser.pk

    detail = envelope(client.get(f"/api/v1/jobs/{job['id']}"))["data"]
    assert detail["max_leads"] == 1000 and detail["speed_mode"] == "normal" and detail["job_type"] == "hashtag"

    with django_capture_on_commit_callbacks() as callbacks:
        run = envelope(client.post(f"/api/v1/jobs/{job['id']}/run"))
    assert run["data"]["status"] == "queued" and len(callbacks) == 1
    ScrapeJob.objects.filter(pk=job["id"]).update(status=ScrapeJob.Status.RUNNING)
    conflict = client.post(f"/api/v1/jobs/{job['id']}/run")
    assert conflict.status_code == 409 and set(conflict.json()) >= {"error", "message"}

    deleted = client.delete(f"/api/v1/jobs/{job['id']}")
    assert deleted.json() == {"success": True, "message": "Job deleted successfully"}
    assert not ScrapeJob.objects.filter(pk=job["id"]).exists()


def test_job_create_refuses_another_tenants_targets_and_bad_input(owner, outsider):
    foreign = TargetFactory(advertiser=outsider.advertiser)
    response = owner.client().post("/api/v1/jobs", {"job_type": "followers", "target_ids": [foreign.pk]}, format="json")
    assert response.status_code == 404
    assert not ScrapeJob.objects.exists()
    bad = owner.client().post(
        "/api/v1/jobs", {"job_type": "group_posts", "target_ids": [], "speed_mode": "warp"}, format="json"
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) >= {"job_type", "target_ids", "speed_mode"}


def test_deleting_a_running_job_cancels_it_first(owner):
    job = JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.RUNNING)
    seen = []
    original = lifecycle.cancel_unfinished_job

    def spy(job_id):
        seen.append(original(job_id))
        return seen[-1]

    lifecycle.cancel_unfinished_job, restore = spy, lifecycle.cancel_unfinished_job
    try:
        assert owner.client().delete(f"/api/v1/jobs/{job.pk}").status_code == 200
    finally:
        lifecycle.cancel_unfinished_job = restore
    assert seen == [True]


# ---------------------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------------------
def test_targets_list_filter_create_get_delete(owner):
    client = owner.client()
    created = envelope(
        client.post(
            "/api/v1/targets", {"identifier": "#fitness", "target_type": "hashtag", "status": "pending"}, format="json"
        ),
        201,
    )
    assert created["data"]["identifier"] == "#fitness" and created["data"]["status"] == "pending"
    envelope(client.post("/api/v1/targets", {"identifier": "nike", "target_type": "followers"}, format="json"), 201)
    duplicate = client.post("/api/v1/targets", {"identifier": "#fitness", "target_type": "hashtag"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["error"] == "Bad request"

    listed = envelope(client.get("/api/v1/targets"))
    assert listed["pagination"]["total"] == 2
    hashtags = envelope(client.get("/api/v1/targets", {"type": "hashtag"}))
    assert [row["identifier"] for row in hashtags["data"]] == ["#fitness"]
    target_id = created["data"]["id"]
    assert envelope(client.get(f"/api/v1/targets/{target_id}"))["data"]["target_type"] == "hashtag"
    assert client.delete(f"/api/v1/targets/{target_id}").json()["success"] is True
    assert not Target.objects.filter(pk=target_id).exists()


# ---------------------------------------------------------------------------------------
# Leads
# ---------------------------------------------------------------------------------------
@pytest.fixture
def some_leads(owner):
    job = JobFactory(advertiser=owner.advertiser)
    rows = [
        LeadFactory(
            advertiser=owner.advertiser,
            username="fitness_guru",
            full_name="Fitness Guru",
            followers=50000,
            emails="contact@example.com",
            outreach_ready=True,
            source_type="hashtag",
            job=job,
        ),
        LeadFactory(
            advertiser=owner.advertiser,
            username="quiet_one",
            followers=300,
            source_type="followers",
            bio="yoga teacher",
        ),
        LeadFactory(
            advertiser=owner.advertiser,
            username="tiktoker",
            platform="tiktok",
            followers=9000,
            phones="+15550100",
            outreach_ready=True,
            source_type="followers",
        ),
    ]
    return job, rows


def test_leads_list_shape_filters_and_exact_totals(owner, some_leads):
    job, rows = some_leads
    client = owner.client()
    body = envelope(client.get("/api/v1/leads", {"outreach_ready": "true", "page": 1}))
    assert body["pagination"] == {"page": 1, "per_page": 20, "total": 2, "pages": 1}
    first = next(row for row in body["data"] if row["username"] == "fitness_guru")
    assert {k: first[k] for k in ("username", "full_name", "followers", "emails", "platform")} == {
        "username": "fitness_guru",
        "full_name": "Fitness Guru",
        "followers": 50000,
        "emails": "contact@example.com",
        "platform": "instagram",
    }
    cases = {
        (("source_type", "followers"),): {"quiet_one", "tiktoker"},
        (("platform", "tiktok"),): {"tiktoker"},
        (("username", "@Quiet_One"),): {"quiet_one"},
        (("job_id", job.pk),): {"fitness_guru"},
        (("min_followers", 5000),): {"fitness_guru", "tiktoker"},
        (("max_followers", 5000),): {"quiet_one"},
        (("search", "yoga"),): {"quiet_one"},
        (("outreach_ready", "false"), ("source_type", "followers")): {"quiet_one"},
    }
    for params, expected in cases.items():
        result = envelope(client.get("/api/v1/leads", dict(params)))
        assert {row["username"] for row in result["data"]} == expected, params
        assert result["pagination"]["total"] == len(expected), params
    detail = envelope(client.get(f"/api/v1/leads/{rows[0].pk}"))["data"]
    assert detail["outreach_ready"] is True and detail["job_id"] == job.pk and "bio" in detail


def test_leads_paging_pages_and_bad_parameters(owner):
    for index in range(45):
        LeadFactory(advertiser=owner.advertiser, username=f"u{index:02d}")
    client = owner.client()
    page3 = envelope(client.get("/api/v1/leads", {"page": 3, "per_page": 20}))
    assert page3["pagination"] == {"page": 3, "per_page": 20, "total": 45, "pages": 3}
    assert len(page3["data"]) == 5 and page3["data"][-1]["username"] == "u00"
    for params in ({"per_page": 0}, {"page": "x"}, {"outreach_ready": "maybe"}, {"min_followers": "lots"}):
        response = client.get("/api/v1/leads", params)
        assert response.status_code == 400 and set(response.json()) >= {"error", "message"}, params


def test_list_query_counts_are_constant(owner, django_assert_max_num_queries):
    job = JobFactory(advertiser=owner.advertiser)
    for _ in range(30):
        LeadFactory(advertiser=owner.advertiser, job=job)
        ContentItemFactory(advertiser=owner.advertiser, job=job)
        JobFactory(advertiser=owner.advertiser).targets.add(TargetFactory(advertiser=owner.advertiser))
    client = owner.client()
    for path in (
        "/api/v1/leads",
        "/api/v1/content-analysis",
        "/api/v1/jobs",
        "/api/v1/targets",
        "/api/v1/leads?search=x",
    ):
        client.get(path)  # warm the token's last-used write
        with django_assert_max_num_queries(8):
            assert client.get(path, {"per_page": 100}).status_code == 200


@pytest.mark.parametrize("direct_offset", [0, 10_000], ids=["deep-page-statement", "direct-statement"])
def test_both_page_statements_return_the_same_rows(owner, monkeypatch, direct_offset):
    from leads.api.v1 import pagination

    monkeypatch.setattr(pagination, "DIRECT_OFFSET", direct_offset)
    leads = [LeadFactory(advertiser=owner.advertiser) for _ in range(25)]
    LeadFactory()  # another advertiser's
    body = owner.client().get("/api/v1/leads", {"page": 2, "per_page": 10}).json()
    assert [row["id"] for row in body["data"]] == [lead.pk for lead in reversed(leads)][10:20]


def test_the_leads_table_is_vacuumed_after_every_20000_inserts_whatever_its_size(db):
    """Deep pages read ids by index-only scan, cheap only on pages vacuum has marked all-visible."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'leads_lead'")
        options = set(cursor.fetchone()[0])
    assert {"autovacuum_vacuum_insert_threshold=20000", "autovacuum_vacuum_insert_scale_factor=0"} <= options


def test_the_lead_filter_form_class_is_built_once_per_combination_of_names():
    from leads.api.v1.filters import LeadFilter

    assert LeadFilter(data={"platform": "tiktok"}).form.__class__ is LeadFilter(data={"platform": "x"}).form.__class__


def test_the_lead_filter_validates_only_the_filters_named():
    from leads.api.v1.filters import LeadFilter

    assert list(LeadFilter(data={"outreach_ready": "true"}).form.fields) == ["outreach_ready"]


def test_plain_lead_rows_equal_drfs_own(owner, monkeypatch):
    """The leads list renders rows without DRF's field machinery; it must say exactly what DRF would."""
    from rest_framework import serializers

    from leadplatform.api.fast_rendering import PlainRepresentation
    from leads.api.v1.serializers import V1LeadSerializer

    LeadFactory(advertiser=owner.advertiser, job=JobFactory(advertiser=owner.advertiser), followers=None)
    LeadFactory(advertiser=owner.advertiser, emails="", phones="+4420794600")
    plain = owner.client().get("/api/v1/leads").json()["data"]
    monkeypatch.setattr(
        PlainRepresentation,
        "to_representation",
        lambda self, instance: serializers.ModelSerializer.to_representation(self, instance),
    )
    assert V1LeadSerializer(Lead.objects.all(), many=True).data == plain


# ---------------------------------------------------------------------------------------
# Content analysis and stats
# ---------------------------------------------------------------------------------------
def test_content_analysis_shape_and_filters(owner):
    from decimal import Decimal

    job = JobFactory(advertiser=owner.advertiser)
    item = ContentItemFactory(
        advertiser=owner.advertiser,
        username="fitness_guru",
        post_id="123456789",
        job=job,
        engagement_rate=Decimal("5.20"),
    )
    ContentItemFactory(advertiser=owner.advertiser, platform="tiktok", username="other")
    client = owner.client()
    body = envelope(client.get("/api/v1/content-analysis", {"platform": "instagram", "page": 1}))
    row = body["data"][0]
    assert {
        k: row[k]
        for k in (
            "id",
            "platform",
            "username",
            "post_id",
            "likes_count",
            "comments_count",
            "views_count",
            "engagement_rate",
        )
    } == {
        "id": item.pk,
        "platform": "instagram",
        "username": "fitness_guru",
        "post_id": "123456789",
        "likes_count": 5000,
        "comments_count": 200,
        "views_count": 10000,
        "engagement_rate": "5.2%",
    }
    assert body["pagination"]["total"] == 1
    assert envelope(client.get("/api/v1/content-analysis", {"username": "other"}))["pagination"]["total"] == 1
    assert envelope(client.get("/api/v1/content-analysis", {"job_id": job.pk}))["data"][0]["id"] == item.pk
    assert envelope(client.get(f"/api/v1/content-analysis/{item.pk}"))["data"]["engagement_rate"] == "5.2%"


def test_stats_has_every_documented_key(owner, outsider):
    LeadFactory(advertiser=owner.advertiser)
    LeadFactory(advertiser=outsider.advertiser)
    JobFactory(advertiser=owner.advertiser)
    TargetFactory(advertiser=owner.advertiser)
    ContentItemFactory(advertiser=owner.advertiser)
    client = owner.client()
    client.get("/api/v1/jobs")
    data = envelope(client.get("/api/v1/stats"))["data"]
    assert set(data) == {
        "total_leads",
        "total_jobs",
        "total_targets",
        "total_content_analysis",
        "total_api_requests",
        "today_api_requests",
        "token_requests",
        "token_last_used",
    }
    assert (data["total_leads"], data["total_jobs"], data["total_targets"], data["total_content_analysis"]) == (
        1,
        1,
        1,
        1,
    )
    assert data["token_requests"] == 2 and data["total_api_requests"] >= 2 and data["today_api_requests"] >= 2
    assert data["token_last_used"] is not None


# ---------------------------------------------------------------------------------------
# Who may call what
# ---------------------------------------------------------------------------------------
def owned_rows(advertiser):
    job = JobFactory(advertiser=advertiser)
    target = TargetFactory(advertiser=advertiser)
    lead = LeadFactory(advertiser=advertiser)
    item = ContentItemFactory(advertiser=advertiser)
    return job, target, lead, item


def test_another_tenants_rows_are_404_and_never_listed(owner, outsider):
    job, target, lead, item = owned_rows(owner.advertiser)
    client = outsider.client()
    for method, path in [
        ("get", f"/api/v1/jobs/{job.pk}"),
        ("delete", f"/api/v1/jobs/{job.pk}"),
        ("post", f"/api/v1/jobs/{job.pk}/run"),
        ("put", f"/api/v1/jobs/{job.pk}/schedule"),
        ("get", f"/api/v1/targets/{target.pk}"),
        ("delete", f"/api/v1/targets/{target.pk}"),
        ("get", f"/api/v1/leads/{lead.pk}"),
        ("get", f"/api/v1/content-analysis/{item.pk}"),
    ]:
        response = getattr(client, method)(path, {"interval_seconds": 3600} if method == "put" else None, format="json")
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "Not found", "message": response.json()["message"]}
    for path in ("/api/v1/jobs", "/api/v1/targets", "/api/v1/leads", "/api/v1/content-analysis"):
        assert envelope(client.get(path))["data"] == [], path
    assert envelope(client.get("/api/v1/stats"))["data"]["total_leads"] == 0
    assert ScrapeJob.objects.filter(pk=job.pk, status=ScrapeJob.Status.PENDING).exists()
    assert Target.objects.filter(pk=target.pk).exists()


def test_staff_sees_every_tenant_and_creates_for_a_named_one(staff, owner, outsider):
    owned_rows(owner.advertiser)
    owned_rows(outsider.advertiser)
    client = staff.client()
    assert envelope(client.get("/api/v1/leads"))["pagination"]["total"] == 2
    refused = client.post("/api/v1/targets", {"identifier": "x", "target_type": "hashtag"}, format="json")
    assert refused.status_code == 400 and "advertiser_id" in refused.json()["message"]
    created = client.post(
        "/api/v1/targets",
        {"identifier": "x", "target_type": "hashtag", "advertiser_id": outsider.advertiser.pk},
        format="json",
    )
    assert (
        created.status_code == 201
        and Target.objects.get(pk=created.json()["data"]["id"]).advertiser == outsider.advertiser
    )


def test_anonymous_and_publisher_are_refused(api_client, publisher):
    anonymous = api_client.get("/api/v1/leads")
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"error", "message"}
    invalid = api_client.get("/api/v1/leads", HTTP_AUTHORIZATION="Bearer nope")
    assert invalid.status_code == 401 and invalid.json()["error"] == "Invalid token"
    assert publisher.client().get("/api/v1/jobs").status_code == 403


def test_content_items_and_leads_of_a_job_survive_its_deletion(owner):
    job, _, lead, item = owned_rows(owner.advertiser)
    Lead.objects.filter(pk=lead.pk).update(job=job)
    ContentItem.objects.filter(pk=item.pk).update(job=job, scraped_at=timezone.now())
    owner.client().delete(f"/api/v1/jobs/{job.pk}")
    assert Lead.objects.get(pk=lead.pk).job_id is None and ContentItem.objects.get(pk=item.pk).job_id is None
