"""Task rules: joining, completing, leaving, review, payment and the leaderboard.

Every state change locks the task row (`select_for_update`) and checks the status it
expects, so concurrent calls do the change once and the others get the rule that refused them.
Payments also lock the advertiser row: one payer at a time per advertiser keeps spending
under its maximum limit, and the unique task column backs "one payment per task".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Count, F, Q, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from accounts.models import Advertiser, Publisher, User
from campaigns.images import ImageRefused, clean_image
from campaigns.models import Campaign
from campaigns.money import ZERO, quantize_money
from campaigns.services import (
    NotEligible,
    RuleBroken,
    convert_amount,
    ensure_publisher_can_act,
    ensure_publisher_matches,
)
from leadplatform.domain import InvalidInput, NotFound

from .models import Payment, Screenshot, Submission, Task, TaskAction

MAX_SCREENSHOTS = 10


# ------------------------------------------------------------------------------
# Amounts
# ------------------------------------------------------------------------------
@dataclass(frozen=True)
class PaymentBreakdown:
    minimum: Decimal
    post: Decimal
    bonus_reach: Decimal
    bonus_engagement_rate: Decimal
    bonus_best_post: Decimal
    currency: str

    @property
    def bonus_total(self) -> Decimal:
        return self.bonus_reach + self.bonus_engagement_rate + self.bonus_best_post

    @property
    def total(self) -> Decimal:
        return quantize_money(self.minimum + self.post + self.bonus_total, self.currency)


def earned_bonuses(task: Task) -> dict[str, bool]:
    """Which bonuses the task's metrics earn (only while the campaign's bonus is active)."""
    campaign = task.campaign
    if not campaign.bonus_active:
        return {"reach": False, "engagement_rate": False, "best_post": False}
    return {
        "reach": task.reach > 0 and task.reach >= campaign.reach_bonus_threshold,
        "engagement_rate": task.engagement > 0 and task.engagement_rate >= campaign.engagement_rate_bonus_threshold,
        "best_post": task.best_post,
    }


def payment_breakdown(task: Task) -> PaymentBreakdown:
    """Minimum reward + post rate + the bonuses earned, in the campaign's currency."""
    campaign = task.campaign
    currency = campaign.currency
    earned = earned_bonuses(task)

    def amount(value: Decimal, counts: bool = True) -> Decimal:
        return quantize_money(value if counts else ZERO, currency)

    return PaymentBreakdown(
        minimum=amount(campaign.minimum_reward),
        post=amount(campaign.post_rate),
        bonus_reach=amount(campaign.promo_reach_bonus, earned["reach"]),
        bonus_engagement_rate=amount(campaign.promo_engagement_rate_bonus, earned["engagement_rate"]),
        bonus_best_post=amount(campaign.promo_best_post_bonus, earned["best_post"]),
        currency=currency,
    )


def _log(task: Task, action: str, actor: User | None, note: str = "") -> None:
    TaskAction.objects.create(task=task, action=action, actor=actor, note=note[:500])


def _locked_task(task: Task) -> Task:
    return Task.objects.select_for_update(of=("self",)).select_related("campaign").get(pk=task.pk)


# ------------------------------------------------------------------------------
# The influencer's side
# ------------------------------------------------------------------------------
def joining_window_open(campaign: Campaign, now: datetime) -> bool:
    """Active and running, pending with pre-registration, or ended with post-registration."""
    if campaign.has_ended(now):
        return campaign.post_registration and campaign.status in (Campaign.Status.ACTIVE, Campaign.Status.COMPLETED)
    if campaign.status == Campaign.Status.ACTIVE:
        return True
    return campaign.status == Campaign.Status.PENDING and campaign.pre_registration


