"""Demo campaigns: categories, locations, exchange rates, a campaign in every status for each
demo advertiser, tasks in every status for the demo influencers, payments and invoices.

Every demo influencer is left something to do in the influencer app: an active campaign
nobody is seeded into ("Open Call") and a pending task they can complete.

Runs after accounts.demo. Idempotent: rows are found by natural keys; tasks that already
exist keep whatever state they have reached, except that a seeded pending task whose
deadline has passed gets a fresh one; payments go through `tasks.services.pay_task`.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Advertiser, Publisher
from tasks.models import Submission, Task
from tasks.services import pay_task

from .models import Campaign, Category, City, Country, ExchangeRate, Invoice

CATEGORIES = ["Fashion", "Beauty", "Technology", "Food", "Travel", "Fitness"]
LOCATIONS = {
    ("United States", "US", "USD"): ["New York", "Los Angeles", "Chicago"],
    ("Germany", "DE", "EUR"): ["Berlin", "Munich"],
    ("United Kingdom", "GB", "GBP"): ["London", "Manchester"],
    ("France", "FR", "EUR"): ["Paris", "Lyon"],
}
RATES = [("EUR", "USD", "1.08000000"), ("GBP", "USD", "1.27000000"), ("GBP", "EUR", "1.17000000")]

# (status, name, category, featured/leaderboard, pre-registration, post-registration)
CAMPAIGNS = [
    (Campaign.Status.DRAFT, "Autumn Preview", "Fashion", False, False, False),
    (Campaign.Status.PENDING, "Winter Launch", "Beauty", False, True, False),
    (Campaign.Status.ACTIVE, "Summer Style", "Fashion", True, False, False),
    (Campaign.Status.PAUSED, "Gadget Week", "Technology", False, False, False),
    (Campaign.Status.COMPLETED, "Spring Recipes", "Food", True, False, True),
    (Campaign.Status.CANCELLED, "City Breaks", "Travel", False, False, False),
    # Active ones the demo influencers are partly (Fresh Drop) or not at all (Open Call) seeded into.
    (Campaign.Status.ACTIVE, "Fresh Drop", "Beauty", False, False, False),
    (Campaign.Status.ACTIVE, "Open Call", "Fitness", True, False, False),
]

# (campaign name, publisher username, task status, reach, engagement)
TASKS = [
    ("Summer Style", "anna", Task.Status.PENDING, 0, 0),
    ("Summer Style", "ben", Task.Status.UNDER_REVIEW, 0, 0),
    ("Summer Style", "carla", Task.Status.ACCEPTED, 4200, 310),
    ("Spring Recipes", "anna", Task.Status.PAID, 8100, 640),
    ("Spring Recipes", "ben", Task.Status.REJECTED, 0, 0),
    ("Spring Recipes", "carla", Task.Status.LEFT, 0, 0),
    ("Gadget Week", "anna", Task.Status.UNDER_REVIEW, 0, 0),
    ("Fresh Drop", "ben", Task.Status.PENDING, 0, 0),
    ("Fresh Drop", "carla", Task.Status.PENDING, 0, 0),
]
#: How long a seeded pending task stays open: refreshed on every run once it has run out.
PENDING_TASK_TIME = timedelta(days=1)


def _lookups() -> None:
    for name in CATEGORIES:
        Category.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for (name, code, currency), cities in LOCATIONS.items():
        country, _ = Country.objects.update_or_create(code=code, defaults={"name": name, "currency_code": currency})
        for city in cities:
            City.objects.get_or_create(country=country, name=city)
    for base, quote, rate in RATES:
        ExchangeRate.objects.update_or_create(base=base, quote=quote, defaults={"rate": Decimal(rate)})


def _campaigns(advertiser: Advertiser) -> dict[str, Campaign]:
    now = timezone.now()
    campaigns = {}
    for status, name, category, featured, pre, post in CAMPAIGNS:
        ended = status in (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED)
        campaign, _ = Campaign.objects.update_or_create(
            advertiser=advertiser,
            name=f"{advertiser.name}: {name}",
            defaults={
                "type": Campaign.Type.INFLUENCER,
                "status": status,
                "tagline": f"{name} with {advertiser.name}",
                "description": f"<p>Show your followers our <strong>{name.lower()}</strong> collection.</p>"
                "<h3>Requirements</h3><ul><li>Use the hashtags</li><li>Tag the brand</li></ul>",
                "hashtags": [f"#{slugify(name).replace('-', '')}", f"#{slugify(advertiser.name).replace('-', '')}"],
                "networks": ["instagram", "facebook"],
                "currency": advertiser.currency,
                "category": Category.objects.get(slug=slugify(category)),
                "date_start": now - timedelta(days=40 if ended else 5),
                "date_end": now - timedelta(days=2) if ended else now + timedelta(days=30),
                "task_title": f"Post about {name}",
                "task_description": f"One post about {name}.",
                "task_requirements": "Include the hashtags and tag the brand.",
                "task_time": 72,
                "minimum_reward": Decimal("25.00"),
                "post_rate": Decimal("30.00"),
                "bonus_active": True,
                "promo_reach_bonus": Decimal("50.00"),
                "promo_engagement_rate_bonus": Decimal("25.00"),
                "promo_best_post_bonus": Decimal("100.00"),
                "reach_bonus_threshold": 5000,
                "engagement_rate_bonus_threshold": Decimal("5.00"),
                "budget": Decimal("5000.00"),
                "tasks_featured": featured,
                "tasks_leaderboard": featured,
                "pre_registration": pre,
                "post_registration": post,
            },
        )
        campaigns[name] = campaign
    return campaigns


def _tasks(campaigns: dict[str, Campaign], owner) -> None:
    now = timezone.now()
    for campaign_name, username, status, reach, engagement in TASKS:
        campaign = campaigns[campaign_name]
        publisher = Publisher.objects.filter(user__username=username).first()
        if publisher is None:
            continue
        wants_payment = status == Task.Status.PAID
        seeded = Task.objects.filter(campaign=campaign, publisher=publisher, custom=False)
        if seeded.exists():
            # Seeded before; the influencer may have left it and joined again since. Only a
            # pending task that ran out of time is reopened, so the demo keeps one to complete.
            if status == Task.Status.PENDING:
                seeded.filter(status=Task.Status.PENDING, deadline__lt=now + timedelta(hours=1)).update(
                    deadline=now + PENDING_TASK_TIME
                )
            continue
        task = Task.objects.create(
            campaign=campaign,
            publisher=publisher,
            custom=False,
            type=campaign.task_type,
            title=campaign.task_title,
            description=campaign.task_description,
            requirements=campaign.task_requirements,
            networks=campaign.networks,
            status=Task.Status.ACCEPTED if wants_payment else status,
            joined_at=now - timedelta(days=3),
            deadline=now + PENDING_TASK_TIME,
            reach=reach,
            engagement=engagement,
            likes=engagement * 4 // 5,
            comments=engagement // 5,
        )
        if status not in (Task.Status.PENDING, Task.Status.LEFT):
            Submission.objects.create(task=task, post_url=f"https://{campaign.networks[0]}.com/p/{username}{task.pk}")
        if wants_payment:
            pay_task(task, owner)


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to 28 so every month has it."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


def _invoices(advertiser: Advertiser) -> None:
    today = timezone.localdate()
    for months_ago, status in (
        (3, Invoice.Status.PAID),
        (2, Invoice.Status.PAID),
        (1, Invoice.Status.OVERDUE),
        (0, Invoice.Status.PENDING),
    ):
        invoice_date = months_before(today, months_ago)
        Invoice.objects.update_or_create(
            number=f"INV-{advertiser.pk:03d}-{invoice_date:%Y%m}",
            defaults={
                "advertiser": advertiser,
                "amount": Decimal("500.00") * (months_ago + 1),
                "currency": advertiser.currency,
                "date": invoice_date,
                "due_date": invoice_date + timedelta(days=30),
                "status": status,
                "paid_at": timezone.now() if status == Invoice.Status.PAID else None,
                "description": f"Influencer payments {invoice_date:%B %Y}",
            },
        )


def seed(credentials: dict) -> None:
    _lookups()
    summary = []
    for spec in credentials.get("advertisers", []):
        advertiser = Advertiser.objects.get(pk=spec["id"])
        campaigns = _campaigns(advertiser)
        owner = advertiser.memberships.order_by("id").first()
        _tasks(campaigns, owner.user if owner else None)
        _invoices(advertiser)
        # One campaign per status (the first of each in CAMPAIGNS), as before there were two active ones.
        by_status: dict[str, int] = {}
        for campaign in campaigns.values():
            by_status.setdefault(str(campaign.status), campaign.pk)
        summary.append({"advertiser_id": advertiser.pk, "campaigns": by_status})
    credentials["campaigns"] = summary
