"""The /api/web/v1 surface as documented by the web scraper API: shapes, statuses, isolation, SSRF, exports, query counts."""

from __future__ import annotations

import csv
import io
import json
import uuid
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from leads.models import Proxy, ScrapeJob, Webhook
from leads.outbound import guard

from ..factories import PASSWORD
from .factories import WebhookFactory, WebJobFactory, WebResultFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("public_dns")]

BASE = "/api/web/v1"
JOB_BODY = {
    "url": "https://shop.example/products",
    "engine": "auto",
    "priority": "normal",
    "selectors": {"title": "h1.product-title::text", "price": "span.price::text"},
    "config": {"max_pages": 10, "follow_links": True},
}
JOB_KEYS = {
    "id",
    "url",
    "engine",
    "priority",
    "status",
    "progress",
    "items_scraped",
    "items_failed",
    "selectors",
    "config",
    "schedule",
    "error",
    "created_at",
    "started_at",
    "completed_at",
    "waiting_reason",
    "queue_position",
}


def queries_of(callable_) -> int:
    callable_()  # warm up: the token's hourly last-used write is not part of the endpoint
    with CaptureQueriesContext(connection) as context:
        callable_()
    return len(context)


# --- auth ---------------------------------------------------------------------------


def test_jwt_from_form_login_works_on_the_jobs_endpoint(api_client, owner):
    login = api_client.post(f"{BASE}/auth/login", {"username": owner.user.username, "password": PASSWORD})
    token = login.json()["access_token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    response = api_client.get(f"{BASE}/jobs")
    assert response.status_code == 200 and response.json() == []


def test_jwt_from_json_login_works_too(api_client, owner):
    login = api_client.post(
        f"{BASE}/auth/login", {"username": owner.user.username, "password": PASSWORD}, format="json"
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    assert api_client.get(f"{BASE}/monitoring/stats").status_code == 200


def test_anonymous_is_401_in_the_surface_shape(api_client):
    response = api_client.get(f"{BASE}/jobs")
    assert response.status_code == 401
    assert set(response.json()) == {"detail", "type"}


def test_publisher_is_refused(publisher):
    assert publisher.client().get(f"{BASE}/jobs").status_code == 403


def test_rate_limit_headers_on_every_response(owner):
    response = owner.client().get(f"{BASE}/jobs")
    assert response["X-RateLimit-Limit"] == "100"
    assert int(response["X-RateLimit-Remaining"]) == 99
    assert int(response["X-RateLimit-Reset"]) > 0


# --- jobs -----------------------------------------------------------------------------


def test_create_job_is_201_with_a_string_id_and_enqueued_after_commit(
    owner, enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.client().post(f"{BASE}/jobs", JOB_BODY, format="json")
    assert response.status_code == 201
    body = response.json()
    assert set(body) == JOB_KEYS
    job = ScrapeJob.objects.get(public_id=body["id"])
    assert body["status"] == "pending" and body["url"] == JOB_BODY["url"] and body["priority"] == "normal"
    assert body["config"]["max_pages"] == 10 and body["config"]["respect_robots"] is True
    assert job.advertiser == owner.advertiser and job.kind == "web" and job.created_by == owner.user
    enqueued.assert_called_once_with(job.pk)


def test_create_ignores_a_foreign_advertiser_in_the_body_or_refuses_it(owner, outsider, enqueued):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "advertiser_id": outsider.advertiser.pk}, format="json")
    assert response.status_code == 404
    assert not ScrapeJob.objects.exists()
    response = owner.client().post(
        f"{BASE}/jobs", {**JOB_BODY, "advertiser": outsider.advertiser.pk, "status": "completed"}, format="json"
    )
    assert response.status_code == 422 and set(response.json()["errors"]) == {"advertiser", "status"}
    assert not ScrapeJob.objects.exists()


def test_staff_names_the_advertiser(staff, advertiser, enqueued):
    assert staff.client().post(f"{BASE}/jobs", JOB_BODY, format="json").status_code == 422
    response = staff.client().post(f"{BASE}/jobs", {**JOB_BODY, "advertiser_id": advertiser.pk}, format="json")
    assert response.status_code == 201
    assert ScrapeJob.objects.get().advertiser == advertiser


@pytest.mark.parametrize(
    "body, field",
    [
        ({"engine": "scrapy"}, "engine"),
        ({"priority": "urgent"}, "priority"),
        ({"selectors": {"title": "h1[[["}}, "selectors"),
        ({"selectors": ["h1"]}, "selectors"),
        ({"config": {"max_pages": 0}}, "max_pages"),
        ({"config": {"max_pages": 10**9}}, "max_pages"),
        ({"config": {"follow_links": "yes"}}, "follow_links"),
        ({"config": {"unknown": 1}}, "config"),
        ({"url": ""}, "url"),
    ],
)
def test_invalid_job_is_422_validation_error(owner, enqueued, body, field):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, **body}, format="json")
    assert response.status_code == 422
    assert response.json()["type"] == "validation_error" and response.json()["detail"] == "Invalid request data"
    assert field in response.json()["errors"]
    assert not ScrapeJob.objects.exists() and not enqueued.called


