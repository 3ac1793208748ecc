"""Demo data for the web scraper: jobs in every status with results, proxies, a webhook and its deliveries.

Idempotent: jobs are found by name per advertiser, results by (job, url), proxies by URL,
the webhook by URL. The demo jobs are not run; their rows look as a finished run leaves them.
"""
from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import Advertiser

from .models import Platform, Proxy, ScrapeJob, Webhook, WebhookDelivery, WebResult
from .webhooks import generate_secret, job_event_data

SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}
JOBS = [
    # name, url, status, engine, priority, pages stored, failed, progress
    ("Demo: outdoor catalogue", "https://shop.example/products", ScrapeJob.Status.COMPLETED, "http", 1, 24, 1, 100.0),
    ("Demo: tents (running)", "https://shop.example/tents", ScrapeJob.Status.RUNNING, "auto", 0, 8, 0, 45.5),
    ("Demo: app store (browser)", "https://spa.example/", ScrapeJob.Status.PENDING, "browser", 0, 0, 0, 0.0),
    ("Demo: retired shop", "https://gone.example/", ScrapeJob.Status.FAILED, "http", -1, 0, 1, 0.0),
    ("Demo: stopped crawl", "https://shop.example/boots", ScrapeJob.Status.CANCELLED, "http", -1, 3, 0, 30.0),
]
PROXIES = [
    ("http://proxy-1.example:3128", Proxy.Status.ACTIVE, 940, 32),
    ("http://proxy-2.example:3128", Proxy.Status.ACTIVE, 870, 55),
    ("http://proxy-3.example:3128", Proxy.Status.BANNED, 40, 230),
]


def _job(advertiser: Advertiser, spec, now) -> ScrapeJob:
    name, url, status, engine, priority, stored, failed, progress = spec
    started = now - timedelta(hours=2) if status != ScrapeJob.Status.PENDING else None
    finished = now - timedelta(hours=1) if status in ScrapeJob.FINISHED else None
    job, _ = ScrapeJob.objects.update_or_create(
        advertiser=advertiser, kind=ScrapeJob.Kind.WEB, name=name,
        defaults={
            "platform": Platform.WEB, "url": url, "status": status, "engine": engine, "priority": priority,
            "selectors": SELECTORS, "config": {"max_pages": 50, "follow_links": True}, "progress": progress,
            "items_scraped": stored, "items_failed": failed, "started_at": started, "completed_at": finished,
            "error": "The start page could not be scraped (HTTP 410)." if status == ScrapeJob.Status.FAILED else "",
        },
    )
    base = url.rstrip("/")
    WebResult.objects.bulk_create(
        [
            WebResult(job=job, url=f"{base}/item-{n}", data={"title": f"{name.split(': ')[1].title()} item {n}", "price": f"${19 + n}.99"},
                      scraped_at=(started or now) + timedelta(seconds=n))
            for n in range(1, stored + 1)
        ],
        ignore_conflicts=True,
    )
    return job


def seed(credentials: dict) -> None:
    now = timezone.now()
    for url, status, ok, failed in PROXIES:
        Proxy.objects.update_or_create(
            url=url, defaults={"status": status, "success_count": ok, "failure_count": failed, "last_checked_at": now}
        )
    advertiser = Advertiser.objects.filter(contact_email="owner@acme.example").first()
    if advertiser is None:
        return
    jobs = [_job(advertiser, spec, now) for spec in JOBS]
    webhook = Webhook.objects.filter(advertiser=advertiser, url="https://hooks.acme.example/scraper").first()
    if webhook is None:
        webhook = Webhook.objects.create(
            advertiser=advertiser, url="https://hooks.acme.example/scraper", events=list(Webhook.Event.values),
            secret=generate_secret(),
        )
    for job, event, status, code in (
        (jobs[0], "job.completed", WebhookDelivery.Status.SUCCEEDED, 200),
        (jobs[3], "job.failed", WebhookDelivery.Status.FAILED, 503),
    ):
        if not WebhookDelivery.objects.filter(webhook=webhook, event=event, payload__data__id=str(job.public_id)).exists():
            WebhookDelivery.objects.create(
                webhook=webhook, event=event, status=status, response_status=code,
                attempts=1 if status == WebhookDelivery.Status.SUCCEEDED else 8,
                payload={"type": event, "timestamp": now.isoformat(), "data": job_event_data(job)},
                delivered_at=now if status == WebhookDelivery.Status.SUCCEEDED else None,
                last_error="" if status == WebhookDelivery.Status.SUCCEEDED else "HTTP 503",
            )
    credentials["web_scraper"] = {"advertiser": advertiser.name, "jobs": [str(job.public_id) for job in jobs]}
