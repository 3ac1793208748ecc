"""The scraping journeys as a user runs them on `make run`: offline, with the demo credentials.

The platform starts exactly as `make run` starts it (bin/run: the web server, a real Celery
worker and beat, on the embedded SQLite database and SQL-file broker), with the demo data.
For each demo advertiser, its own API token registers a webhook on a receiver this test
runs, then creates a lead job, a group-post task and a crawl of the platform's demo site.
Each must finish, show its results, and be matched by a received webhook whose id opens it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .platform_run import free_port, running_demo
from .processes import wait_for
from .serving import serving_thread

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
FINISH_WITHIN_SECONDS = 120
SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint: keeps every JSON body it is sent."""

    def __init__(self):
        self.payloads: list[dict] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):
                body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
                self.payloads.append(json.loads(body))
                handler.send_response(204)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"


class Api:
    """One advertiser's calls, with its demo token, to the running platform."""

    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(
            url,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"{}")

    def get(self, path: str) -> dict:
        status, body = self.call("GET", path)
        assert status == 200, (path, status, body)
        return body

    def post(self, path: str, body: dict | None = None, expect: int = 201) -> dict:
        status, answer = self.call("POST", path, body)
        assert status == expect, (path, status, answer)
        return answer


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    """The running platform: (base URL, seed_demo --json)."""
    with running_demo(tmp_path_factory.mktemp("journey")) as running:
        yield running


@pytest.fixture(scope="module")
def receiver():
    server = Receiver()
    thread = serving_thread(server)
    thread.start()
    yield server
    server.shutdown()


def finished(api: Api, path: str, status_of, done: set[str]) -> bool:
    return status_of(api.get(path)) in done


def start_every_kind(api: Api, base: str) -> dict[str, dict]:
    """A lead job, a group-post task and a crawl of the demo site, each created through its own surface."""
    target_id = api.get("/api/v1/targets")["data"][0]["id"]
    lead_job = api.post("/api/v1/jobs", {"job_type": "followers", "target_ids": [target_id], "max_leads": 40})
    lead_job_id = lead_job["data"]["id"]
    api.post(f"/api/v1/jobs/{lead_job_id}/run", expect=200)
    task_id = api.post("/api/social/tasks", {"group_id": "987654321", "max_posts": 20})["data"]["id"]
    crawl_id = api.post(
        "/api/web/v1/jobs",
        {
            "url": f"{base}/demo-site/",
            "selectors": SELECTORS,
            "config": {"max_pages": 40, "follow_links": True},
        },
    )["id"]
    return {
        "/api/v1": {
            "id": lead_job_id,
            "job": f"/api/v1/jobs/{lead_job_id}",
            "status": lambda body: body["data"]["status"],
            "done": {"finished"},
            "results": f"/api/v1/leads?job_id={lead_job_id}",
            "count": lambda body: len(body["data"]),
        },
        "/api/social": {
            "id": task_id,
            "job": f"/api/social/tasks/{task_id}",
            "status": lambda body: body["data"]["status"],
            "done": {"completed"},
            "results": f"/api/social/tasks/{task_id}/result",
            "count": lambda body: len(body["posts"]),
        },
        "/api/web/v1": {
            "id": crawl_id,
            "job": f"/api/web/v1/jobs/{crawl_id}",
            "status": lambda body: body["status"],
            "done": {"completed"},
            "results": f"/api/web/v1/results/{crawl_id}",
            "count": lambda body: len(body["results"]),
        },
    }


def webhook_for(receiver: Receiver, surface: str, job_id) -> dict | None:
    return next((p for p in receiver.payloads if p["data"]["surface"] == surface and p["data"]["id"] == job_id), None)


def test_each_demo_advertiser_runs_every_kind_of_job_to_its_results_and_webhook(platform, receiver):
    base, demo = platform
    assert len(demo["advertisers"]) == 2
    for advertiser in demo["advertisers"]:
        api = Api(base, advertiser["token"])
        api.post("/api/web/v1/webhooks", {"webhook_url": receiver.url, "events": ["job.completed", "job.failed"]})
        jobs = start_every_kind(api, base)
        for surface, job in jobs.items():
            wait_for(
                lambda api=api, job=job: finished(api, job["job"], job["status"], job["done"]),
                FINISH_WITHIN_SECONDS,
                f"{advertiser['name']}: {job['job']} to finish",
            )
            assert job["count"](api.get(job["results"])) > 0, (surface, job["results"])
        for surface, job in jobs.items():
            wait_for(
                lambda surface=surface, job=job: webhook_for(receiver, surface, job["id"]) is not None,
                60,
                f"the webhook of {job['job']}",
            )
            payload = webhook_for(receiver, surface, job["id"])
            assert payload["type"] == "job.completed"
            assert job["status"](api.get(payload["data"]["job_url"])) in job["done"]