def join_campaign(campaign: Campaign, publisher: Publisher) -> Task:
    """The influencer joins: one open task per campaign; deadline = join time + the campaign's task time."""
    ensure_publisher_can_act(publisher)
    now = timezone.now()
    if not joining_window_open(campaign, now):
        if campaign.status in (Campaign.Status.DRAFT, Campaign.Status.PAUSED, Campaign.Status.CANCELLED):
            raise RuleBroken(f"This campaign is {campaign.status} and cannot be joined.")
        if campaign.has_ended(now):
            raise RuleBroken("This campaign has ended and does not accept post-registration.")
        raise RuleBroken("This campaign has not started and does not accept pre-registration.")
    ensure_publisher_matches(campaign, publisher)
    if Task.objects.filter(
        campaign=campaign, publisher=publisher, status__in=Task.OPEN_STATUSES, custom=False
    ).exists():
        raise RuleBroken("You have already joined this campaign.")
    # A pre-registered influencer's time starts when the campaign does.
    starts = max(now, campaign.date_start) if campaign.date_start else now
    try:
        with transaction.atomic():
            task = Task.objects.create(
                campaign=campaign,
                publisher=publisher,
                type=campaign.task_type,
                title=campaign.task_title or f"{campaign.get_task_type_display()} for {campaign.name}"[:200],
                description=campaign.task_description,
                requirements=campaign.task_requirements,
                networks=list(campaign.networks or []),
                deadline=starts + campaign.task_duration,
                joined_at=now,
            )
            _log(task, TaskAction.Action.JOINED, publisher.user)
    except IntegrityError:
        raise RuleBroken("You have already joined this campaign.") from None
    return task


def completion_window(task: Task) -> tuple[datetime, datetime]:
    """When the task may be completed: from the start of its time to its deadline."""
    start = task.joined_at
    date_start = task.campaign.date_start
    if date_start and date_start > start:
        start = date_start
    return start, task.deadline


def refusal_to_complete(task: Task, now: datetime) -> str | None:
    """Why the task cannot be completed now, or None when it can."""
    if task.status != Task.Status.PENDING:
        return f"Only a pending task can be completed; this one is {task.get_status_display().lower()}."
    if now > task.deadline:
        return "The deadline of this task has passed."
    campaign = task.campaign
    if campaign.status == Campaign.Status.PAUSED:
        return "The campaign is paused."
    if campaign.status in (Campaign.Status.CANCELLED, Campaign.Status.DRAFT):
        return f"The campaign is {campaign.status}."
    if campaign.status == Campaign.Status.PENDING or now < completion_window(task)[0]:
        return "The campaign has not started yet."
    return None


def complete_task(
    task: Task,
    publisher: Publisher,
    *,
    post_url: str,
    media_url: str = "",
    screenshot_urls: list[str] | tuple = (),
    screenshot_files: list | tuple = (),
) -> tuple[Task, PaymentBreakdown]:
    """Submit the post (pending → under_review) before the deadline; returns the payment it earns so far."""
    ensure_publisher_can_act(publisher)
    if len(screenshot_urls) + len(screenshot_files) > MAX_SCREENSHOTS:
        raise InvalidInput({"screenshots": f"At most {MAX_SCREENSHOTS} screenshots."})
    # Validate and re-encode the images before taking any lock.
    try:
        images = [clean_image(upload) for upload in screenshot_files]
    except ImageRefused as exc:
        raise InvalidInput({"screenshots": exc.messages}) from None
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.publisher_id != publisher.pk:
            raise NotFound("Task not found.")
        now = timezone.now()
        refusal = refusal_to_complete(locked, now)
        if refusal:
            raise RuleBroken(refusal)
        submission = Submission.objects.create(task=locked, post_url=post_url, media_url=media_url)
        for url in screenshot_urls:
            Screenshot.objects.create(submission=submission, url=url)
        for image in images:
            screenshot = Screenshot(submission=submission)
            screenshot.image.save(image.name, image, save=False)
            screenshot.save()
        locked.status = Task.Status.UNDER_REVIEW
        locked.completed_at = now
        locked.save(update_fields=["status", "completed_at"])
        _log(locked, TaskAction.Action.COMPLETED, publisher.user)
    return locked, payment_breakdown(locked)


