"""Every backend endpoint answers in its documented shape (the campaign API, Backend Endpoints)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .routes import ROUTES

SEED_CAMPAIGN_KEYS = {
    "id",
    "type",
    "name",
    "tagline",
    "description",
    "image_logo",
    "image_post",
    "hashtags",
    "date_end",
    "networks",
    "currency",
    "tasks",
    "tasks_featured",
    "tasks_leaderboard",
    "publisher",
}
SEED_TASK_KEYS = {
    "id",
    "type",
    "networks",
    "status",
    "status_name",
    "media",
    "allow_complete",
    "allow_leave",
    "allow_countdown",
    "allow_payments",
    "allow_bonus",
    "is_disabled",
    "is_allowed_complete",
    "date_completed_minimum",
    "date_completed_maximum",
    "date_end",
    "bonus",
    "payments",
    "campaign",
}
SEED_TASK_CAMPAIGN_KEYS = {
    "id",
    "name",
    "type",
    "tagline",
    "description",
    "image_logo",
    "image_post",
    "hashtags",
    "date_end",
    "date_end_text",
    "networks",
    "currency",
    "tasks",
}
DATE_PARTS = {"year", "month", "day", "hour", "minute", "second"}


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_documented_shape(name, staff, world):
    route = ROUTES[name]
    body = route.body(world)
    fmt = "json" if any(not isinstance(v, str) for v in body.values()) else None
    answer = staff.client().post(route.path, body, format=fmt).json()
    if route.shape == "list":
        assert isinstance(answer, list) and answer
    else:
        assert route.shape <= set(answer), (set(answer), route.shape)


def test_campaign_list_item(staff, world):
    [item] = staff.client().post("/api/campaigns/", {"advertiser_id": world.foreign_campaign.advertiser_id}).json()
    assert set(item) == SEED_CAMPAIGN_KEYS
    assert set(item["date_end"]) == DATE_PARTS
    assert item["tasks"] == {
        "time": 72,
        "time_type": "hours",
        "minimum_reward": 25.0,
        "bonus": {"active": True, "promo_reach": 50.0, "promo_engagement_rate": 25.0, "promo_best_post": 100.0},
    }
    assert item["publisher"] == {
        key: {}
        for key in (
            "social_users_available",
            "social_pages_available",
            "social_walls_available",
            "social_channels_available",
            "social_extras_available",
        )
    }


def test_campaigns_for_a_user_carry_their_network_availability(staff, world):
    answer = staff.client().post("/api/campaigns/", {"user_id": world.publisher.user_id}).json()
    assert {c["id"] for c in answer} >= {world.campaign.pk}
    assert world.draft.pk not in {c["id"] for c in answer}
    item = next(c for c in answer if c["id"] == world.campaign.pk)
    assert item["publisher"]["social_users_available"] == {"instagram": True, "facebook": False}


def test_campaigns_option_precedence_advertiser_wins_over_user(staff, world, other_advertiser):
    answer = (
        staff.client()
        .post("/api/campaigns/", {"advertiser_id": other_advertiser.pk, "user_id": world.publisher.user_id})
        .json()
    )
    assert [c["id"] for c in answer] == [world.foreign_campaign.pk]


def test_task_list_item(staff, world):
    answer = staff.client().post("/api/tasks/", {"status": "paid"}).json()
    assert [t["id"] for t in answer] == [world.paid_task.pk]
    item = answer[0]
    assert set(item) >= SEED_TASK_KEYS
    assert set(item["campaign"]) >= SEED_TASK_CAMPAIGN_KEYS
    assert item["status"] == "paid" and item["status_name"] == "Paid"
    assert item["type"].startswith("Profile: ")
    assert item["payments"] == {"minimum": 25.0, "post": 30.0, "total": 55.0}
    assert item["bonus"] == {"reach": True, "engagement_rate": True, "best_post": False}
    assert set(item["campaign"]["tasks"]) == {"bonus", "minimum_reward"}


def test_task_list_item_names_the_publisher_by_user_id(staff, world):
    item = staff.client().post("/api/tasks/", {"status": "paid"}).json()[0]
    assert item["user_id"] == world.paid_task.publisher.user_id


def test_task_list_option_precedence(staff, world, other_advertiser):
    client = staff.client()
    by_advertiser = client.post(
        "/api/tasks/", {"advertiser_id": other_advertiser.pk, "campaign_id": world.campaign.pk, "status": "pending"}
    ).json()
    assert [t["id"] for t in by_advertiser] == [world.foreign_task.pk]
    by_campaign = client.post("/api/tasks/", {"campaign_id": world.campaign.pk, "status": "paid"}).json()
    assert len(by_campaign) == 4
    assert [t["id"] for t in client.post("/api/tasks/", {"status": "under_review"}).json()] == [
        world.foreign_task.pk,
        world.review_task.pk,
    ]


def test_check_endpoints(staff, world):
    client = staff.client()
    answer = client.post("/api/advertiser/check/", {"email": world.campaign.advertiser.contact_email.upper()}).json()
    assert answer == {"id": world.campaign.advertiser_id, "message": "Advertiser already exists"}
    assert client.post("/api/user/check/", {"email": world.publisher.user.email}).json() == {
        "id": world.publisher.user_id,
        "message": "User already exists",
    }
    assert client.post("/api/user/check/", {"email": "nobody@example.com"}).status_code == 404
    unknown = client.post("/api/general/tools/check-user/", {"user_id": 999_999}, format="json").json()
    assert unknown == {"exists": False, "status": None, "joined_date": None}
    known = client.post("/api/general/tools/check-user/", {"user_id": world.publisher.user_id}, format="json").json()
    assert known["exists"] is True and known["status"] == "active"


def test_invoices_filter_by_status_and_date(owner, advertiser):
    from ..campaigns.factories import InvoiceFactory

    InvoiceFactory(advertiser=advertiser, status="pending", date="2024-03-01", amount=Decimal("120.50"))
    InvoiceFactory(advertiser=advertiser, status="paid", date="2024-08-01", amount=Decimal("500"))
    InvoiceFactory(advertiser=advertiser, status="paid", date="2023-08-01")
    answer = (
        owner.client()
        .post(
            "/api/advertiser/invoices/", {"invoice_status": "paid", "date_from": "2024-01-01", "date_to": "2024-12-31"}
        )
        .json()
    )
    assert [(i["amount"], i["date"], i["status"]) for i in answer["invoices"]] == [(500.0, "2024-08-01", "paid")]
    assert set(answer["invoices"][0]) == {"id", "amount", "currency", "date", "status"}


def test_task_status_and_payments(owner, world):
    client = owner.client()
    status = client.post("/api/task/status/", {"task_id": world.pending_task.pk}).json()
    assert status == {
        "status": "pending",
        "assigned_date": str(world.pending_task.joined_at.date()),
        "deadline": str(world.pending_task.deadline.date()),
    }
    paid = client.post("/api/task/payments/", {"task_id": world.paid_task.pk}).json()
    assert paid == {
        "payment": 55.0,
        "payment_minimum": 25.0,
        "payment_post": 30.0,
        "payment_bonus_reach": 0.0,
        "payment_bonus_engagement_rate": 0.0,
        "payment_bonus_best_post": 0.0,
        "paid": True,
        "currency": "USD",
    }
    earned = client.post("/api/task/payments/", {"task_id": world.accepted_task.pk}).json()
    # 2000 reach ≥ the 1000 threshold, 7.5 % engagement ≥ 5 %: both bonuses, not paid yet.
    assert earned["payment"] == 130.0 and earned["payment_bonus_reach"] == 50.0 and earned["paid"] is False


def test_lists(owner, world):
    client = owner.client()
    locations = client.post("/api/general/lists/locations/").json()
    assert locations["countries"][0]["cities"] == [{"id": world.publisher.city_id, "name": "New York"}]
    assert client.post("/api/general/lists/allowed-countries/").json()["countries"][0]["currency_code"] == "USD"
    cities = client.post("/api/general/lists/allowed-cities/", {"country_id": world.publisher.country_id}).json()
    assert cities == {"cities": [{"id": world.publisher.city_id, "name": "New York"}]}
    assert client.post("/api/general/lists/allowed-categories/").json()["categories"][0]["name"] == "Fashion"
    campaigns = client.post("/api/general/lists/allowed-campaigns/").json()["campaigns"]
    assert campaigns == [{"id": world.campaign.pk, "name": world.campaign.name}]


def test_advertisers_list_for_the_platform(staff, advertiser, other_advertiser):
    answer = staff.client().post("/api/general/lists/advertisers/").json()
    assert {"id": advertiser.pk, "name": "Acme", "email": advertiser.contact_email} in answer["advertisers"]
    assert len(answer["advertisers"]) == 2