SSRF_URLS = [
    "http://127.0.0.1/admin",
    "http://[::1]/",
    "http://10.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://127.1/",
    "http://[::ffff:127.0.0.1]/",
    "http://100.64.0.1/",
    "file:///etc/passwd",
    "gopher://shop.example/",
]


@pytest.mark.parametrize("url", SSRF_URLS)
def test_ssrf_targets_are_refused_with_422_at_create_time(owner, enqueued, url):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "url": url}, format="json")
    assert response.status_code == 422, url
    assert "url" in response.json()["errors"]
    assert not ScrapeJob.objects.exists()


def test_a_job_url_with_an_invisible_character_is_refused_with_422(owner, enqueued):
    response = owner.client().post(
        f"{BASE}/jobs", {**JOB_BODY, "url": "https://shop.example/\u202egnp.exe"}, format="json"
    )
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"url": ["Enter a URL without invisible or control characters (U+202E)."]},
    )
    assert not ScrapeJob.objects.exists()


def test_a_webhook_url_with_an_invisible_character_is_refused_with_422(owner):
    body = {"webhook_url": "https://your-app.example/\u200bwebhook", "events": ["job.failed"]}
    response = owner.client().post(f"{BASE}/webhooks", body, format="json")
    assert (response.status_code, response.json()["errors"]) == (
        422,
        {"webhook_url": ["Enter a URL without invisible or control characters (U+200B)."]},
    )
    assert not Webhook.objects.exists()


def test_a_name_resolving_to_a_private_address_is_refused(owner, enqueued):
    with guard.override_resolver(lambda host, port: ["10.20.30.40"]):
        response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "url": "https://intranet.example/"}, format="json")
    assert response.status_code == 422
    # The refusal says what, never echoes internal details.
    assert response.json()["errors"]["url"] == ["The destination is not allowed."]


def test_allow_list_lets_a_local_target_through(owner, enqueued, allow_local):
    response = owner.client().post(f"{BASE}/jobs", {**JOB_BODY, "url": "http://127.0.0.1:8080/"}, format="json")
    assert response.status_code == 201


def test_list_is_a_bare_array_with_skip_limit_and_status(owner, outsider):
    jobs = [WebJobFactory(advertiser=owner.advertiser) for _ in range(3)]
    WebJobFactory(advertiser=owner.advertiser, status="completed", items_scraped=150, progress=100)
    WebJobFactory(advertiser=outsider.advertiser)
    ScrapeJob.objects.create(advertiser=owner.advertiser, kind="hashtag")  # another surface's job
    client = owner.client()
    body = client.get(f"{BASE}/jobs").json()
    assert isinstance(body, list) and len(body) == 4
    assert {row["id"] for row in body} >= {str(job.public_id) for job in jobs}
    assert [row["status"] for row in client.get(f"{BASE}/jobs?status=completed").json()] == ["completed"]
    assert len(client.get(f"{BASE}/jobs?skip=1&limit=2").json()) == 2
    assert client.get(f"{BASE}/jobs?limit=101").status_code == 422
    assert client.get(f"{BASE}/jobs?limit=0").status_code == 422
    assert client.get(f"{BASE}/jobs?status=finished").status_code == 422
    assert client.get(f"{BASE}/jobs?skip=-1").status_code == 422