def refusal_to_leave(task: Task) -> str | None:
    """Why the task cannot be left, or None when it can."""
    if task.status != Task.Status.PENDING:
        return f"Only a pending task can be left; this one is {task.get_status_display().lower()}."
    return None


def leave_task(task: Task, publisher: Publisher) -> Task:
    """Give the task up: only while it is pending."""
    ensure_publisher_can_act(publisher)
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.publisher_id != publisher.pk:
            raise NotFound("Task not found.")
        refusal = refusal_to_leave(locked)
        if refusal:
            raise RuleBroken(refusal)
        locked.status = Task.Status.LEFT
        locked.save(update_fields=["status"])
        _log(locked, TaskAction.Action.LEFT, publisher.user)
    return locked


# ------------------------------------------------------------------------------
# The advertiser's side
# ------------------------------------------------------------------------------
METRIC_FIELDS = ("reach", "engagement", "likes", "comments", "best_post")


def approve_task(task: Task, actor: User | None, metrics: dict | None = None) -> Task:
    """under_review → accepted, optionally recording the post's metrics."""
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.status != Task.Status.UNDER_REVIEW:
            raise RuleBroken(
                f"Only a task under review can be approved; this one is {locked.get_status_display().lower()}."
            )
        for field, value in (metrics or {}).items():
            if field in METRIC_FIELDS:
                setattr(locked, field, value)
        locked.status = Task.Status.ACCEPTED
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "reviewed_at", *[f for f in (metrics or {}) if f in METRIC_FIELDS]])
        _log(locked, TaskAction.Action.APPROVED, actor)
    return locked


def reject_task(task: Task, actor: User | None, reason: str = "") -> Task:
    """under_review → rejected; the influencer may join the campaign again."""
    with transaction.atomic():
        locked = _locked_task(task)
        if locked.status != Task.Status.UNDER_REVIEW:
            raise RuleBroken(
                f"Only a task under review can be rejected; this one is {locked.get_status_display().lower()}."
            )
        locked.status = Task.Status.REJECTED
        locked.reviewed_at = timezone.now()
        locked.rejection_reason = reason[:500]
        locked.save(update_fields=["status", "reviewed_at", "rejection_reason"])
        _log(locked, TaskAction.Action.REJECTED, actor, reason)
    return locked


def advertiser_spent(advertiser_id: int) -> Decimal:
    return Payment.objects.filter(advertiser_id=advertiser_id).aggregate(total=Coalesce(Sum("charged"), ZERO))["total"]


def pay_task(task: Task, actor: User | None) -> Payment:
    """accepted → paid, exactly once, never over the campaign budget or the advertiser's maximum limit."""
    with transaction.atomic():
        # Lock order everywhere: advertiser, then task.
        advertiser = Advertiser.objects.select_for_update().get(pk=task.campaign.advertiser_id)
        locked = _locked_task(task)
        if locked.status == Task.Status.PAID or Payment.objects.filter(task_id=locked.pk).exists():
            raise RuleBroken("This task has already been paid.")
        if locked.status != Task.Status.ACCEPTED:
            raise RuleBroken(f"Only an accepted task can be paid; this one is {locked.get_status_display().lower()}.")
        campaign = locked.campaign
        breakdown = payment_breakdown(locked)
        charged = convert_amount(breakdown.total, campaign.currency, advertiser.currency)
        if advertiser_spent(advertiser.pk) + charged > advertiser.maximum_limit:
            raise RuleBroken(
                f"Paying {charged} {advertiser.currency} would exceed the advertiser's maximum limit "
                f"of {advertiser.maximum_limit} {advertiser.currency}."
            )
        if campaign.budget is not None:
            campaign_spent = Payment.objects.filter(task__campaign=campaign).aggregate(
                total=Coalesce(Sum("total"), ZERO)
            )["total"]
            if campaign_spent + breakdown.total > campaign.budget:
                raise RuleBroken(f"Paying {breakdown.total} {campaign.currency} would exceed the campaign budget.")
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    task=locked,
                    advertiser=advertiser,
                    publisher_id=locked.publisher_id,
                    minimum=breakdown.minimum,
                    post=breakdown.post,
                    bonus_reach=breakdown.bonus_reach,
                    bonus_engagement_rate=breakdown.bonus_engagement_rate,
                    bonus_best_post=breakdown.bonus_best_post,
                    total=breakdown.total,
                    currency=breakdown.currency,
                    charged=charged,
                    charged_currency=advertiser.currency,
                    paid_by=actor,
                )
        except IntegrityError:
            raise RuleBroken("This task has already been paid.") from None
        locked.status = Task.Status.PAID
        locked.save(update_fields=["status"])
        _log(locked, TaskAction.Action.PAID, actor, f"{breakdown.total} {breakdown.currency}")
    return payment


