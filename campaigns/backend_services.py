"""Rules behind the campaign backend endpoints: settings, registration windows, user management, exchange.

The task actions (approve, reject, pay, reopen) and custom tasks live in `tasks.backend_services`;
the campaign status machine is `campaigns.services.change_campaign_status`.
"""

from __future__ import annotations

import logging
import smtplib
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions

from accounts import services as account_services
from accounts.models import Notification, Publisher, SocialAccount, User

from .models import Campaign, ExchangeRate
from .money import quantize_money
from .services import RuleBroken, convert_amount

logger = logging.getLogger(__name__)

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
            raise exceptions.ValidationError({"settings": "date_end: The campaign cannot end before it starts."})
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
def user_state(user: User) -> str:
    """active, inactive, suspended or banned."""
    publisher = getattr(user, "publisher", None)
    if publisher is not None and publisher.banned:
        return "banned"
    if not user.is_active:
        return "inactive"
    return publisher.status if publisher is not None else "active"


def user_status(user: User) -> dict:
    publisher = getattr(user, "publisher", None)
    campaigns = publisher.tasks.values("campaign_id").distinct().count() if publisher is not None else 0
    return {"status": user_state(user), "joined_date": user.date_joined.date(), "total_campaigns": campaigns}


class ProtectedAccount(exceptions.PermissionDenied):
    """The account may not be banned or logged out through the API (403)."""


def ensure_user_may_be_restricted(user: User, *, acting_user: User | None) -> None:
    """Bans and force-logout are for influencers and advertiser members: never staff, never the caller.

    A platform token could otherwise lock the platform out of itself (ban the last admin).
    """
    if acting_user is not None and user.pk == acting_user.pk:
        raise ProtectedAccount("You cannot ban or log out your own account.")
    if user.is_staff or user.is_superuser:
        raise ProtectedAccount("Staff accounts cannot be banned or logged out through the API.")


def set_user_ban(user: User, banned: bool, reason: str = "", *, acting_user: User | None = None) -> None:
    """Ban or unban. A banned user's tokens stop working at once (the authenticator refuses them)
    and their sessions end; influencers can no longer join or complete. A user without an
    influencer profile is banned by deactivating the account. Staff and the caller cannot be
    banned; lifting a ban is always allowed."""
    if banned:
        ensure_user_may_be_restricted(user, acting_user=acting_user)
    with transaction.atomic():
        publisher = Publisher.objects.select_for_update().filter(user=user).first()
        if publisher is not None:
            publisher.banned = banned
            publisher.ban_reason = reason[:500] if banned else ""
            publisher.save(update_fields=["banned", "ban_reason"])
        else:
            User.objects.filter(pk=user.pk).update(is_active=not banned)
        if banned:
            User.objects.filter(pk=user.pk).update(credentials_valid_after=timezone.now())


def force_logout_user(user: User, *, acting_user: User | None = None) -> None:
    """Force-logout through the API: every session, token and JWT of an influencer or member ends."""
    ensure_user_may_be_restricted(user, acting_user=acting_user)
    account_services.force_logout(user)


def notify_user(user: User, message: str, type: str = "general") -> Notification:
    """Store the notification (the app lists it) and send it by e-mail."""
    notification = Notification.objects.create(user=user, type=type, message=message)
    try:
        send_mail(f"Notification: {type}", message, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not e-mail notification %s", notification.pk)
        return notification
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    notification.emailed_at = timezone.now()
    return notification


def add_custom_social_wall(user: User, network: str, wall_url: str) -> SocialAccount:
    """A wall the platform adds for the influencer: approved at once."""
    publisher = Publisher.objects.filter(user=user).first()
    if publisher is None:
        raise RuleBroken("Only an influencer can have a social wall.")
    try:
        with transaction.atomic():
            return SocialAccount.objects.create(
                publisher=publisher,
                network=network,
                kind=SocialAccount.Kind.WALL,
                network_id=wall_url[:200],
                url=wall_url,
                approval=SocialAccount.Approval.APPROVED,
            )
    except IntegrityError:
        raise RuleBroken("This social wall is already added.") from None


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
            raise exceptions.ValidationError({field: f"Unknown currency {code!r}."})
    return quantize_money(amount, base), convert_amount(amount, base, quote)
