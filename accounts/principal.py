"""Who is making a request: exactly one principal per request.

Kinds: platform staff, an advertiser member (tenant scope), an influencer, a client
application (the campaign app, acting for an influencer or alone), or anonymous.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .models import Advertiser, ApiToken, Application, Publisher, User


class Kind(str, Enum):
    ANONYMOUS = "anonymous"
    STAFF = "staff"
    ADVERTISER = "advertiser"
    INFLUENCER = "influencer"
    APPLICATION = "application"


@dataclass(frozen=True)
class Principal:
    kind: Kind
    user: User | None = None
    advertiser: Advertiser | None = None
    publisher: Publisher | None = None
    application: Application | None = None
    token: ApiToken | None = None

    @property
    def is_platform(self) -> bool:
        return self.kind is Kind.STAFF

    @property
    def advertiser_id(self) -> int | None:
        return self.advertiser.pk if self.advertiser else None

    @classmethod
    def anonymous(cls, application: Application | None = None) -> Principal:
        return cls(kind=Kind.APPLICATION if application else Kind.ANONYMOUS, application=application)

    @classmethod
    def for_user(
        cls, user: User, token: ApiToken | None = None, application: Application | None = None
    ) -> Principal:
        """The principal a user acts as: a token's advertiser wins, then staff, then membership, then influencer."""
        if token is not None and token.advertiser_id is not None:
            return cls(Kind.ADVERTISER, user=user, advertiser=token.advertiser, token=token, application=application)
        if user.is_staff:
            return cls(Kind.STAFF, user=user, token=token, application=application)
        publisher = Publisher.objects.filter(user=user).first()
        if publisher is not None:
            return cls(Kind.INFLUENCER, user=user, publisher=publisher, token=token, application=application)
        advertiser = user.primary_advertiser()
        if advertiser is not None:
            return cls(Kind.ADVERTISER, user=user, advertiser=advertiser, token=token, application=application)
        return cls(Kind.ANONYMOUS, user=user, token=token, application=application)


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