def review_tasks(tasks, action: str, actor: User | None) -> tuple[int, list[str]]:
    """Apply approve/reject/pay to each task; returns (done, refusals) for bulk actions."""
    handler = {
        "approve": lambda t: approve_task(t, actor),
        "reject": lambda t: reject_task(t, actor),
        "pay": lambda t: pay_task(t, actor),
    }[action]
    done, refusals = 0, []
    for task in tasks:
        try:
            handler(task)
            done += 1
        except (RuleBroken, NotEligible) as exc:
            refusals.append(f"Task {task.pk}: {exc}")
    return done, refusals


# ------------------------------------------------------------------------------
# Leaderboard
# ------------------------------------------------------------------------------
LEADERBOARD_SIZE = 100
SCORE_PER_COMPLETED_TASK = 100
REACH_PER_POINT = 100


def leaderboard(campaign: Campaign, size: int = LEADERBOARD_SIZE) -> list[dict]:
    """Influencers of the campaign ranked by score.

    score = 100 × completed tasks + total engagement + total reach ÷ 100 (rounded down),
    over the influencer's accepted and paid tasks. Ties: more completed tasks first, then
    the lower user id, so the order is stable.
    """
    done = Q(tasks__campaign=campaign, tasks__status__in=[Task.Status.ACCEPTED, Task.Status.PAID])
    rows = (
        Publisher.objects.filter(done)
        .annotate(
            completed_tasks=Count("tasks", filter=done),
            # SUM(bigint) is numeric on PostgreSQL: cast back so "÷ 100" divides integers on every database.
            total_reach=Cast(Coalesce(Sum("tasks__reach", filter=done), 0), BigIntegerField()),
            total_engagement=Cast(Coalesce(Sum("tasks__engagement", filter=done), 0), BigIntegerField()),
        )
        .annotate(
            score=F("completed_tasks") * SCORE_PER_COMPLETED_TASK
            + F("total_engagement")
            + F("total_reach") / REACH_PER_POINT
        )
        .order_by("-score", "-completed_tasks", "user_id")
        .values("user_id", "user__username", "score", "completed_tasks")[:size]
    )
    return [
        {
            "user_id": row["user_id"],
            "username": row["user__username"],
            "score": int(row["score"]),
            "rank": rank,
            "completed_tasks": row["completed_tasks"],
        }
        for rank, row in enumerate(rows, start=1)
    ]


# ------------------------------------------------------------------------------
# What the influencer may do with a task now (the app's allow_* flags)
# ------------------------------------------------------------------------------
def task_flags(task: Task, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    pending = task.status == Task.Status.PENDING
    start, end = completion_window(task)
    return {
        "allow_complete": refusal_to_complete(task, now) is None,
        "allow_leave": refusal_to_leave(task) is None,
        "allow_countdown": pending and now < task.deadline,
        "allow_payments": task.status in (Task.Status.ACCEPTED, Task.Status.PAID),
        "allow_bonus": task.campaign.bonus_active,
        "is_disabled": not pending,
        "is_allowed_complete": pending and start <= now <= end,
        "date_completed_minimum": start,
        "date_completed_maximum": end,
    }
