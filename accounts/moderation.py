"""Restricting users: bans, force-logout and the state a user is in because of them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from leadplatform.domain import PermissionRefused

from . import services
from .models import Publisher, User


class ProtectedAccount(PermissionRefused):
    """The account may not be banned or logged out through the API."""


def user_state(user: User) -> str:
    """active, inactive, suspended or banned."""
    publisher = getattr(user, "publisher", None)
    if publisher is not None and publisher.banned:
        return "banned"
    if not user.is_active:
        return "inactive"
    return publisher.status if publisher is not None else "active"


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
    services.force_logout(user)