def test_list_runs_a_constant_number_of_queries(owner):
    client = owner.client()
    WebJobFactory(advertiser=owner.advertiser)
    few = queries_of(lambda: client.get(f"{BASE}/jobs"))
    for _ in range(30):
        WebJobFactory(advertiser=owner.advertiser)
    assert queries_of(lambda: client.get(f"{BASE}/jobs?limit=100")) == few


def test_get_job_shape(owner):
    job = WebJobFactory(advertiser=owner.advertiser, status="running", progress=45.5, items_scraped=68, items_failed=2)
    body = owner.client().get(f"{BASE}/jobs/{job.public_id}").json()
    assert set(body) == JOB_KEYS
    assert body["id"] == str(job.public_id)
    assert (body["status"], body["progress"], body["items_scraped"], body["items_failed"]) == ("running", 45.5, 68, 2)


def test_another_advertisers_job_is_404_everywhere(owner, outsider):
    job = WebJobFactory(advertiser=outsider.advertiser)
    WebResultFactory(job=job)
    client = owner.client()
    for path in (f"/jobs/{job.public_id}", f"/results/{job.public_id}", f"/results/{job.public_id}/export"):
        response = client.get(BASE + path)
        assert response.status_code == 404
        assert response.json() == {"detail": "Job not found", "type": "not_found"}
    assert client.delete(f"{BASE}/jobs/{job.public_id}").status_code == 404
    job.refresh_from_db()
    assert job.status == "pending"
    assert client.get(f"{BASE}/jobs/{uuid.uuid4()}").status_code == 404
    assert client.get(f"{BASE}/jobs/not-a-uuid").status_code == 404


def test_delete_cancels_an_unfinished_job_then_deletes_it(owner):
    job = WebJobFactory(advertiser=owner.advertiser, status="running")
    client = owner.client()
    response = client.delete(f"{BASE}/jobs/{job.public_id}")
    assert response.status_code == 204 and response.content == b""
    job.refresh_from_db()
    assert job.status == "cancelled" and job.completed_at
    assert client.delete(f"{BASE}/jobs/{job.public_id}").status_code == 204
    assert not ScrapeJob.objects.filter(pk=job.pk).exists()


def test_delete_during_a_crawl_stops_it(owner, site, allow_local):
    """The cancel lands between two batches: the crawl stops and the job stays cancelled."""
    from leads.engine import runner

    site.route("/robots.txt", status=404)
    site.route("/", "".join(f"<a href='/p/{n}'>p</a>" for n in range(200)))
    for n in range(200):
        site.route(f"/p/{n}", f"<h1>{n}</h1>", delay=0.05)
    job = WebJobFactory(
        advertiser=owner.advertiser,
        url=site.url("/"),
        selectors={"h": "h1::text"},
        config={"max_pages": 200, "follow_links": True, "concurrency": 2, "per_host": 2},
    )
    original = runner.store_batch
    calls = []

    def store_then_cancel(job_id, batch):
        calls.append(batch)
        if len(calls) == 2:
            owner.client().delete(f"{BASE}/jobs/{job.public_id}")
        return original(job_id, batch)

    with mock.patch.object(runner, "store_batch", store_then_cancel):
        runner.run_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert len(site.hits) < 100


# --- results and export ---------------------------------------------------------------


@pytest.fixture
def job_with_results(owner):
    job = WebJobFactory(
        advertiser=owner.advertiser,
        status="completed",
        selectors={"title": "h1::text", "price": ".price::text", "tags": "li::text"},
    )
    for n in range(12):
        data = {"title": f"Product {n}", "price": f"${n}.99", "tags": ["a", "b"] if n % 2 else None}
        WebResultFactory(job=job, url=f"https://shop.example/p/{n}", data=data)
    WebResultFactory(
        job=job,
        url="https://shop.example/evil",
        data={"title": '=HYPERLINK("http://x")', "price": "-5", "tags": 'é, "quoted"\nnewline'},
    )
    return job


