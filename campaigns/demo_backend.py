"""Demo data for the backend endpoints: more exchange rates, invoices in every status, notifications,
and three weeks of history (joins, approved posts, payments) from a crowd of influencers, so that
every statistic is non-zero; then the rollups are brought up to yesterday.

Runs after campaigns.demo. Idempotent: influencers, tasks and invoices are found by natural keys;
a task already created keeps whatever state it has reached.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Advertiser, Notification, Publisher, SocialAccount, User
from tasks.models import Payment, Submission, Task
from tasks.services import approve_task, pay_task

from .models import Campaign, Category, City, ExchangeRate, Invoice
from .stats.rollups import roll_up_everything

RATES = [("USD", "JPY", "151.20000000"), ("CHF", "USD", "1.13000000"), ("USD", "CAD", "1.37000000")]
CROWD = 16  # demo influencers "crowd01" …
SEXES = [Publisher.Sex.FEMALE, Publisher.Sex.MALE, Publisher.Sex.FEMALE, Publisher.Sex.OTHER]
CATEGORY_SLUGS = ["fashion", "beauty", "technology", "food", "travel", "fitness"]
NOTIFICATIONS = [
    ("campaign", "A new campaign is open: Summer Style."),
    ("payment", "Your task has been paid."),
    ("account", "Your Instagram account has been approved."),
]
# (days ago, what happens): joined and left pending, submitted, approved, paid, rejected.
HISTORY = ["paid", "accepted", "paid", "rejected", "under_review", "paid", "pending", "accepted"]


def _rates() -> None:
    for base, quote, rate in RATES:
        ExchangeRate.objects.update_or_create(base=base, quote=quote, defaults={"rate": Decimal(rate)})


def _invoices(advertiser: Advertiser) -> None:
    """One invoice in each status (campaigns.demo adds paid, overdue and pending ones)."""
    today = timezone.localdate()
    for days_ago, status in (
        (20, Invoice.Status.DRAFT),
        (50, Invoice.Status.CANCELLED),
        (10, Invoice.Status.PAID),
        (5, Invoice.Status.PENDING),
        (70, Invoice.Status.OVERDUE),
    ):
        day = today - timedelta(days=days_ago)
        Invoice.objects.update_or_create(
            number=f"INV-{advertiser.pk:03d}-B{days_ago:03d}",
            defaults={
                "advertiser": advertiser,
                "amount": Decimal("250.00") + days_ago,
                "currency": advertiser.currency,
                "date": day,
                "due_date": day + timedelta(days=30),
                "status": status,
                "paid_at": timezone.now() if status == Invoice.Status.PAID else None,
                "description": f"Backend demo invoice ({status})",
            },
        )


def _crowd() -> list[Publisher]:
    cities = list(City.objects.select_related("country").order_by("id"))
    categories = {c.slug: c for c in Category.objects.filter(slug__in=CATEGORY_SLUGS)}
    publishers = []
    for n in range(1, CROWD + 1):
        username = f"crowd{n:02d}"
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@influencer.example"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        city = cities[n % len(cities)] if cities else None
        status = {5: Publisher.Status.INACTIVE, 9: Publisher.Status.SUSPENDED}.get(n, Publisher.Status.ACTIVE)
        publisher, _ = Publisher.objects.update_or_create(
            user=user,
            defaults={
                "sex": SEXES[n % len(SEXES)],
                "birth_date": date(1970 + (n * 3) % 36, 1 + n % 12, 1 + n % 27),
                "country": city.country if city else None,
                "city": city,
                "status": status,
            },
        )
        picks = [categories[s] for s in CATEGORY_SLUGS[n % 6 : n % 6 + 1 + n % 2] if s in categories]
        publisher.preferred_categories.set(picks)
        SocialAccount.objects.get_or_create(
            publisher=publisher,
            network="instagram",
            kind=SocialAccount.Kind.USER,
            network_id=f"{username}_ig",
            defaults={"url": f"https://instagram.com/{username}", "approval": SocialAccount.Approval.APPROVED},
        )
        publishers.append(publisher)
    return publishers


def _history(campaign: Campaign, publishers: list[Publisher], actor: User | None) -> None:
    """Tasks joined over the last three weeks, each reviewed and paid on its own (past) day."""
    now = timezone.now()
    for n, publisher in enumerate(publishers[:12]):
        status = HISTORY[n % len(HISTORY)]
        joined = now - timedelta(days=21 - n, hours=3)
        task, created = Task.objects.get_or_create(
            campaign=campaign,
            publisher=publisher,
            custom=False,
            defaults={
                "type": campaign.task_type,
                "title": campaign.task_title or campaign.name,
                "description": campaign.task_description,
                "requirements": campaign.task_requirements,
                "networks": campaign.networks,
                "status": Task.Status.PENDING,
                "joined_at": joined,
                "deadline": now + timedelta(days=2),
            },
        )
        if not created or status == "pending":
            continue
        Submission.objects.create(task=task, post_url=f"https://instagram.com/p/{publisher.user.username}{task.pk}")
        reviewed = joined + timedelta(hours=20)
        fields = {"status": Task.Status.UNDER_REVIEW, "completed_at": joined + timedelta(hours=6)}
        if status == "rejected":
            fields.update(status=Task.Status.REJECTED, reviewed_at=reviewed, rejection_reason="Post removed")
        Task.objects.filter(pk=task.pk).update(**fields)
        if status in ("accepted", "paid"):
            task.refresh_from_db()
            approve_task(
                task,
                actor,
                {
                    "reach": 800 + 450 * n,
                    "engagement": 40 + 31 * n,
                    "likes": 30 + 25 * n,
                    "comments": 10 + 6 * n,
                    "best_post": n == 2,
                },
            )
            Task.objects.filter(pk=task.pk).update(reviewed_at=reviewed)  # as if reviewed on that day
        if status == "paid":
            payment = pay_task(task, actor)
            Payment.objects.filter(pk=payment.pk).update(created_at=reviewed + timedelta(hours=1))


def _notifications(publishers: list[Publisher]) -> None:
    for n, publisher in enumerate(publishers[:6]):
        kind, message = NOTIFICATIONS[n % len(NOTIFICATIONS)]
        Notification.objects.get_or_create(
            user=publisher.user, type=kind, message=message, defaults={"emailed_at": timezone.now()}
        )


def seed(credentials: dict) -> None:
    _rates()
    publishers = _crowd()
    _notifications(publishers)
    for spec in credentials.get("advertisers", []):
        advertiser = Advertiser.objects.get(pk=spec["id"])
        _invoices(advertiser)
        owner = advertiser.memberships.order_by("id").first()
        active = Campaign.objects.filter(advertiser=advertiser, status=Campaign.Status.ACTIVE).order_by("id").first()
        if active is not None:
            _history(active, publishers, owner.user if owner else None)
    credentials["statistics_rollups"] = roll_up_everything()
