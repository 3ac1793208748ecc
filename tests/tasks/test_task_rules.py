"""Task rules in the services: joining, completing, leaving, review, payment, the leaderboard."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import Publisher, SocialAccount
from campaigns.models import Campaign
from campaigns.services import NotEligible, RuleBroken
from leadplatform.domain import NotFound
from tasks import services
from tasks.models import Payment, Task, TaskAction

from ..campaigns.factories import (
    CampaignFactory,
    CityFactory,
    ExchangeRateFactory,
    PaymentFactory,
    SubmissionFactory,
    TaskFactory,
)
from ..factories import AdvertiserFactory, PublisherFactory, SocialAccountFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    publisher = PublisherFactory()
    SocialAccountFactory(publisher=publisher, network="instagram")
    return publisher


def complete(task, publisher, **kwargs):
    return services.complete_task(task, publisher, post_url="https://instagram.com/p/x", **kwargs)


# ------------------------------------------------------------------------------
# Joining
# ------------------------------------------------------------------------------
def test_join_an_active_campaign_creates_a_pending_task_with_the_deadline(publisher):
    campaign = CampaignFactory(task_time=2, task_time_unit=Campaign.TimeUnit.DAYS)
    task = services.join_campaign(campaign, publisher)
    assert task.status == Task.Status.PENDING
    assert task.title == campaign.task_title
    assert task.requirements == campaign.task_requirements
    assert abs(task.deadline - (task.joined_at + timedelta(days=2))) < timedelta(seconds=1)
    assert list(task.actions.values_list("action", flat=True)) == [TaskAction.Action.JOINED]


def test_join_twice_is_refused(publisher):
    campaign = CampaignFactory()
    services.join_campaign(campaign, publisher)
    with pytest.raises(RuleBroken, match="already joined"):
        services.join_campaign(campaign, publisher)
    assert Task.objects.count() == 1


def test_join_again_after_leaving(publisher):
    campaign = CampaignFactory()
    task = services.join_campaign(campaign, publisher)
    services.leave_task(task, publisher)
    assert services.join_campaign(campaign, publisher).pk != task.pk


@pytest.mark.parametrize("status", [Campaign.Status.DRAFT, Campaign.Status.PAUSED, Campaign.Status.CANCELLED])
def test_join_refused_unless_running(publisher, status):
    with pytest.raises(RuleBroken, match=f"is {status}"):
        services.join_campaign(CampaignFactory(status=status), publisher)


def test_pending_campaign_only_with_pre_registration(publisher):
    starts = timezone.now() + timedelta(days=3)
    campaign = CampaignFactory(status=Campaign.Status.PENDING, date_start=starts, pre_registration=False)
    with pytest.raises(RuleBroken, match="pre-registration"):
        services.join_campaign(campaign, publisher)
    campaign.pre_registration = True
    campaign.save()
    task = services.join_campaign(campaign, publisher)
    # The task time starts with the campaign.
    assert task.deadline == starts + campaign.task_duration


def test_ended_campaign_only_with_post_registration(publisher):
    campaign = CampaignFactory(
        status=Campaign.Status.COMPLETED,
        date_start=timezone.now() - timedelta(days=10),
        date_end=timezone.now() - timedelta(days=1),
        post_registration=False,
    )
    with pytest.raises(RuleBroken, match="post-registration"):
        services.join_campaign(campaign, publisher)
    campaign.post_registration = True
    campaign.save()
    assert services.join_campaign(campaign, publisher).status == Task.Status.PENDING


def test_active_campaign_past_its_end_date_counts_as_ended(publisher):
    campaign = CampaignFactory(date_end=timezone.now() - timedelta(minutes=1))
    with pytest.raises(RuleBroken, match="ended"):
        services.join_campaign(campaign, publisher)


def test_join_needs_matching_country_and_city(publisher):
    city = CityFactory()
    campaign = CampaignFactory()
    campaign.target_countries.add(city.country)
    with pytest.raises(NotEligible, match="country"):
        services.join_campaign(campaign, publisher)
    publisher.country = city.country
    publisher.save()
    campaign.target_cities.add(city)
    with pytest.raises(NotEligible, match="city"):
        services.join_campaign(campaign, publisher)
    publisher.city = city
    publisher.save()
    assert services.join_campaign(campaign, publisher)


def test_join_needs_an_approved_account_on_a_campaign_network():
    publisher = PublisherFactory()
    SocialAccountFactory(publisher=publisher, network="tiktok")
    SocialAccountFactory(publisher=publisher, network="instagram", approval=SocialAccount.Approval.PENDING)
    with pytest.raises(NotEligible, match="approved account"):
        services.join_campaign(CampaignFactory(networks=["instagram"]), publisher)


@pytest.mark.parametrize("change", [{"banned": True, "ban_reason": "spam"}, {"status": Publisher.Status.SUSPENDED}])
def test_banned_or_suspended_publishers_can_do_nothing(publisher, change):
    task = TaskFactory(publisher=publisher)
    for field, value in change.items():
        setattr(publisher, field, value)
    publisher.save()
    with pytest.raises(NotEligible):
        services.join_campaign(CampaignFactory(), publisher)
    with pytest.raises(NotEligible):
        complete(task, publisher)
    with pytest.raises(NotEligible):
        services.leave_task(task, publisher)
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


# ------------------------------------------------------------------------------
# Completing and leaving
# ------------------------------------------------------------------------------
def test_complete_before_the_deadline_submits_for_review(publisher):
    task = TaskFactory(publisher=publisher)
    done, payment = complete(task, publisher, screenshot_urls=["https://example.com/s1.jpg"])
    assert done.status == Task.Status.UNDER_REVIEW
    assert done.submission.post_url == "https://instagram.com/p/x"
    assert [s.url for s in done.submission.screenshots.all()] == ["https://example.com/s1.jpg"]
    assert payment.total == Decimal("55.00")


def test_complete_after_the_deadline_is_refused(publisher):
    task = TaskFactory(publisher=publisher, deadline=timezone.now() - timedelta(seconds=1))
    with pytest.raises(RuleBroken, match="deadline"):
        complete(task, publisher)
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


@pytest.mark.parametrize("status", [s for s in Task.Status.values if s != Task.Status.PENDING])
def test_complete_only_a_pending_task(publisher, status):
    task = TaskFactory(publisher=publisher, status=status)
    with pytest.raises(RuleBroken, match="Only a pending task can be completed"):
        complete(task, publisher)


def test_complete_refused_while_the_campaign_is_paused(publisher):
    task = TaskFactory(publisher=publisher, campaign=CampaignFactory(status=Campaign.Status.PAUSED))
    with pytest.raises(RuleBroken, match="paused"):
        complete(task, publisher)


def test_complete_someone_elses_task_is_not_found(publisher):
    task = TaskFactory()
    with pytest.raises(NotFound):
        complete(task, publisher)


def test_leave_only_while_pending(publisher):
    task = TaskFactory(publisher=publisher)
    assert services.leave_task(task, publisher).status == Task.Status.LEFT
    for status in (Task.Status.UNDER_REVIEW, Task.Status.ACCEPTED, Task.Status.PAID, Task.Status.REJECTED):
        other = TaskFactory(publisher=publisher, status=status)
        with pytest.raises(RuleBroken, match="Only a pending task can be left"):
            services.leave_task(other, publisher)


# ------------------------------------------------------------------------------
# Review and payment
# ------------------------------------------------------------------------------
def test_approve_records_metrics_and_reject_gives_a_reason():
    reviewer = StaffFactory()
    task = SubmissionFactory().task
    services.approve_task(task, reviewer, {"reach": 1200, "engagement": 90, "status": "paid"})
    task.refresh_from_db()
    assert (task.status, task.reach, task.engagement) == (Task.Status.ACCEPTED, 1200, 90)
    other = SubmissionFactory().task
    services.reject_task(other, reviewer, "Wrong hashtags")
    other.refresh_from_db()
    assert (other.status, other.rejection_reason) == (Task.Status.REJECTED, "Wrong hashtags")


@pytest.mark.parametrize(
    "status", [Task.Status.PENDING, Task.Status.ACCEPTED, Task.Status.REJECTED, Task.Status.PAID, Task.Status.LEFT]
)
def test_review_only_under_review(status):
    task = TaskFactory(status=status)
    with pytest.raises(RuleBroken):
        services.approve_task(task, None)
    with pytest.raises(RuleBroken):
        services.reject_task(task, None)


@pytest.mark.parametrize(
    "status", [Task.Status.PENDING, Task.Status.UNDER_REVIEW, Task.Status.REJECTED, Task.Status.LEFT]
)
def test_pay_only_accepted(status):
    task = TaskFactory(status=status)
    with pytest.raises(RuleBroken, match="Only an accepted task can be paid"):
        services.pay_task(task, None)
    assert not Payment.objects.exists()


def test_pay_is_minimum_plus_post_plus_bonuses_earned():
    campaign = CampaignFactory(reach_bonus_threshold=1000, engagement_rate_bonus_threshold=Decimal("5"))
    task = TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED, reach=2000, engagement=150, best_post=True)
    payment = services.pay_task(task, None)
    assert (payment.minimum, payment.post) == (Decimal("25.00"), Decimal("30.00"))
    assert (payment.bonus_reach, payment.bonus_engagement_rate, payment.bonus_best_post) == (
        Decimal("50.00"),
        Decimal("25.00"),
        Decimal("100.00"),
    )
    assert payment.total == Decimal("230.00")
    task.refresh_from_db()
    assert task.status == Task.Status.PAID
    assert task.actions.filter(action=TaskAction.Action.PAID).exists()


def test_bonuses_need_the_threshold_and_an_active_bonus():
    campaign = CampaignFactory(reach_bonus_threshold=5000, engagement_rate_bonus_threshold=Decimal("10"))
    task = TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED, reach=2000, engagement=100)
    assert services.payment_breakdown(task).total == Decimal("55.00")
    inactive = TaskFactory(
        campaign=CampaignFactory(bonus_active=False),
        status=Task.Status.ACCEPTED,
        reach=10**6,
        engagement=10**5,
        best_post=True,
    )
    assert services.payment_breakdown(inactive).bonus_total == Decimal("0")


def test_pay_twice_is_refused():
    task = TaskFactory(status=Task.Status.ACCEPTED)
    services.pay_task(task, None)
    with pytest.raises(RuleBroken, match="already been paid"):
        services.pay_task(task, None)
    assert Payment.objects.count() == 1


def test_pay_never_passes_the_advertiser_maximum_limit():
    advertiser = AdvertiserFactory(maximum_limit=Decimal("120.00"))
    campaign = CampaignFactory(advertiser=advertiser, bonus_active=False)
    tasks = [TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED) for _ in range(3)]
    services.pay_task(tasks[0], None)
    services.pay_task(tasks[1], None)
    with pytest.raises(RuleBroken, match="maximum limit"):
        services.pay_task(tasks[2], None)
    assert services.advertiser_spent(advertiser.pk) == Decimal("110.00")
    tasks[2].refresh_from_db()
    assert tasks[2].status == Task.Status.ACCEPTED


def test_pay_counts_the_limit_in_the_advertiser_currency():
    ExchangeRateFactory(base="EUR", quote="USD", rate=Decimal("2"))
    advertiser = AdvertiserFactory(currency="USD", maximum_limit=Decimal("100.00"))
    campaign = CampaignFactory(
        advertiser=advertiser, currency="EUR", bonus_active=False, minimum_reward=Decimal("10"), post_rate=Decimal("20")
    )
    payment = services.pay_task(TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED), None)
    assert (payment.total, payment.currency, payment.charged, payment.charged_currency) == (
        Decimal("30.00"),
        "EUR",
        Decimal("60.00"),
        "USD",
    )
    with pytest.raises(RuleBroken, match="maximum limit"):
        services.pay_task(TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED), None)


def test_pay_never_passes_the_campaign_budget():
    campaign = CampaignFactory(bonus_active=False, budget=Decimal("60.00"))
    services.pay_task(TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED), None)
    with pytest.raises(RuleBroken, match="campaign budget"):
        services.pay_task(TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED), None)


# ------------------------------------------------------------------------------
# Leaderboard
# ------------------------------------------------------------------------------
def test_leaderboard_scores_and_breaks_ties_stably():
    campaign = CampaignFactory()
    first, tied_low, tied_high, outsider = (PublisherFactory() for _ in range(4))
    TaskFactory(campaign=campaign, publisher=first, status=Task.Status.PAID, reach=50_000, engagement=700)
    TaskFactory(campaign=campaign, publisher=tied_low, status=Task.Status.ACCEPTED, reach=1_000, engagement=40)
    TaskFactory(campaign=campaign, publisher=tied_high, status=Task.Status.ACCEPTED, reach=1_099, engagement=40)
    TaskFactory(campaign=campaign, publisher=outsider, status=Task.Status.UNDER_REVIEW, reach=10**6)
    TaskFactory(publisher=outsider, status=Task.Status.PAID, reach=10**6)  # another campaign
    board = services.leaderboard(campaign)
    assert board[0] == {
        "user_id": first.user_id,
        "username": first.user.username,
        "score": 100 + 700 + 500,
        "rank": 1,
        "completed_tasks": 1,
    }
    # 1_000 and 1_099 reach both give 10 points: the lower user id ranks first.
    assert [row["user_id"] for row in board[1:]] == sorted([tied_low.user_id, tied_high.user_id])
    assert [row["score"] for row in board[1:]] == [150, 150]
    assert [row["rank"] for row in board] == [1, 2, 3]


def test_payment_factory_is_consistent():
    payment = PaymentFactory()
    assert payment.advertiser == payment.task.campaign.advertiser


def test_pre_registered_task_waits_for_the_campaign_to_start(publisher):
    campaign = CampaignFactory(
        status=Campaign.Status.PENDING, pre_registration=True, date_start=timezone.now() - timedelta(hours=1)
    )
    task = services.join_campaign(campaign, publisher)
    with pytest.raises(RuleBroken, match="not started"):
        complete(task, publisher)
    assert services.task_flags(task)["allow_complete"] is False


def test_expired_idempotency_keys_are_purged():
    from leadplatform.api.idempotency import KEY_LIFETIME, purge_expired_keys
    from leadplatform.api.models import IdempotencyKey

    old = IdempotencyKey.objects.create(
        owner="user:1",
        key="old",
        route="r",
        request_digest="d",
        created_at=timezone.now() - KEY_LIFETIME - timedelta(minutes=1),
    )
    fresh = IdempotencyKey.objects.create(owner="user:1", key="fresh", route="r", request_digest="d")
    assert purge_expired_keys() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()