def test_results_page_shape_and_paging(owner, job_with_results):
    job = job_with_results
    client = owner.client()
    body = client.get(f"{BASE}/results/{job.public_id}").json()
    assert set(body) == {"job_id", "total", "skip", "limit", "results"}
    assert (body["job_id"], body["total"], body["skip"], body["limit"]) == (str(job.public_id), 13, 0, 100)
    first = body["results"][0]
    assert set(first) == {"job_id", "url", "data", "scraped_at"}
    assert first["job_id"] == str(job.public_id) and first["data"]["title"] == "Product 0"
    page = client.get(f"{BASE}/results/{job.public_id}?skip=10&limit=2").json()
    assert [row["url"] for row in page["results"]] == ["https://shop.example/p/10", "https://shop.example/p/11"]
    assert client.get(f"{BASE}/results/{job.public_id}?limit=1001").status_code == 422
    assert client.get(f"{BASE}/results/{job.public_id}?limit=1000").status_code == 200


def test_results_run_a_constant_number_of_queries(owner, job_with_results):
    client = owner.client()
    path = f"{BASE}/results/{job_with_results.public_id}?limit=1000"
    few = queries_of(lambda: client.get(path))
    for _ in range(40):
        WebResultFactory(job=job_with_results)
    assert queries_of(lambda: client.get(path)) == few


