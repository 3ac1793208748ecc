"""A whole social job against local fake providers: Graph API, actor runs, errors, caps, dedupe, retries."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection

from leadplatform.celery import app as celery_app
from leads.jobs import claim, lifecycle, run
from leads.models import (
    ConnectorCredential,
    ContentItem,
    HashtagQuery,
    JobUnit,
    Lead,
    LeadCount,
    ScrapeJob,
    Webhook,
    WebhookDelivery,
)
from leads.webhooks import generate_secret

from .conftest import actor_credential, graph_credential
from .factories import JobFactory, TargetFactory
from .fakes import FakeActorAPI, FakeGraphAPI, Reply, follower_items


@pytest.fixture
def eager_celery():
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_eager_propagates = False


def run_to_end(job: ScrapeJob, worker: str = "test-worker") -> ScrapeJob:
    """What the Celery tasks do, inline: claim, start, every runner."""
    claimed = claim.claim_next_job(worker)
    assert claimed is not None and claimed.pk == job.pk
    runners = run.start_job(job.pk, worker)
    for runner in range(runners):
        run.run_units(job.pk, runner)
    job.refresh_from_db()
    return job


def followers_job(advertiser, targets, **fields) -> ScrapeJob:
    job = lifecycle.create_job(
        advertiser_id=advertiser.pk, kind="followers", targets=targets, name="followers", **fields
    )
    lifecycle.queue_job(job)
    return job


# ---------------------------------------------------------------------------------------
# Whole jobs through the API
# ---------------------------------------------------------------------------------------
MEDIA = [
    {
        "id": f"1790{index}",
        "caption": caption,
        "like_count": likes,
        "comments_count": 20,
        "permalink": f"https://instagram.com/p/{index}/",
        "timestamp": "2025-12-29T10:00:00+0000",
        "media_type": "IMAGE",
    }
    for index, (caption, likes) in enumerate(
        [
            ("Leg day with @coach_anna #fitness", 500),
            ("New program by @Coach_Anna and @personal_only", 300),
            ("Morning run #fitness", 120),
            ("Protein tips from @lift_labs", 80),
            ("Rest day", 10),
        ]
    )
]
ACCOUNTS = {
    "coach_anna": {
        "name": "Anna Coach",
        "biography": "Online coaching. Bookings: anna@coach.example",
        "followers_count": 10000,
        "follows_count": 300,
        "website": "https://coach.example",
    },
    "lift_labs": {
        "name": "Lift Labs",
        "biography": "Supplements · call +44 20 7946 0000",
        "followers_count": 2500,
        "follows_count": 10,
    },
}


def test_hashtag_job_through_the_api_stores_leads_and_content_items(
    owner, serve, eager_celery, django_capture_on_commit_callbacks
):
    graph = serve(FakeGraphAPI({"fitness": MEDIA}, ACCOUNTS, page_size=2))
    graph_credential(owner.advertiser, graph)
    client = owner.client()
    target = client.post("/api/v1/targets", {"identifier": "#fitness", "target_type": "hashtag"}, format="json").json()[
        "data"
    ]
    created = client.post(
        "/api/v1/jobs", {"name": "Fitness", "job_type": "hashtag", "target_ids": [target["id"]]}, format="json"
    )
    assert created.status_code == 201, created.content
    job_id = created.json()["data"]["id"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/v1/jobs/{job_id}/run")
    assert response.status_code == 200
    job = ScrapeJob.objects.get(pk=job_id)
    assert job.status == ScrapeJob.Status.COMPLETED, job.error
    assert job.progress == 100

    leads = {lead.username: lead for lead in Lead.objects.filter(advertiser=owner.advertiser)}
    assert set(leads) == {"coach_anna", "lift_labs"}  # @personal_only is no professional account: not found
    assert leads["coach_anna"].emails == "anna@coach.example"
    assert leads["coach_anna"].outreach_ready and leads["coach_anna"].source_type == "hashtag"
    assert leads["lift_labs"].phones == "+442079460000"
    assert leads["coach_anna"].job_id == job_id and leads["coach_anna"].target_id == target["id"]
    assert job.leads_stored == 2

    items = ContentItem.objects.filter(advertiser=owner.advertiser).order_by("post_id")
    assert items.count() == 5
    assert graph.count("GET", "/v21.0/h-fitness/recent_media") == 3  # cursor pagination: 2 + 2 + 1
    assert HashtagQuery.objects.filter(credential__advertiser=owner.advertiser, hashtag="fitness").count() == 1

    body = client.get("/api/v1/content-analysis", {"job_id": job_id}).json()
    assert body["pagination"]["total"] == 5
    assert {row["post_id"] for row in body["data"]} == {media["id"] for media in MEDIA}


def test_followers_job_pages_through_the_actor_dataset(owner, serve):
    actors = serve(FakeActorAPI({"nike": follower_items("nike", 450)}, polls_before_done=2))
    actor_credential(owner.advertiser, actors)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(followers_job(owner.advertiser, [target]))

    assert job.status == ScrapeJob.Status.COMPLETED
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 450
    assert job.leads_stored == 450
    assert actors.count("POST", "/v2/acts/someone~followers-actor/runs") == 1
    assert actors.count("GET", "/v2/actor-runs/") == 3  # RUNNING, RUNNING, SUCCEEDED
    assert actors.count("GET", "/v2/datasets/") == 3  # 200 + 200 + 50
    assert actors.inputs[0]["usernames"] == ["nike"]
    lead = Lead.objects.get(advertiser=owner.advertiser, username="nike_2")
    assert lead.emails == "nike2@example.com" and lead.outreach_ready
    assert lead.followers == 5002 and lead.source_type == "followers"


def test_filters_apply_before_storing(owner, serve):
    actors = serve(FakeActorAPI({"nike": follower_items("nike", 60)}))
    actor_credential(owner.advertiser, actors)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(
        followers_job(
            owner.advertiser,
            [target],
            filters={"min_followers": 5010, "max_followers": 5050, "has_email": True, "bio_keywords": ["creator"]},
        )
    )
    usernames = set(Lead.objects.filter(advertiser=owner.advertiser).values_list("username", flat=True))
    assert usernames == {f"nike_{i}" for i in range(10, 51) if i % 2 == 0}
    assert job.leads_stored == len(usernames)


@pytest.mark.parametrize(
    "failure",
    [
        Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}),
        Reply(503, {"error": "unavailable"}),
        Reply(200, raw=b'{"data": [truncated'),
        Reply(200, [], delay=2.5),  # longer than the 1 s timeout
    ],
    ids=["429-retry-after", "5xx", "malformed-json", "timeout"],
)
def test_transient_provider_errors_are_retried_then_succeed(owner, serve, failure, connector_clock):
    actors = serve(FakeActorAPI({"nike": follower_items("nike", 30)}, polls_before_done=0))
    actor_credential(owner.advertiser, actors)
    actors.queued[("GET", "/v2/datasets/ds-run1/items")].append(failure)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(followers_job(owner.advertiser, [target]))
    assert job.status == ScrapeJob.Status.COMPLETED, job.error
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 30
    assert actors.count("GET", "/v2/datasets/") == 2
    assert len(connector_clock.waits) == 1  # one wait before the one retry
    if failure.status == 429:
        assert connector_clock.waits[0] >= 1.0  # Retry-After honoured


def test_a_failing_target_does_not_stop_the_others(owner, serve):
    actors = serve(FakeActorAPI({"good": follower_items("good", 20), "bad": []}, fail_identifiers=frozenset({"bad"})))
    actor_credential(owner.advertiser, actors)
    Webhook.objects.create(
        advertiser=owner.advertiser, url="https://hooks.example/x", events=["job.completed"], secret=generate_secret()
    )
    good = TargetFactory(advertiser=owner.advertiser, identifier="good")
    bad = TargetFactory(advertiser=owner.advertiser, identifier="bad")
    job = run_to_end(followers_job(owner.advertiser, [good, bad]))

    assert job.status == ScrapeJob.Status.COMPLETED
    assert job.items_failed == 1 and "1 of 2 targets failed" in job.error
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 20
    failed = JobUnit.objects.get(job=job, target=bad)
    assert failed.status == JobUnit.Status.FAILED
    assert (
        failed.error.startswith("followers:bad: Hosted scraper (127.0.0.1): actor run")
        and "ended FAILED" in failed.error
    )
    assert WebhookDelivery.objects.filter(webhook__advertiser=owner.advertiser, event="job.completed").count() == 1


def test_every_target_failing_retries_then_fails_with_webhook(owner, serve):
    actors = serve(FakeActorAPI({"bad": []}, fail_identifiers=frozenset({"bad"})))
    actor_credential(owner.advertiser, actors)
    Webhook.objects.create(
        advertiser=owner.advertiser, url="https://hooks.example/x", events=["job.failed"], secret=generate_secret()
    )
    target = TargetFactory(advertiser=owner.advertiser, identifier="bad")
    job = followers_job(owner.advertiser, [target], max_retries=1)
    job = run_to_end(job)
    assert job.status == ScrapeJob.Status.PENDING  # retried: back in the queue with backoff
    assert job.dispatch.retries_used == 1
    job = run_to_end(job)
    assert job.status == ScrapeJob.Status.FAILED
    assert "Every target failed" in job.error
    assert actors.count("POST", "/v2/acts/") == 2
    assert WebhookDelivery.objects.filter(webhook__advertiser=owner.advertiser, event="job.failed").count() == 1


def test_a_kind_no_connector_can_do_fails_at_once(owner, serve):
    graph = serve(FakeGraphAPI({}, {}))
    graph_credential(owner.advertiser, graph)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(followers_job(owner.advertiser, [target]))
    assert job.status == ScrapeJob.Status.FAILED
    assert "No configured connector can fetch followers on instagram" in job.error
    assert graph.calls == []
    assert job.dispatch.retries_used == 0  # not retried: nothing could ever do it


def test_graph_hashtag_quota_is_counted_per_credential(owner, serve):
    graph = serve(FakeGraphAPI({"one": MEDIA[:1], "two": MEDIA[:1]}, ACCOUNTS))
    graph_credential(owner.advertiser, graph, hashtag_quota=1)
    first = TargetFactory(advertiser=owner.advertiser, identifier="#one", target_type="hashtag")
    second = TargetFactory(advertiser=owner.advertiser, identifier="#two", target_type="hashtag")
    job = lifecycle.create_job(
        advertiser_id=owner.advertiser.pk, kind="hashtag", targets=[first, second], max_retries=0
    )
    lifecycle.queue_job(job)
    job = run_to_end(job)
    units = sorted(JobUnit.objects.filter(job=job), key=lambda unit: unit.status)
    assert [unit.status for unit in units] == [JobUnit.Status.DONE, JobUnit.Status.FAILED]
    assert "has used its 1 unique hashtags of the last 7 days" in units[1].error
    assert graph.count("GET", "/v21.0/ig_hashtag_search") == 1


# ---------------------------------------------------------------------------------------
# Caps, dedupe, idempotency
# ---------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_caps_are_exact_with_targets_in_parallel(advertiser, serve):
    data = {f"acct{i}": follower_items(f"acct{i}", 500) for i in range(4)}
    actors = serve(FakeActorAPI(data, polls_before_done=0, item_delay=0.02))
    actor_credential(advertiser, actors)
    targets = [TargetFactory(advertiser=advertiser, identifier=name) for name in data]
    job = followers_job(advertiser, targets, max_leads=700, max_leads_per_target=250, speed_mode="aggressive")
    claim.claim_next_job("w")
    runners = run.start_job(job.pk, "w")
    assert runners == 6

    def runner(number: int) -> None:
        try:
            run.run_units(job.pk, number)
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(number,)) for number in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED
    assert job.leads_stored == 700
    assert Lead.objects.filter(job=job).count() == 700
    per_target = [unit.leads_stored for unit in JobUnit.objects.filter(job=job)]
    assert all(stored <= 250 for stored in per_target) and sum(per_target) == 700
    for unit in JobUnit.objects.filter(job=job):
        assert Lead.objects.filter(job=job, target=unit.target).count() == unit.leads_stored


def test_leads_are_deduplicated_across_targets_and_reruns(owner, serve):
    shared = follower_items("shared", 50)
    actors = serve(FakeActorAPI({"a": shared + follower_items("a", 10), "b": shared + follower_items("b", 10)}))
    actor_credential(owner.advertiser, actors)
    a = TargetFactory(advertiser=owner.advertiser, identifier="a")
    b = TargetFactory(advertiser=owner.advertiser, identifier="b")
    job = run_to_end(followers_job(owner.advertiser, [a, b]))
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 70
    assert job.leads_stored == 70

    lifecycle.queue_job(job)
    job = run_to_end(job)
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 70
    assert job.leads_stored == 70
    counts = LeadCount.objects.filter(advertiser=owner.advertiser)
    assert sum(row.count for row in counts) == 70  # the trigger-kept counts follow the upserts


def test_a_page_stored_twice_changes_nothing(owner, serve):
    """What a redelivered task does after a crash between storing a page and acknowledging it."""
    from leads.connectors import Page, Profile

    target = TargetFactory(advertiser=owner.advertiser, identifier="x")
    job = followers_job(owner.advertiser, [target], max_leads=3)
    claim.claim_next_job("w")
    ScrapeJob.objects.filter(pk=job.pk).update(status=ScrapeJob.Status.RUNNING)
    unit = JobUnit.objects.create(job=job, target=target, status=JobUnit.Status.RUNNING, runner=0)
    page = Page(
        profiles=[Profile(platform="instagram", username=f"user{i}", followers=10) for i in range(5)], next_cursor="2"
    )
    first = run.store_page(job.pk, unit.pk, page)
    again = run.store_page(job.pk, unit.pk, page)
    job.refresh_from_db()
    assert first.leads_added == 3 and again.leads_added == 0
    assert job.leads_stored == 3 and Lead.objects.filter(advertiser=owner.advertiser).count() == 3


# ---------------------------------------------------------------------------------------
# Queue: priority, fair share, cancel, schedules, enqueue after commit
# ---------------------------------------------------------------------------------------
def test_higher_priority_is_claimed_first_and_worker_is_recorded(advertiser):
    low = JobFactory(advertiser=advertiser, priority=0)
    high = JobFactory(advertiser=advertiser, priority=10)
    middle = JobFactory(advertiser=advertiser, priority=5)
    for job in (low, high, middle):
        lifecycle.queue_job(job)
    first = claim.claim_next_job("worker-a")
    second = claim.claim_next_job("worker-b")
    assert [first.pk, second.pk] == [high.pk, middle.pk]
    assert first.status == ScrapeJob.Status.ASSIGNED and first.worker_id == "worker-a"
    assert claim.claim_next_job("worker-c") is None  # the advertiser's cap (2) is reached
    ScrapeJob.objects.filter(pk=first.pk).update(status=ScrapeJob.Status.COMPLETED)
    assert claim.claim_next_job("worker-c").pk == low.pk


def test_fair_share_lets_another_advertiser_through(advertiser, other_advertiser, settings):
    settings.LEADS_MAX_RUNNING_JOBS_PER_ADVERTISER = 1
    big = [JobFactory(advertiser=advertiser, priority=100) for _ in range(3)]
    small = JobFactory(advertiser=other_advertiser, priority=0)
    for job in [*big, small]:
        lifecycle.queue_job(job)
    claimed = [claim.claim_next_job("w").pk, claim.claim_next_job("w").pk]
    assert claimed == [big[0].pk, small.pk]
    assert claim.claim_next_job("w") is None


def test_queueing_inside_a_rolled_back_transaction_publishes_nothing(advertiser, django_capture_on_commit_callbacks):
    from django.db import transaction

    job = JobFactory(advertiser=advertiser)
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                lifecycle.queue_job(job)
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert callbacks == []
    job.refresh_from_db()
    assert job.dispatch.queued_at is None


def test_cancelling_a_running_job_stops_its_runners(owner, serve):
    actors = serve(FakeActorAPI({"nike": follower_items("nike", 600)}, polls_before_done=0))
    actor_credential(owner.advertiser, actors)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = followers_job(owner.advertiser, [target])
    claim.claim_next_job("w")
    run.start_job(job.pk, "w")
    pages = {"n": 0}

    def stop_after_first_page() -> bool:
        pages["n"] += 1
        if pages["n"] == 3:
            lifecycle.cancel_job(job)
        return False

    run.run_units(job.pk, 0, should_stop=stop_after_first_page)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.CANCELLED
    assert 0 < Lead.objects.filter(advertiser=owner.advertiser).count() < 600


def test_schedule_is_a_beat_periodic_task_and_a_repeat_is_a_noop(owner):
    from django_celery_beat.models import PeriodicTask

    target = TargetFactory(advertiser=owner.advertiser)
    client = owner.client()
    created = client.post(
        "/api/v1/jobs",
        {"job_type": "followers", "target_ids": [target.pk], "schedule": {"crontab": "0 6 * * 1"}, "max_retries": 2},
        format="json",
    ).json()["data"]
    assert created["schedule"] == {"interval_seconds": None, "crontab": "0 6 * * 1"} and created["max_retries"] == 2
    task = PeriodicTask.objects.get(name=f"scrape-job-{created['id']}")
    assert task.task == "leads.queue_scheduled_scrape_job" and task.expire_seconds

    response = client.put(f"/api/v1/jobs/{created['id']}/schedule", {"interval_seconds": 3600}, format="json")
    assert response.json()["data"]["schedule"] == {"interval_seconds": 3600, "crontab": None}
    lifecycle.queue_scheduled_job(created["id"])
    lifecycle.queue_scheduled_job(created["id"])
    assert ScrapeJob.objects.get(pk=created["id"]).dispatch.queued_at is not None
    assert client.delete(f"/api/v1/jobs/{created['id']}/schedule").json()["data"]["schedule"] is None
    assert not PeriodicTask.objects.filter(name=f"scrape-job-{created['id']}").exists()


def test_job_tasks_are_late_acknowledged():
    from leads import tasks

    for task in (tasks.run_next_scrape_job, tasks.start_scrape_job, tasks.run_scrape_job_runner):
        assert task.acks_late and task.reject_on_worker_lost


def test_connector_secrets_are_encrypted_at_rest(advertiser):
    credential = ConnectorCredential(advertiser=advertiser, name="x", provider="hosted_scraper")
    credential.set_secret("apify_api_verysecret")
    credential.save()
    stored = ConnectorCredential.objects.filter(pk=credential.pk).values_list("secret_encrypted", flat=True).get()
    assert "verysecret" not in stored
    assert ConnectorCredential.objects.get(pk=credential.pk).secret == "apify_api_verysecret"


def test_requests_rotate_through_the_proxy_pool_and_record_blocks(owner, serve):
    from leads.models import Proxy

    actors = serve(FakeActorAPI({"nike": follower_items("nike", 5)}, polls_before_done=0))
    actor_credential(owner.advertiser, actors)
    # The fake API answers absolute-URI proxy requests too, so it serves as a working proxy.
    dead = Proxy.objects.create(url="http://127.0.0.1:9")
    alive = Proxy.objects.create(url=actors.url)
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(followers_job(owner.advertiser, [target]))
    assert job.status == ScrapeJob.Status.COMPLETED
    assert Lead.objects.filter(advertiser=owner.advertiser).count() == 5
    dead.refresh_from_db()
    alive.refresh_from_db()
    assert dead.failure_count >= 1 and alive.success_count >= 1


def test_rate_limit_follows_the_speed_mode(settings, connector_clock):
    from leads.connectors.http import RateLimiter, SpeedLimits

    settings.LEADS_SPEED_MODES = {"safe": {"requests_per_second": 4, "concurrency": 1}}
    limiter = RateLimiter("test-credential", SpeedLimits.for_mode("safe").requests_per_second)
    started = time.time()
    for _ in range(9):
        limiter.acquire()
    # 9 requests at 4/s wait for two window changes: the clock crosses into a third one-second window.
    assert len(connector_clock.waits) == 2
    assert time.time() - started >= 1.0


def test_link_in_bio_pages_add_emails_through_the_web_connector(owner, serve):
    from .fakes import FakeServer

    site = serve(FakeServer())
    site.routes[("GET", "/links")] = lambda query, body: Reply(
        200,
        raw=b'<html><body><a href="mailto:Bookings@Creator.example?subject=hi">Mail</a> '
        b'<a href="tel:+44 20 7946 0123">Call</a></body></html>',
    )
    items = follower_items("nike", 3)
    for item in items:
        item["biography"] = "Creator, links below"  # no e-mail in any bio
        item["external_url"] = f"{site.url}/links"
    actors = serve(FakeActorAPI({"nike": items}))
    actor_credential(owner.advertiser, actors)
    ConnectorCredential.objects.create(
        advertiser=owner.advertiser, name="web", provider=ConnectorCredential.Provider.WEB
    )
    target = TargetFactory(advertiser=owner.advertiser, identifier="nike")
    job = run_to_end(followers_job(owner.advertiser, [target], filters={"has_email": True}))
    assert job.status == ScrapeJob.Status.COMPLETED
    leads = Lead.objects.filter(advertiser=owner.advertiser)
    assert leads.count() == 3
    assert {lead.emails for lead in leads} == {"bookings@creator.example"}
    assert {lead.phones for lead in leads} == {"+442079460123"} and all(lead.outreach_ready for lead in leads)
    assert site.count("GET", "/links") == 3


def test_the_web_connector_refuses_private_addresses(owner, settings):
    from leads.connectors import Profile, SpeedLimits
    from leads.connectors.web import WebConnector

    settings.SCRAPER_ALLOWED_NETWORKS = ""
    credential = ConnectorCredential.objects.create(advertiser=owner.advertiser, name="web", provider="web")
    connector = WebConnector(credential, SpeedLimits.for_mode("normal"))
    for url in ("http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/"):
        profile = connector.enrich(Profile(platform="instagram", username="x", website=url))
        assert profile.emails == []


# ---------------------------------------------------------------------------------------
# A suspended advertiser's jobs wait
# ---------------------------------------------------------------------------------------
def test_a_suspended_advertisers_queued_job_is_not_claimed(advertiser):
    from accounts.services import suspend_advertiser

    followers_job(advertiser, [TargetFactory(advertiser=advertiser)])
    suspend_advertiser(advertiser)
    assert (claim.claim_next_job("w"), claim.due_queued_job_count()) == (None, 0)


def test_a_reactivated_advertisers_queued_job_is_claimed(advertiser):
    from accounts.services import reactivate_advertiser, suspend_advertiser

    job = followers_job(advertiser, [TargetFactory(advertiser=advertiser)])
    suspend_advertiser(advertiser)
    reactivate_advertiser(advertiser)
    assert claim.claim_next_job("w").pk == job.pk


def test_beat_skips_a_suspended_advertisers_schedule(advertiser):
    from accounts.services import suspend_advertiser

    job = lifecycle.create_job(
        advertiser_id=advertiser.pk, kind="followers", targets=[TargetFactory(advertiser=advertiser)], name="scheduled"
    )
    suspend_advertiser(advertiser)
    lifecycle.queue_scheduled_job(job.pk)
    job.dispatch.refresh_from_db()
    assert job.dispatch.queued_at is None
