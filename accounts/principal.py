"""Who is making a request: exactly one principal per request.

Kinds: platform staff, an advertiser member (tenant scope), an influencer, a client
application (the campaign app, acting for an influencer or alone), or anonymous.

An advertiser principal exists only while its grant does: the user's membership of the
advertiser, read on every request, gives its `role`. A token scoped to an advertiser the
user no longer belongs to gives no advertiser principal (the authenticator refuses it).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .models import Advertiser, ApiToken, Application, Membership, Publisher, User


class Kind(str, Enum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"
    ADVERTISER = "advertiser"
    PUBLISHER = "influencer"
    APPLICATION = "application"


@dataclass(frozen=True)
class Principal:
    kind: Kind
    user: User | None = None
    advertiser: Advertiser | None = None
    publisher: Publisher | None = None
    application: Application | None = None
    token: ApiToken | None = None
    #: The member's role at `advertiser` (advertiser principals only).
    role: str | None = None

    @property
    def is_platform(self) -> bool:
        return self.kind is Kind.STAFF

    @property
    def is_held(self) -> bool:
        """An advertiser principal whose advertiser is suspended or inactive: it may not act at all."""
        return self.advertiser is not None and self.advertiser.is_held

    def may_act_as(self, least_role: str) -> bool:
        """Whether this principal's role is at least `least_role`. Only advertiser members have roles."""
        if self.kind is not Kind.ADVERTISER:
            return True
        return role_rank(self.role) >= role_rank(least_role)

    @property
    def advertiser_id(self) -> int | None:
        return self.advertiser.pk if self.advertiser else None

    @classmethod
    def anonymous(cls, application: Application | None = None) -> Principal:
        return cls(kind=Kind.APPLICATION if application else Kind.ANONYMOUS, application=application)

    @classmethod
    def for_user(cls, user: User, token: ApiToken | None = None, application: Application | None = None) -> Principal:
        """The principal a user acts as: a token's advertiser wins, then staff, then membership, then influencer."""
        if token is not None and token.advertiser_id is not None:
            role = token_member_role(token)
            if role is None:
                return cls(Kind.ANONYMOUS, user=user, token=token, application=application)
            return cls(
                Kind.ADVERTISER, user=user, advertiser=token.advertiser, token=token, application=application, role=role
            )
        if user.is_staff:
            return cls(Kind.STAFF, user=user, token=token, application=application)
        publisher = _publisher_of(user)
        if publisher is not None:
            return cls(Kind.PUBLISHER, user=user, publisher=publisher, token=token, application=application)
        membership = user.primary_membership()
        if membership is not None:
            return cls(
                Kind.ADVERTISER,
                user=user,
                advertiser=membership.advertiser,
                token=token,
                application=application,
                role=membership.role,
            )
        return cls(Kind.ANONYMOUS, user=user, token=token, application=application)


def _publisher_of(user: User) -> Publisher | None:
    """The user's publisher profile, if any; the token lookup has usually loaded it already."""
    try:
        return user.publisher
    except Publisher.DoesNotExist:
        return None


ROLE_RANKS = {Membership.Role.VIEWER: 1, Membership.Role.MANAGER: 2, Membership.Role.OWNER: 3}


def role_rank(role: str | None) -> int:
    return ROLE_RANKS.get(role, 0)


def token_member_role(token: ApiToken) -> str | None:
    """The role an advertiser-scoped token acts with now; None when it no longer grants anything.

    The user's membership of the token's advertiser gives it (read by the token lookup, else
    queried). Platform staff may hold a token scoped to an advertiser they do not belong to,
    to act for it: such a token acts as the owner would.
    """
    if hasattr(token, "member_role"):
        role = token.member_role
    else:
        role = (
            Membership.objects.filter(user_id=token.user_id, advertiser_id=token.advertiser_id)
            .values_list("role", flat=True)
            .first()
        )
    if role is None and token.user.is_staff:
        return Membership.Role.OWNER
    return role


def principal_of(request) -> Principal:
    """The request's principal, computed once and cached on the request."""
    cached = getattr(request, "_principal", None)
    if cached is not None:
        return cached
    user = getattr(request, "user", None)
    application = getattr(request, "application", None)
    if user is None or not user.is_authenticated:
        principal = Principal.anonymous(application)
    else:
        token = getattr(request, "auth", None)
        principal = Principal.for_user(user, token if isinstance(token, ApiToken) else None, application)
    request._principal = principal
    return principal
