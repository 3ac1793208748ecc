"""The grant rule both doors ask, the API's access table and the admin: may this principal do
something that needs member role R, now?

A grant lives only as long as it holds: the user is active, an advertiser member still
belongs (the principal is built from the membership read on this request), the advertiser
is not held (suspended or closed), and the member's role reaches the least role the action
needs. Platform staff have no role: the rule does not limit them. Which kinds of principal
a door admits at all (influencers on the campaign app, members in admin) is the door's own
question, asked before this one.
"""

from __future__ import annotations

from enum import Enum

from .models import Advertiser
from .principal import Kind, Principal


class Refusal(str, Enum):
    INACTIVE_USER = "inactive_user"
    ADVERTISER_SUSPENDED = "advertiser_suspended"
    ADVERTISER_INACTIVE = "advertiser_inactive"
    ROLE_TOO_LOW = "role_too_low"


def refusal(principal: Principal, least_role: str) -> Refusal | None:
    """Why `principal` may not do what needs `least_role`; None when it may."""
    if principal.user is not None and not principal.user.is_active:
        return Refusal.INACTIVE_USER
    if principal.is_held:
        if principal.advertiser.status == Advertiser.Status.INACTIVE:
            return Refusal.ADVERTISER_INACTIVE
        return Refusal.ADVERTISER_SUSPENDED
    if not principal.may_act_as(least_role):
        return Refusal.ROLE_TOO_LOW
    return None


def may(principal: Principal, least_role: str) -> bool:
    return refusal(principal, least_role) is None


def member_may(principal: Principal, least_role: str) -> bool:
    """`may`, for a door that admits advertiser members only (staff are answered by the door itself)."""
    return principal.kind is Kind.ADVERTISER and may(principal, least_role)
