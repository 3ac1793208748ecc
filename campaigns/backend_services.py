"""Rules behind the campaign backend endpoints: settings, registration windows, user status, exchange.

The task actions (approve, reject, pay, reopen) and custom tasks live in `tasks.backend_services`;
the campaign status machine is `campaigns.services.change_campaign_status`; bans and force-logout
are `accounts.moderation`, notifications `accounts.notifications`, social walls `accounts.publishers`.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.moderation import user_state
from leadplatform.domain import InvalidInput

from .models import Campaign, ExchangeRate
from .money import quantize_money
from .services import RuleBroken, convert_amount

# The setting names the endpoint accepts, and the campaign field each one sets.
SETTING_FIELDS = {
    "post_rate": "post_rate",
    "minimum_reward": "minimum_reward",
    "has_bonus": "bonus_active",
    "promo_reach_bonus": "promo_reach_bonus",
    "promo_engagement_rate_bonus": "promo_engagement_rate_bonus",
    "promo_best_post_bonus": "promo_best_post_bonus",
    "reach_bonus_threshold": "reach_bonus_threshold",
    "engagement_rate_bonus_threshold": "engagement_rate_bonus_threshold",
    "budget": "budget",
    "task_time": "task_time",
    "task_time_unit": "task_time_unit",
    "tasks_featured": "tasks_featured",
    "tasks_leaderboard": "tasks_leaderboard",
    "date_end": "date_end",
}
CLOSED_STATUSES = (Campaign.Status.COMPLETED, Campaign.Status.CANCELLED)


# ------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------
def update_campaign_settings(campaign: Campaign, values: dict) -> Campaign:
    """Apply validated settings (names from SETTING_FIELDS); a closed campaign keeps its settings."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status in CLOSED_STATUSES:
            raise RuleBroken(f"A {locked.status} campaign's settings cannot change.")
        fields = []
        for name, value in values.items():
            setattr(locked, SETTING_FIELDS[name], value)
            fields.append(SETTING_FIELDS[name])
        if locked.date_end and locked.date_start and locked.date_end < locked.date_start:
            raise InvalidInput({"settings": "date_end: The campaign cannot end before it starts."})
        if fields:
            locked.save(update_fields=fields)
    return locked


def open_pre_registration(campaign: Campaign) -> Campaign:
    """Influencers may join before the campaign starts (while it is pending)."""
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.PENDING):
        raise RuleBroken(f"Pre-registration opens before a campaign starts; this one is {campaign.status}.")
    Campaign.objects.filter(pk=campaign.pk).update(pre_registration=True, updated_at=timezone.now())
    campaign.pre_registration = True
    return campaign


def open_post_registration(campaign: Campaign) -> Campaign:
    """Influencers who already posted may register their post after the campaign ends."""
    if campaign.status in (Campaign.Status.DRAFT, Campaign.Status.CANCELLED):
        raise RuleBroken(f"A {campaign.status} campaign cannot take post-registrations.")
    Campaign.objects.filter(pk=campaign.pk).update(post_registration=True, updated_at=timezone.now())
    campaign.post_registration = True
    return campaign


# ------------------------------------------------------------------------------
# Users
# ------------------------------------------------------------------------------
def user_status(user: User) -> dict:
    """The account's state and how many campaigns the influencer took part in."""
    publisher = getattr(user, "publisher", None)
    campaigns = publisher.tasks.values("campaign_id").distinct().count() if publisher is not None else 0
    return {"status": user_state(user), "joined_date": user.date_joined.date(), "total_campaigns": campaigns}


# ------------------------------------------------------------------------------
# Money
# ------------------------------------------------------------------------------
def known_currencies() -> set[str]:
    pairs = ExchangeRate.objects.values_list("base", "quote")
    return {code for pair in pairs for code in pair}


def exchange(amount: Decimal, base: str, quote: str) -> tuple[Decimal, Decimal]:
    """(amount rounded to `base`, converted amount rounded to `quote`); an unknown currency is a 400."""
    base, quote = base.upper(), quote.upper()
    known = known_currencies()
    for field, code in (("from", base), ("to", quote)):
        if code not in known:
            raise InvalidInput({field: f"Unknown currency {code!r}."})
    return quantize_money(amount, base), convert_amount(amount, base, quote)
