"""The rules behind the backend endpoints: status machine, settings, registration windows, task actions,
custom tasks, bans, force-logout, notifications, exchange."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client

from accounts.models import ApiToken, Notification, SocialAccount
from campaigns.models import Campaign
from tasks.models import Payment, Task, TaskAction
from tasks.services import join_campaign

from ..campaigns.factories import CampaignFactory
from ..factories import PASSWORD, StaffFactory, token_for

# ------------------------------------------------------------------------------
# Campaign status machine
# ------------------------------------------------------------------------------
LEGAL = [
    ("draft", "pending"),
    ("pending", "active"),
    ("active", "paused"),
    ("paused", "active"),
    ("active", "completed"),
    ("paused", "completed"),
    ("active", "cancelled"),
    ("draft", "cancelled"),
]
ILLEGAL = [
    ("draft", "active"),
    ("draft", "paused"),
    ("pending", "paused"),
    ("active", "pending"),
    ("completed", "active"),
    ("cancelled", "active"),
    ("completed", "paused"),
]


@pytest.mark.parametrize(("before", "after"), LEGAL)
def test_legal_status_transitions(before, after, owner, advertiser):
    campaign = CampaignFactory(advertiser=advertiser, status=before)
    answer = owner.client().post("/api/campaign/status/", {"campaign_id": campaign.pk, "status": after})
    assert answer.json() == {"status": "success", "message": "Campaign status updated"}
    campaign.refresh_from_db()
    assert campaign.status == after


@pytest.mark.parametrize(("before", "after"), ILLEGAL)
def test_illegal_status_transition_is_a_409_naming_both_states(before, after, owner, advertiser):
    campaign = CampaignFactory(advertiser=advertiser, status=before)
    answer = owner.client().post("/api/campaign/status/", {"campaign_id": campaign.pk, "status": after})
    assert answer.status_code == 409
    assert answer.json()["status"] == "error"
    assert before in answer.json()["message"] and after in answer.json()["message"]
    campaign.refresh_from_db()
    assert campaign.status == before


def test_unknown_status_is_a_400(owner, world):
    answer = owner.client().post("/api/campaign/status/", {"campaign_id": world.campaign.pk, "status": "flying"})
    assert answer.status_code == 400


# ------------------------------------------------------------------------------
# Settings
# ------------------------------------------------------------------------------
def test_settings_from_bracket_form_fields(owner, world):
    answer = owner.client().post(
        "/api/campaign/settings/",
        {
            "campaign_id": world.campaign.pk,
            "settings[post_rate]": "30",
            "settings[has_bonus]": "false",
            "settings[promo_reach_bonus]": "50",
        },
    )
    assert answer.json() == {"status": "success", "message": "Settings updated successfully"}
    world.campaign.refresh_from_db()
    assert (world.campaign.post_rate, world.campaign.bonus_active, world.campaign.promo_reach_bonus) == (
        Decimal("30"),
        False,
        Decimal("50"),
    )


def test_settings_from_json(owner, world):
    answer = owner.client().post(
        "/api/campaign/settings/",
        {
            "campaign_id": world.campaign.pk,
            "settings": {
                "minimum_reward": 12.5,
                "task_time": 2,
                "task_time_unit": "days",
                "tasks_leaderboard": False,
                "budget": None,
            },
        },
        format="json",
    )
    assert answer.status_code == 200
    world.campaign.refresh_from_db()
    assert world.campaign.minimum_reward == Decimal("12.50") and world.campaign.task_time_unit == "days"
    assert world.campaign.budget is None and world.campaign.tasks_leaderboard is False


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"settings[colour]": "red"}, "colour"),
        ({"settings[post_rate]": "-1"}, "post_rate"),
        ({"settings[post_rate]": "abc"}, "post_rate"),
        ({"settings[has_bonus]": "perhaps"}, "has_bonus"),
        ({"settings[task_time_unit]": "weeks"}, "task_time_unit"),
        ({"settings[task_time]": "0"}, "task_time"),
        ({}, "settings"),
    ],
)
def test_settings_validation_names_the_key(fields, named, owner, world):
    answer = owner.client().post("/api/campaign/settings/", {"campaign_id": world.campaign.pk, **fields})
    assert answer.status_code == 400
    assert named in answer.json()["message"]
    world.campaign.refresh_from_db()
    assert world.campaign.post_rate == Decimal("30.00")


def test_unknown_json_setting_is_named(owner, world):
    answer = owner.client().post(
        "/api/campaign/settings/",
        {"campaign_id": world.campaign.pk, "settings": {"post_rate": 5, "secret_field": 1}},
        format="json",
    )
    assert answer.status_code == 400 and "secret_field" in answer.json()["message"]


def test_closed_campaign_keeps_its_settings(owner, advertiser):
    campaign = CampaignFactory(advertiser=advertiser, status=Campaign.Status.COMPLETED)
    answer = owner.client().post("/api/campaign/settings/", {"campaign_id": campaign.pk, "settings[post_rate]": "1"})
    assert answer.status_code == 409


# ------------------------------------------------------------------------------
# Registration windows
# ------------------------------------------------------------------------------
def test_pre_registration_lets_publishers_join_a_pending_campaign(owner, advertiser, world):
    campaign = CampaignFactory(advertiser=advertiser, status=Campaign.Status.PENDING, pre_registration=False)
    assert owner.client().post("/api/campaign/pre-register/", {"campaign_id": campaign.pk}).json() == {
        "status": "success",
        "message": "Campaign pre-registered",
    }
    campaign.refresh_from_db()
    assert join_campaign(campaign, world.publisher).status == Task.Status.PENDING


def test_pre_registration_refused_once_running(owner, world):
    assert owner.client().post("/api/campaign/pre-register/", {"campaign_id": world.campaign.pk}).status_code == 409


def test_post_registration_opens_an_ended_campaign(owner, advertiser, world):
    campaign = CampaignFactory(advertiser=advertiser, status=Campaign.Status.COMPLETED, post_registration=False)
    assert owner.client().post("/api/campaign/post-register/", {"campaign_id": campaign.pk}).json()["message"] == (
        "Campaign post-registered"
    )
    campaign.refresh_from_db()
    assert join_campaign(campaign, world.publisher).campaign_id == campaign.pk
    draft = owner.client().post("/api/campaign/post-register/", {"campaign_id": world.draft.pk})
    assert draft.status_code == 409


# ------------------------------------------------------------------------------
# Task actions and custom tasks
# ------------------------------------------------------------------------------
def _act(actor, task, action, **extra):
    return actor.client().post("/api/task/actions/", {"task_id": task.pk, "action": action, **extra}, format="json")


def test_approve_then_pay_through_the_services(owner, world):
    answer = _act(owner, world.review_task, "approve", reach=5000, engagement=400)
    assert answer.json() == {"status": "success", "message": "Task approved"}
    world.review_task.refresh_from_db()
    assert (world.review_task.status, world.review_task.reach) == ("accepted", 5000)
    assert _act(owner, world.review_task, "pay").json()["message"] == "Task paid"
    payment = Payment.objects.get(task=world.review_task)
    assert payment.total == Decimal("130.00") and payment.paid_by == owner.user
    assert list(TaskAction.objects.filter(task=world.review_task).values_list("action", flat=True)) == [
        "approved",
        "paid",
    ]
    again = _act(owner, world.review_task, "pay")
    assert again.status_code == 409 and "already been paid" in again.json()["message"]


def test_pay_with_an_idempotency_key_replays(owner, world):
    client = owner.client()
    body = {"task_id": world.accepted_task.pk, "action": "pay"}
    first = client.post("/api/task/actions/", body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    second = client.post("/api/task/actions/", body, format="json", HTTP_IDEMPOTENCY_KEY="pay-1")
    assert first.json() == second.json() == {"status": "success", "message": "Task paid"}
    assert second["Idempotent-Replayed"] == "true"
    assert Payment.objects.filter(task=world.accepted_task).count() == 1


def test_reject_needs_a_reason_and_reopen_reviews_again(owner, world):
    assert _act(owner, world.review_task, "reject").status_code == 400
    assert _act(owner, world.review_task, "reject", reason="Post removed").json()["message"] == "Task rejected"
    world.review_task.refresh_from_db()
    assert (world.review_task.status, world.review_task.rejection_reason) == ("rejected", "Post removed")
    assert _act(owner, world.review_task, "reopen").json()["message"] == "Task reopened"
    world.review_task.refresh_from_db()
    assert world.review_task.status == "under_review" and world.review_task.rejection_reason == ""


@pytest.mark.parametrize(
    ("task", "action"),
    [
        ("pending_task", "approve"),
        ("pending_task", "pay"),
        ("paid_task", "reject"),
        ("accepted_task", "reopen"),
        ("review_task", "pay"),
    ],
)
def test_refused_task_actions_are_409s(task, action, owner, world):
    answer = _act(owner, getattr(world, task), action, reason="x")
    assert answer.status_code == 409 and answer.json()["status"] == "error"


def test_custom_task(owner, world):
    answer = (
        owner.client()
        .post(
            "/api/task/custom/",
            {
                "campaign_id": world.campaign.pk,
                "title": "Custom Task",
                "description": "Custom task description",
                "requirements": "Custom requirements",
            },
            format="json",
        )
        .json()
    )
    assert answer["status"] == "success" and answer["message"] == "Custom task created"
    task = Task.objects.get(pk=answer["task_id"])
    assert (task.custom, task.publisher, task.title, task.requirements) == (
        True,
        None,
        "Custom Task",
        "Custom requirements",
    )
    assigned = owner.client().post(
        "/api/task/custom/",
        {"campaign_id": world.campaign.pk, "title": "For you", "user_id": world.publisher.user_id},
        format="json",
    )
    assert Task.objects.get(pk=assigned.json()["task_id"]).publisher == world.publisher


def test_custom_task_for_a_user_outside_the_advertiser_is_404(outsider, owner, world, other_advertiser):
    answer = outsider.client().post(
        "/api/task/custom/",
        {"campaign_id": world.foreign_campaign.pk, "title": "X", "user_id": world.publisher.user_id},
        format="json",
    )
    assert answer.status_code == 404


# ------------------------------------------------------------------------------
# Users: ban, force-logout, notifications, social walls
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/api/user/status/ban/", "/api/general/tools/user-ban/"])
def test_a_banned_users_tokens_stop_at_once_and_they_cannot_join(path, staff, publisher, world):
    assert publisher.client().post("/api/campaigns/").status_code == 403  # authenticated, not allowed
    answer = staff.client().post(path, {"user_id": publisher.user.pk, "banned": True, "reason": "Spam"}, format="json")
    assert answer.json() == {"status": "success", "message": "User ban status updated"}
    refused = publisher.client().post("/api/campaigns/")
    assert refused.status_code == 401
    profile = publisher.user.publisher
    profile.refresh_from_db()
    with pytest.raises(Exception, match="banned"):
        join_campaign(world.campaign, profile)
    status = staff.client().post("/api/user/status/", {"user_id": publisher.user.pk}).json()
    assert status["status"] == "banned"
    staff.client().post(path, {"user_id": publisher.user.pk, "banned": False}, format="json")
    assert publisher.client().post("/api/campaigns/").status_code == 403


def test_banning_a_member_deactivates_the_account(staff, owner):
    staff.client().post("/api/user/status/ban/", {"user_id": owner.user.pk, "banned": "true"})
    assert owner.client().post("/api/campaigns/").status_code == 401


def test_force_logout_revokes_every_token_and_ends_sessions(staff, owner):
    browser = Client()
    assert browser.login(username=owner.user.username, password=PASSWORD)
    assert browser.get("/settings/tokens/").status_code == 200
    assert owner.client().post("/api/campaigns/").status_code == 200
    answer = staff.client().post("/api/user/force-logout/", {"user_id": owner.user.pk})
    assert answer.json() == {"status": "success", "message": "User logged out"}
    assert owner.client().post("/api/campaigns/").status_code == 401
    assert not ApiToken.objects.filter(user=owner.user, revoked_at__isnull=True).exists()
    assert browser.get("/settings/tokens/").status_code == 302


def test_notification_is_stored_and_emailed(staff, world):
    answer = staff.client().post(
        "/api/user/notification/",
        {"user_id": world.publisher.user_id, "message": "New campaign available", "type": "campaign"},
    )
    assert answer.json() == {"status": "success", "message": "Notification sent"}
    notification = Notification.objects.get(user=world.publisher.user)
    assert (notification.type, notification.message) == ("campaign", "New campaign available")
    assert notification.emailed_at is not None
    assert mail.outbox[0].to == [world.publisher.user.email] and "New campaign available" in mail.outbox[0].body


def test_custom_social_wall(staff, world):
    body = {"user_id": world.publisher.user_id, "wall_url": "https://example.com/wall", "network": "instagram"}
    assert staff.client().post("/api/user/add-custom-social-wall/", body).status_code == 200
    wall = SocialAccount.objects.get(publisher=world.publisher, kind="wall")
    assert (wall.url, wall.approval) == ("https://example.com/wall", "approved")
    assert staff.client().post("/api/user/add-custom-social-wall/", body).status_code == 409


def test_a_custom_social_wall_url_with_an_invisible_character_is_refused(staff, world):
    body = {"user_id": world.publisher.user_id, "wall_url": "https://example.com/\ufeffwall", "network": "instagram"}
    response = staff.client().post("/api/user/add-custom-social-wall/", body)
    assert (response.status_code, SocialAccount.objects.filter(kind="wall").exists()) == (400, False)


def test_user_status(staff, world):
    answer = staff.client().post("/api/user/status/", {"user_id": world.publisher.user_id}).json()
    assert answer == {
        "status": "active",
        "joined_date": str(world.publisher.user.date_joined.date()),
        "total_campaigns": 1,
    }
    assert staff.client().post("/api/user/status/", {"user_id": 10**9}).status_code == 404


# ------------------------------------------------------------------------------
# Exchange
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"from": "EUR", "to": "USD", "amount": 100}, {"base": 100.0, "exchange": 108.0}),
        ({"from": "USD", "to": "EUR", "amount": 100}, {"base": 100.0, "exchange": 92.59}),
        ({"from": "usd", "to": "JPY", "amount": "10.005"}, {"base": 10.01, "exchange": 1513.0}),
        ({"from": "USD", "to": "USD", "amount": 3}, {"base": 3.0, "exchange": 3.0}),
    ],
)
def test_exchange_converts_with_the_rate_table(body, expected, owner, world):
    assert owner.client().post("/api/general/tools/exchange/", body, format="json").json() == expected


@pytest.mark.parametrize(
    "body",
    [
        {"from": "XXX", "to": "USD", "amount": 1},
        {"from": "USD", "to": "ABC", "amount": 1},
        {"from": "US", "to": "EUR", "amount": 1},
        {"from": "USD", "to": "EUR", "amount": -5},
        {"from": "USD", "to": "EUR", "amount": "lots"},
        {"from": "USD", "to": "EUR"},
    ],
)
def test_exchange_refuses_unknown_currencies_and_bad_amounts(body, owner, world):
    answer = owner.client().post("/api/general/tools/exchange/", body, format="json")
    assert answer.status_code == 400 and answer.json()["status"] == "error"


PROTECTED_ACCOUNT_ROUTES = [
    ("/api/user/status/ban/", {"banned": True, "reason": "Spam"}),
    ("/api/general/tools/user-ban/", {"banned": True, "reason": "Spam"}),
    ("/api/user/force-logout/", {}),
]


@pytest.mark.parametrize(("path", "extra"), PROTECTED_ACCOUNT_ROUTES)
def test_staff_accounts_cannot_be_banned_or_logged_out(path, extra, staff):
    colleague = StaffFactory()
    token_for(colleague)
    answer = staff.client().post(path, {"user_id": colleague.pk, **extra}, format="json")
    assert (answer.status_code, answer.json()["status"]) == (403, "error")
    assert ApiToken.objects.filter(user=colleague, revoked_at__isnull=True).exists()


@pytest.mark.parametrize(("path", "extra"), PROTECTED_ACCOUNT_ROUTES)
def test_the_caller_cannot_ban_or_log_out_itself(path, extra, staff):
    answer = staff.client().post(path, {"user_id": staff.user.pk, **extra}, format="json")
    assert answer.json() == {"status": "error", "message": "You cannot ban or log out your own account."}
    assert staff.client().post("/api/user/status/", {"user_id": staff.user.pk}).json()["status"] == "active"


def test_lifting_a_ban_is_allowed_for_any_account(staff):
    colleague = StaffFactory(is_active=False)
    answer = staff.client().post("/api/user/status/ban/", {"user_id": colleague.pk, "banned": False}, format="json")
    colleague.refresh_from_db()
    assert (answer.status_code, colleague.is_active) == (200, True)
