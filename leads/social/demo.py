"""Demo data for social lead generation: credentials, targets, jobs in every status, leads, content items.

Idempotent: rows are found by natural keys (target identifier, job name, lead username,
post id) and updated in place. The one connector credential is the offline sandbox, so a
job created on the demo advertisers runs without any provider. The demo rows are not run:
they are finished, failed, cancelled or pending as a run would leave them, never
assigned or running (those would block the advertiser's job slots with no worker on them).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Advertiser
from leads.connectors import sandbox
from leads.connectors.base import Post, Profile
from leads.ingest import LeadSource, upsert_content_items, upsert_leads, with_contacts
from leads.jobs.demo_state import clear_run_leftovers, run_fields
from leads.models import ConnectorCredential, JobDispatch, ScrapeJob, Target

TARGETS = [
    ("#fitness", Target.Type.HASHTAG, "instagram"),
    ("#veganrecipes", Target.Type.HASHTAG, "instagram"),
    ("nike", Target.Type.FOLLOWERS, "instagram"),
    ("gymshark", Target.Type.FOLLOWING, "instagram"),
    ("fail-deleted-post", Target.Type.LIKERS, "instagram"),
    ("123456789", Target.Type.GROUP, "facebook"),
]

JOBS = [
    # name, kind, status, target identifiers, stored, progress
    ("Fitness hashtags", ScrapeJob.Kind.HASHTAG, ScrapeJob.Status.COMPLETED, ["#fitness", "#veganrecipes"], 6, 100.0),
    ("Nike followers", ScrapeJob.Kind.FOLLOWERS, ScrapeJob.Status.COMPLETED, ["nike"], 4, 100.0),
    ("Gymshark following", ScrapeJob.Kind.FOLLOWING, ScrapeJob.Status.PENDING, ["gymshark"], 0, 0.0),
    ("Post likers", ScrapeJob.Kind.LIKERS, ScrapeJob.Status.FAILED, ["fail-deleted-post"], 0, 0.0),
    ("Queued followers", ScrapeJob.Kind.FOLLOWERS, ScrapeJob.Status.PENDING, ["nike"], 0, 0.0),
    ("Cancelled hashtags", ScrapeJob.Kind.HASHTAG, ScrapeJob.Status.CANCELLED, ["#fitness"], 1, 20.0),
]

SANDBOX_CREDENTIAL = "Demo sandbox"
RETIRED_CREDENTIALS = ["Demo Instagram account", "Demo hosted scraper"]
RETIRED_TARGETS = ["https://www.instagram.com/p/C0demo123/"]

PROFILES = [
    ("fitness_guru", "Fitness Guru", "Coach · contact@fitnessguru.example · +44 20 7946 0958", 50000, True, True),
    ("vegan_kitchen", "Vegan Kitchen", "Plant-based recipes. Collabs: hello@vegankitchen.example", 12800, False, True),
    ("run_with_ana", "Ana Runs", "Marathons and coffee", 3400, False, False),
    ("lift_heavy", "Lift Heavy Co", "Strength gear · +1 (415) 555-0199", 88000, True, True),
    ("yoga_daily", "Yoga Daily", "Daily flows. yoga@daily.example", 21000, False, False),
    ("mealprep_pro", "Meal Prep Pro", "", 640, False, False),
]


def seed(credentials: dict) -> None:
    now = timezone.now()
    for advertiser in Advertiser.objects.filter(contact_email__in=["owner@acme.example", "owner@globex.example"]):
        _seed_advertiser(advertiser, now)
    credentials.setdefault("notes", []).append(
        "Social leads: demo targets, finished, failed, cancelled and pending jobs, leads and content items per "
        "demo advertiser; the connector credential is the offline sandbox (fake data, no provider is called)."
    )


def _seed_advertiser(advertiser: Advertiser, now) -> None:
    # Earlier demo data held placeholder credentials of real providers; a job picking one
    # called the provider's public API. They go, with the target that was a provider URL.
    ConnectorCredential.objects.filter(advertiser=advertiser, name__in=RETIRED_CREDENTIALS).delete()
    Target.objects.filter(advertiser=advertiser, identifier__in=RETIRED_TARGETS).delete()
    ConnectorCredential.objects.update_or_create(
        advertiser=advertiser,
        provider=ConnectorCredential.Provider.SANDBOX,
        name=SANDBOX_CREDENTIAL,
        defaults={"platform": "instagram", "active": True, "base_url": ""},
    )

    targets = {}
    for identifier, target_type, platform in TARGETS:
        targets[identifier], _ = Target.objects.update_or_create(
            advertiser=advertiser,
            platform=platform,
            target_type=target_type,
            identifier=identifier,
            defaults={"status": Target.Status.ACTIVE},
        )

    jobs = {}
    for index, (name, kind, status, identifiers, stored, progress) in enumerate(JOBS):
        created = now - timedelta(hours=len(JOBS) - index)
        finished = status in ScrapeJob.FINISHED
        job, _ = ScrapeJob.objects.update_or_create(
            advertiser=advertiser,
            name=name,
            defaults={
                "kind": kind,
                "status": status,
                "platform": "instagram",
                "leads_stored": stored,
                "progress": progress,
                "items_scraped": stored * 3,
                "items_failed": 0,
                "max_leads": 1000,
                "max_leads_per_target": 500,
                "filters": {"min_followers": 500},
                "created_at": created,
                "assigned_at": created if status != ScrapeJob.Status.PENDING else None,
                "started_at": created + timedelta(minutes=1)
                if status not in (ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED)
                else None,
                "completed_at": created + timedelta(minutes=20) if finished else None,
                "error": "Every target failed: " + sandbox.failure_message(identifiers[0])
                if status == ScrapeJob.Status.FAILED
                else "",
                **run_fields(status),
            },
        )
        job.targets.set([targets[identifier] for identifier in identifiers])
        # Not queued: a demo job runs only when someone runs it.
        JobDispatch.objects.get_or_create(job=job)
        clear_run_leftovers(job)
        jobs[name] = job

    group_job, _ = ScrapeJob.objects.update_or_create(
        advertiser=advertiser,
        name="Laravel Developers Vietnam",
        defaults={
            "kind": ScrapeJob.Kind.GROUP_POSTS,
            "platform": "facebook",
            "status": ScrapeJob.Status.COMPLETED,
            "group_id": "123456789",
            "group_name": "Laravel Developers Vietnam",
            "max_posts": 100,
            "priority": 5,
            "items_scraped": 3,
            "progress": 100.0,
            "created_at": now - timedelta(hours=2),
            "assigned_at": now - timedelta(hours=2),
            "started_at": now - timedelta(hours=2),
            "completed_at": now - timedelta(hours=2) + timedelta(seconds=120),
            "error": "",
            **run_fields(ScrapeJob.Status.COMPLETED),
        },
    )
    group_job.targets.set([targets["123456789"]])
    JobDispatch.objects.get_or_create(job=group_job)
    clear_run_leftovers(group_job)

    hashtag_job = jobs["Fitness hashtags"]
    profiles = [
        with_contacts(
            Profile(platform="instagram", username=u, full_name=n, bio=b, followers=f, is_verified=v, is_business=biz)
        )
        for u, n, b, f, v, biz in PROFILES
    ]
    upsert_leads(
        LeadSource(
            advertiser.pk, source_type=Target.Type.HASHTAG, job_id=hashtag_job.pk, target_id=targets["#fitness"].pk
        ),
        profiles,
        now=now,
    )
    posts = [
        Post(
            platform="instagram",
            post_id=f"demo{index}",
            username=u,
            author=n,
            text=f"{b[:40]} #fitness",
            likes=f // 20 + index,
            comments=f // 500,
            views=f // 5,
            author_followers=f,
            posted_at=now - timedelta(days=index),
        )
        for index, (u, n, b, f, _, _) in enumerate(PROFILES)
    ]
    upsert_content_items(advertiser.pk, posts, job_id=hashtag_job.pk, now=now)
    group_posts = [
        Post(
            platform="facebook",
            post_id=f"post_{index}",
            author=author,
            text=text,
            likes=25 - index,
            comments=5,
            shares=2,
            posted_at=now - timedelta(days=1, hours=index),
        )
        for index, (author, text) in enumerate(
            [
                ("John Doe", "Sample post content"),
                ("Lan Nguyen", "Laravel 11 queues tips"),
                ("Minh Tran", "Hiring PHP devs"),
            ]
        )
    ]
    upsert_content_items(advertiser.pk, group_posts, job_id=group_job.pk, now=now)
