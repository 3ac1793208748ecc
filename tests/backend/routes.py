"""Every backend route: its path, a valid body built from the test world, and its documented shape.

`names_tenant_row`: the body names a row of the first advertiser, so another advertiser's token
gets a 404. Routes without such an id (reference lists, exchange) answer every advertiser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from campaigns.models import Campaign


@dataclass(frozen=True)
class Route:
    path: str
    body: Callable
    names_tenant_row: bool
    shape: set | str  # top-level keys of the answer, or "list" for a JSON array


def _user(w):
    return w.publisher.user_id


ROUTES: dict[str, Route] = {
    "campaigns": Route("/api/campaigns/", lambda w: {"advertiser_id": w.campaign.advertiser_id}, True, "list"),
    "tasks": Route("/api/tasks/", lambda w: {"campaign_id": w.campaign.pk}, True, "list"),
    "advertiser-check": Route(
        "/api/advertiser/check/", lambda w: {"email": w.campaign.advertiser.contact_email}, False, {"id", "message"}
    ),
    "user-check": Route("/api/user/check/", lambda w: {"email": w.publisher.user.email}, False, {"id", "message"}),
    "advertiser-stats-financial": Route(
        "/api/advertiser/stats/financial/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id, "date_from": "2024-01-01", "date_to": "2099-12-31"},
        True,
        {"total_spent", "total_campaigns", "average_cpm", "currency"},
    ),
    "advertiser-maximum-limit": Route(
        "/api/advertiser/maximum-limit/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id},
        True,
        {"maximum_limit", "currency"},
    ),
    "advertiser-invoices": Route(
        "/api/advertiser/invoices/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id, "invoice_status": "paid"},
        True,
        {"invoices"},
    ),
    "campaigns-stats-general": Route(
        "/api/campaigns/stats/general/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id, "date_from": "2024-01-01", "date_to": "2099-12-31"},
        True,
        {"total_campaigns", "active_campaigns", "completed_campaigns", "pending_campaigns"},
    ),
    "campaigns-stats-status": Route(
        "/api/campaigns/stats/status/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id},
        True,
        set(Campaign.Status.values),
    ),
    "campaigns-stats-networks": Route(
        "/api/campaigns/stats/networks/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id},
        True,
        {"instagram", "facebook", "twitter", "tiktok", "youtube", "linkedin"},
    ),
    "campaign-stats-networks": Route(
        "/api/campaign/stats/networks/", lambda w: {"campaign_id": w.campaign.pk}, True, {"instagram", "facebook"}
    ),
    "campaign-stats-costs": Route(
        "/api/campaign/stats/costs/",
        lambda w: {"campaign_id": w.campaign.pk},
        True,
        {"total_spent", "average_cpm", "currency"},
    ),
    "campaign-settings": Route(
        "/api/campaign/settings/",
        lambda w: {"campaign_id": w.campaign.pk, "settings[post_rate]": "30"},
        True,
        {"status", "message"},
    ),
    "campaign-status": Route(
        "/api/campaign/status/",
        lambda w: {"campaign_id": w.campaign.pk, "status": "paused"},
        True,
        {"status", "message"},
    ),
    "campaign-pre-register": Route(
        "/api/campaign/pre-register/", lambda w: {"campaign_id": w.draft.pk}, True, {"status", "message"}
    ),
    "campaign-post-register": Route(
        "/api/campaign/post-register/", lambda w: {"campaign_id": w.campaign.pk}, True, {"status", "message"}
    ),
    "publishers-stats-status": Route(
        "/api/publishers/stats/status/", lambda w: {}, False, {"active", "inactive", "suspended"}
    ),
    "publishers-stats-activity": Route(
        "/api/publishers/stats/activity/",
        lambda w: {"date_from": "2024-01-01", "date_to": "2099-12-31"},
        False,
        {"total_posts", "total_reach", "total_engagement"},
    ),
    "user-status": Route(
        "/api/user/status/", lambda w: {"user_id": _user(w)}, False, {"status", "joined_date", "total_campaigns"}
    ),
    "user-ban": Route(
        "/api/user/status/ban/",
        lambda w: {"user_id": _user(w), "banned": "true", "reason": "Violation of terms"},
        False,
        {"status", "message"},
    ),
    "user-notification": Route(
        "/api/user/notification/",
        lambda w: {"user_id": _user(w), "message": "New campaign available", "type": "campaign"},
        False,
        {"status", "message"},
    ),
    "user-force-logout": Route(
        "/api/user/force-logout/", lambda w: {"user_id": _user(w)}, False, {"status", "message"}
    ),
    "user-custom-social-wall": Route(
        "/api/user/add-custom-social-wall/",
        lambda w: {"user_id": _user(w), "wall_url": "https://example.com/wall", "network": "instagram"},
        False,
        {"status", "message"},
    ),
    "task-status": Route(
        "/api/task/status/", lambda w: {"task_id": w.pending_task.pk}, True, {"status", "assigned_date", "deadline"}
    ),
    "task-payments": Route(
        "/api/task/payments/",
        lambda w: {"task_id": w.paid_task.pk},
        True,
        {"payment", "payment_post", "payment_bonus_reach", "currency"},
    ),
    "task-actions": Route(
        "/api/task/actions/", lambda w: {"task_id": w.review_task.pk, "action": "approve"}, True, {"status", "message"}
    ),
    "task-custom": Route(
        "/api/task/custom/",
        lambda w: {
            "campaign_id": w.campaign.pk,
            "title": "Custom Task",
            "description": "Custom task description",
            "requirements": "Custom requirements",
        },
        True,
        {"status", "task_id", "message"},
    ),
    "users-stats-sex": Route("/api/users/stats/sex/", lambda w: {}, False, {"male", "female"}),
    "users-stats-age": Route("/api/users/stats/age/", lambda w: {}, False, {"18-24", "25-34", "35-44", "45+"}),
    "users-stats-preferences": Route("/api/users/stats/preferences/", lambda w: {}, False, {"fashion", "other"}),
    "general-stats-pending": Route(
        "/api/general/stats/pending/", lambda w: {}, False, {"pending_campaigns", "pending_tasks", "pending_approvals"}
    ),
    "general-stats-financial": Route(
        "/api/general/stats/financial/",
        lambda w: {"date_from": "2024-01-01", "date_to": "2099-12-31"},
        False,
        {"total_revenue", "total_payouts", "currency"},
    ),
    "general-stats-estimated-publishers": Route(
        "/api/general/stats/estimated-publishers/", lambda w: {}, False, {"estimated_publishers", "active_publishers"}
    ),
    "general-stats-potential-publishers": Route(
        "/api/general/stats/potential-publishers/", lambda w: {}, False, {"potential_publishers", "conversion_rate"}
    ),
    "lists-locations": Route("/api/general/lists/locations/", lambda w: {}, False, {"countries"}),
    "lists-advertisers": Route("/api/general/lists/advertisers/", lambda w: {}, False, {"advertisers"}),
    "lists-allowed-countries": Route("/api/general/lists/allowed-countries/", lambda w: {}, False, {"countries"}),
    "lists-allowed-cities": Route("/api/general/lists/allowed-cities/", lambda w: {}, False, {"cities"}),
    "lists-allowed-categories": Route("/api/general/lists/allowed-categories/", lambda w: {}, False, {"categories"}),
    "lists-allowed-campaigns": Route(
        "/api/general/lists/allowed-campaigns/",
        lambda w: {"advertiser_id": w.campaign.advertiser_id},
        True,
        {"campaigns"},
    ),
    "tools-exchange": Route(
        "/api/general/tools/exchange/",
        lambda w: {"from": "USD", "to": "EUR", "amount": 100},
        False,
        {"base", "exchange"},
    ),
    "tools-check-user": Route(
        "/api/general/tools/check-user/", lambda w: {"user_id": _user(w)}, False, {"exists", "status", "joined_date"}
    ),
    "tools-user-ban": Route(
        "/api/general/tools/user-ban/",
        lambda w: {"user_id": _user(w), "banned": True, "reason": "Violation of terms"},
        False,
        {"status", "message"},
    ),
}
