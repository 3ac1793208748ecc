"""Demo data for social lead generation: credentials, targets, jobs in every status, leads, content items.

Idempotent: rows are found by natural keys (target identifier, job name, lead username,
post id) and updated in place. Connector secrets are demo placeholders; the demo jobs are
not run (their counters are set as a finished run would leave them).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Advertiser

from .connectors.base import Post, Profile
from .ingest import LeadSource, upsert_content_items, upsert_leads, with_contacts
from .models import ConnectorCredential, JobPlan, ScrapeJob, Target

TARGETS = [
    ("#fitness", Target.Type.HASHTAG, "instagram"),
    ("#veganrecipes", Target.Type.HASHTAG, "instagram"),
    ("nike", Target.Type.FOLLOWERS, "instagram"),
    ("gymshark", Target.Type.FOLLOWING, "instagram"),
    ("https://www.instagram.com/p/C0demo123/", Target.Type.LIKERS, "instagram"),
    ("123456789", Target.Type.GROUP, "facebook"),
]

JOBS = [
    # name, kind, status, target identifiers, stored, progress
    ("Fitness hashtags", ScrapeJob.Kind.HASHTAG, ScrapeJob.Status.COMPLETED, ["#fitness", "#veganrecipes"], 6, 100.0),
    ("Nike followers", ScrapeJob.Kind.FOLLOWERS, ScrapeJob.Status.RUNNING, ["nike"], 4, 40.0),
    ("Gymshark following", ScrapeJob.Kind.FOLLOWING, ScrapeJob.Status.PENDING, ["gymshark"], 0, 0.0),
    ("Post likers", ScrapeJob.Kind.LIKERS, ScrapeJob.Status.FAILED, ["https://www.instagram.com/p/C0demo123/"], 0, 0.0),
    ("Queued followers", ScrapeJob.Kind.FOLLOWERS, ScrapeJob.Status.ASSIGNED, ["nike"], 0, 0.0),
    ("Cancelled hashtags", ScrapeJob.Kind.HASHTAG, ScrapeJob.Status.CANCELLED, ["#fitness"], 1, 20.0),
]

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
        "Social leads: demo targets, jobs in every status, leads and content items per demo advertiser; "
        "connector credentials hold placeholder secrets (configure real ones in admin)."
    )


def _seed_advertiser(advertiser: Advertiser, now) -> None:
    graph, _ = ConnectorCredential.objects.update_or_create(
        advertiser=advertiser,
        provider=ConnectorCredential.Provider.INSTAGRAM_GRAPH,
        name="Demo Instagram account",
        defaults={"account_id": "17841400000000000", "platform": "instagram"},
    )
    graph.set_secret("demo-graph-token")
    graph.save(update_fields=["secret_encrypted"])
    hosted, _ = ConnectorCredential.objects.update_or_create(
        advertiser=advertiser,
        provider=ConnectorCredential.Provider.HOSTED_SCRAPER,
        name="Demo hosted scraper",
        defaults={
            "platform": "instagram",
            "actors": {
                "followers": {"actor_id": "demo~instagram-followers"},
                "following": {"actor_id": "demo~instagram-followers"},
                "likers": {"actor_id": "demo~instagram-likers"},
            },
        },
    )
    hosted.set_secret("demo-hosted-token")
    hosted.save(update_fields=["secret_encrypted"])

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
                "max_leads": 1000,
                "max_leads_per_target": 500,
                "filters": {"min_followers": 500},
                "created_at": created,
                "worker_id": "demo-worker" if status != ScrapeJob.Status.PENDING else "",
                "assigned_at": created if status != ScrapeJob.Status.PENDING else None,
                "started_at": created + timedelta(minutes=1)
                if status not in (ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED)
                else None,
                "completed_at": created + timedelta(minutes=20) if finished else None,
                "error": "The provider's run ended FAILED." if status == ScrapeJob.Status.FAILED else "",
            },
        )
        job.targets.set([targets[identifier] for identifier in identifiers])
        JobPlan.objects.get_or_create(job=job)
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
            "worker_id": "demo-worker",
            "created_at": now - timedelta(hours=2),
            "assigned_at": now - timedelta(hours=2),
            "started_at": now - timedelta(hours=2),
            "completed_at": now - timedelta(hours=2) + timedelta(seconds=120),
        },
    )
    group_job.targets.set([targets["123456789"]])
    JobPlan.objects.get_or_create(job=group_job)

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