def _stream(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def test_json_export_matches_the_results(owner, job_with_results):
    client = owner.client()
    results = client.get(f"{BASE}/results/{job_with_results.public_id}?limit=1000").json()["results"]
    response = client.get(f"{BASE}/results/{job_with_results.public_id}/export?format=json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert json.loads(_stream(response)) == results
    default = client.get(f"{BASE}/results/{job_with_results.public_id}/export")
    assert json.loads(_stream(default)) == results


def test_csv_export_matches_the_results(owner, job_with_results):
    client = owner.client()
    results = client.get(f"{BASE}/results/{job_with_results.public_id}?limit=1000").json()["results"]
    response = client.get(f"{BASE}/results/{job_with_results.public_id}/export?format=csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(_stream(response).decode())))
    job_with_results.refresh_from_db()  # selector order is the stored (jsonb) order
    assert list(rows[0]) == ["job_id", "url", "scraped_at", *job_with_results.selectors]
    assert set(job_with_results.selectors) == {"title", "price", "tags"}
    assert len(rows) == len(results)
    for row, result in zip(rows, results, strict=True):
        assert (row["job_id"], row["url"], row["scraped_at"]) == (result["job_id"], result["url"], result["scraped_at"])
        for column in ("title", "price", "tags"):
            value = result["data"][column]
            expected = "" if value is None else value if isinstance(value, str) else json.dumps(value)
            if expected.startswith("="):
                expected = "'" + expected  # formula injection neutralised
            assert row[column] == expected


def test_empty_exports(owner):
    job = WebJobFactory(advertiser=owner.advertiser)
    client = owner.client()
    assert json.loads(_stream(client.get(f"{BASE}/results/{job.public_id}/export?format=json"))) == []
    assert (
        _stream(client.get(f"{BASE}/results/{job.public_id}/export?format=csv")).decode().strip()
        == "job_id,url,scraped_at,title"
    )
    assert client.get(f"{BASE}/results/{job.public_id}/export?format=xml").status_code == 422


# --- monitoring -------------------------------------------------------------------------


def test_stats_count_only_the_callers_web_jobs(owner, outsider):
    for status, items in (
        ("completed", 100),
        ("completed", 50),
        ("failed", 0),
        ("running", 5),
        ("pending", 0),
        ("cancelled", 0),
    ):
        WebJobFactory(advertiser=owner.advertiser, status=status, items_scraped=items)
    WebJobFactory(advertiser=outsider.advertiser, status="completed", items_scraped=1000)
    body = owner.client().get(f"{BASE}/monitoring/stats").json()
    assert body == {
        "status_counts": {"pending": 1, "running": 1, "completed": 2, "failed": 1, "cancelled": 1},
        "total_items_scraped": 155,
        "jobs_last_24h": 6,
        "success_rate": 66.67,
        "total_jobs": 6,
    }


def test_proxy_summary(owner):
    Proxy.objects.create(url="http://p1.example:3128", success_count=9, failure_count=1)
    Proxy.objects.create(url="http://p2.example:3128", success_count=10, failure_count=0)
    Proxy.objects.create(url="http://p3.example:3128", status="banned", success_count=1, failure_count=9)
    body = owner.client().get(f"{BASE}/monitoring/proxies").json()
    assert body == {
        "total_proxies": 3,
        "by_status": {
            "active": {"count": 2, "avg_success_rate": 95.0},
            "banned": {"count": 1, "avg_success_rate": 10.0},
        },
    }


def test_system_health_reports_each_part(owner):
    with mock.patch("leads.monitoring.celery_workers", return_value=["celery@worker1"]):
        body = owner.client().get(f"{BASE}/monitoring/system").json()
    assert body["database"] == body["cache"] == body["redis"] == body["api"] == body["workers"] == "healthy"
    assert body["worker_count"] == 1 and "timestamp" in body and "broker" in body


def test_system_health_says_what_is_wrong_without_raw_errors(owner):
    with (
        mock.patch("leads.monitoring.celery_workers", return_value=[]),
        mock.patch("leads.monitoring._broker", side_effect=ConnectionRefusedError("10.0.0.3:5672 secret detail")),
    ):
        body = owner.client().get(f"{BASE}/monitoring/system").json()
    assert body["workers"] == "unhealthy: no Celery worker has reported in recently"
    assert body["broker"] == "unhealthy: the Celery broker is unreachable"
    assert "10.0.0.3" not in json.dumps(body)


# --- webhooks ---------------------------------------------------------------------------


def test_register_list_and_delete_webhooks(owner, outsider):
    client = owner.client()
    response = client.post(
        f"{BASE}/webhooks",
        {"webhook_url": "https://your-app.example/webhook", "events": ["job.completed", "job.failed"]},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {
        "id",
        "webhook_url",
        "events",
        "secret",
        "secret_last_four",
        "active",
        "disabled_reason",
        "created_at",
    }
    assert body["secret"].startswith("whsec_") and body["events"] == ["job.completed", "job.failed"]
    foreign = WebhookFactory(advertiser=outsider.advertiser)
    listed = client.get(f"{BASE}/webhooks").json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert client.delete(f"{BASE}/webhooks/{foreign.pk}").status_code == 404
    assert client.delete(f"{BASE}/webhooks/{body['id']}").status_code == 204
    assert list(Webhook.objects.all()) == [foreign]


@pytest.mark.parametrize(
    "body",
    [
        {"webhook_url": "http://169.254.169.254/", "events": ["job.completed"]},
        {"webhook_url": "http://[::1]:8000/hook", "events": ["job.completed"]},
        {"webhook_url": "https://your-app.example/webhook", "events": ["job.started"]},
        {"webhook_url": "https://your-app.example/webhook", "events": []},
        {"webhook_url": "ftp://your-app.example/", "events": ["job.failed"]},
    ],
)
def test_invalid_webhooks_are_422(owner, body):
    response = owner.client().post(f"{BASE}/webhooks", body, format="json")
    assert response.status_code == 422 and response.json()["type"] == "validation_error"
    assert not Webhook.objects.exists()


def test_webhook_list_runs_a_constant_number_of_queries(owner):
    client = owner.client()
    WebhookFactory(advertiser=owner.advertiser)
    few = queries_of(lambda: client.get(f"{BASE}/webhooks"))
    for _ in range(15):
        WebhookFactory(advertiser=owner.advertiser)
    assert queries_of(lambda: client.get(f"{BASE}/webhooks?limit=100")) == few


def test_webhook_volume_is_capped(owner, settings):
    settings.WEBHOOK_MAX_PER_ADVERTISER = 1
    client = owner.client()
    body = {"webhook_url": "https://your-app.example/webhook", "events": ["job.completed"]}
    assert client.post(f"{BASE}/webhooks", body, format="json").status_code == 201
    assert client.post(f"{BASE}/webhooks", body, format="json").status_code == 422


def test_the_documented_endpoints_are_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/openapi.json").json()
    for path in (
        "/jobs",
        "/jobs/{job_id}",
        "/results/{job_id}",
        "/results/{job_id}/export",
        "/monitoring/stats",
        "/monitoring/proxies",
        "/monitoring/system",
        "/webhooks",
        "/webhooks/{id}",
    ):
        assert BASE + path in schema["paths"], path
    assert "422" in schema["paths"][f"{BASE}/jobs"]["post"]["responses"]
