"""Demo data for the web scraper: jobs with results and a webhook with its deliveries, all on the demo site.

Every URL is the platform's own demo site (`leads.demo_site`, under `SITE_URL`), so a crawl
or a webhook delivery of the demo advertiser never leaves the machine. Idempotent: jobs are
found by name per advertiser, results by (job, url), the webhook by the demo site's receiver
path. The demo jobs are not run; their rows look as a finished run leaves them, and none is
left running.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Advertiser
from leads.demo_site import CATALOGUE, demo_site_url
from leads.jobs.demo_state import clear_run_leftovers, run_fields
from leads.models import Platform, Proxy, ScrapeJob, Webhook, WebhookDelivery, WebResult
from leads.webhooks import generate_secret, job_event_data

SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}
JOBS = [
    # name, demo-site path, status, engine, priority, pages stored, failed, progress
    ("Demo: outdoor catalogue", "/products/", ScrapeJob.Status.COMPLETED, "http", 1, 12, 1, 100.0),
    ("Demo: tents", "/products/?category=tents", ScrapeJob.Status.COMPLETED, "auto", 0, 3, 0, 100.0),
    ("Demo: team page (browser)", "/team/", ScrapeJob.Status.PENDING, "browser", 0, 0, 0, 0.0),
    ("Demo: retired shop", "/retired-shop/", ScrapeJob.Status.FAILED, "http", -1, 0, 1, 0.0),
    ("Demo: stopped crawl", "/products/?category=boots", ScrapeJob.Status.CANCELLED, "http", -1, 2, 0, 30.0),
]
# Earlier demo data: a job left running with no worker on it, proxies and a webhook on outside hosts.
RETIRED_JOBS = ["Demo: tents (running)", "Demo: app store (browser)"]
RETIRED_PROXIES = ["http://proxy-1.example:3128", "http://proxy-2.example:3128", "http://proxy-3.example:3128"]
RETIRED_WEBHOOK_URL = "https://hooks.acme.example/scraper"


def _job(advertiser: Advertiser, spec, now) -> ScrapeJob:
    name, path, status, engine, priority, stored, failed, progress = spec
    started = now - timedelta(hours=2) if status != ScrapeJob.Status.PENDING else None
    finished = now - timedelta(hours=1) if status in ScrapeJob.FINISHED else None
    job, _ = ScrapeJob.objects.update_or_create(
        advertiser=advertiser,
        kind=ScrapeJob.Kind.WEB,
        name=name,
        defaults={
            "platform": Platform.WEB,
            "url": demo_site_url().rstrip("/") + path,
            "status": status,
            "engine": engine,
            "priority": priority,
            "selectors": SELECTORS,
            "config": {"max_pages": 50, "follow_links": True},
            "progress": progress,
            "items_scraped": stored,
            "items_failed": failed,
            "leads_stored": 0,
            "assigned_at": started,
            "started_at": started,
            "completed_at": finished,
            "error": "The start page could not be scraped (HTTP 404)." if status == ScrapeJob.Status.FAILED else "",
            **run_fields(status),
        },
    )
    clear_run_leftovers(job)
    category = path.partition("category=")[2]
    products = [product for product in CATALOGUE if not category or product.category == category][:stored]
    WebResult.objects.bulk_create(
        [
            WebResult(
                job=job,
                url=demo_site_url("demo_site:product", product.slug),
                data={"title": product.name, "price": f"£{product.price}"},
                scraped_at=(started or now) + timedelta(seconds=n),
            )
            for n, product in enumerate(products, start=1)
        ],
        ignore_conflicts=True,
    )
    return job


def _demo_webhook(advertiser: Advertiser) -> Webhook:
    """The demo advertiser's one webhook to the demo site, now at `SITE_URL`.

    Found by the demo site's receiver path whatever address an earlier seed gave it (the
    platform may have moved port since); copies that earlier seeds left are deleted.
    """
    url = demo_site_url("demo_site:webhook")
    earlier = Webhook.objects.filter(advertiser=advertiser).filter(
        Q(url__endswith=reverse("demo_site:webhook")) | Q(url=RETIRED_WEBHOOK_URL)
    )
    webhook = earlier.order_by("id").first()
    if webhook is None:
        return Webhook.objects.create(
            advertiser=advertiser, url=url, events=list(Webhook.Event.values), secret=generate_secret()
        )
    earlier.exclude(pk=webhook.pk).delete()
    if webhook.url != url:
        webhook.url = url
        webhook.save(update_fields=["url"])
    return webhook


def seed(credentials: dict) -> None:
    now = timezone.now()
    # The crawls of the demo go straight to the demo site: an active proxy would route them elsewhere.
    Proxy.objects.filter(url__in=RETIRED_PROXIES).delete()
    advertiser = Advertiser.objects.filter(contact_email="owner@acme.example").first()
    if advertiser is None:
        return
    ScrapeJob.objects.filter(advertiser=advertiser, kind=ScrapeJob.Kind.WEB, name__in=RETIRED_JOBS).delete()
    jobs = [_job(advertiser, spec, now) for spec in JOBS]
    webhook = _demo_webhook(advertiser)
    for job, event, status, code in (
        (jobs[0], "job.completed", WebhookDelivery.Status.SUCCEEDED, 200),
        (jobs[3], "job.failed", WebhookDelivery.Status.FAILED, 503),  # a past outage of the endpoint
    ):
        if not WebhookDelivery.objects.filter(
            webhook=webhook, event=event, payload__data__id=str(job.public_id)
        ).exists():
            WebhookDelivery.objects.create(
                webhook=webhook,
                event=event,
                status=status,
                response_status=code,
                attempts=1 if status == WebhookDelivery.Status.SUCCEEDED else 8,
                payload={"type": event, "timestamp": now.isoformat(), "data": job_event_data(job)},
                delivered_at=now if status == WebhookDelivery.Status.SUCCEEDED else None,
                last_error="" if status == WebhookDelivery.Status.SUCCEEDED else "HTTP 503",
            )
    credentials["web_scraper"] = {"advertiser": advertiser.name, "jobs": [str(job.public_id) for job in jobs]}
