"""Demo accounts: a platform admin, two advertisers with owners, publishers, an application.

Deterministic and idempotent: rows are found by natural keys and updated in place. Tokens
and the application secret are stored hashed, so each run issues fresh ones (revoking the
previous demo ones) and reports them in `credentials`.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import check_password, get_hasher, identify_hasher, make_password
from django.utils import timezone

from . import services
from .models import Advertiser, ApiToken, Application, Membership, Publisher, SocialAccount, User

DEMO_PASSWORD = "demo-password-123"
PLATFORM_USERNAME = "admin"

ADVERTISERS = [
    {"name": "Acme Outdoor", "email": "owner@acme.example", "username": "acme", "currency": "USD", "limit": "25000.00"},
    {
        "name": "Globex Beauty",
        "email": "owner@globex.example",
        "username": "globex",
        "currency": "EUR",
        "limit": "15000.00",
    },
]

PUBLISHERS = [
    {
        "username": "anna",
        "sex": Publisher.Sex.FEMALE,
        "birth": "1996-04-12",
        "accounts": [("instagram", "user"), ("facebook", "page")],
    },
    {
        "username": "ben",
        "sex": Publisher.Sex.MALE,
        "birth": "1990-09-30",
        "accounts": [("instagram", "user"), ("tiktok", "channel")],
    },
    {
        "username": "carla",
        "sex": Publisher.Sex.FEMALE,
        "birth": "2001-01-05",
        "accounts": [("facebook", "wall"), ("youtube", "channel")],
    },
]


def _user(username: str, email: str, **flags) -> User:
    user, _ = User.objects.update_or_create(username=username, defaults={"email": email, **flags})
    # A new hash would sign the user out of every browser (the session keeps a hash of the hash).
    if not _is_current_demo_hash(user.password, settings.PASSWORD_HASHERS[0]):
        user.password = _demo_password_hash(settings.PASSWORD_HASHERS[0])
        user.save(update_fields=["password"])
    return user


@functools.cache
def _is_current_demo_hash(encoded: str, hasher: str) -> bool:
    """Whether `encoded` is the demo password hashed by the preferred hasher (`hasher`), needing no upgrade.

    Cached: the demo users share one hash, so a seed checks it once (~0.4 s with PBKDF2).
    """
    if not check_password(DEMO_PASSWORD, encoded):
        return False
    current = identify_hasher(encoded)
    return current.algorithm == get_hasher().algorithm and not current.must_update(encoded)


@functools.cache
def _demo_password_hash(hasher: str) -> str:
    """One hash of the (public) demo password for every demo user: each hash costs ~0.4 s (PBKDF2).

    Cached per password hasher setting (`hasher`), so tests that change the hashers get their own.
    """
    return make_password(DEMO_PASSWORD)


def _fresh_token(user: User, advertiser: Advertiser | None = None) -> str:
    ApiToken.objects.filter(user=user, source=ApiToken.Source.DEMO, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return services.issue_token(user, advertiser=advertiser, name="demo", source=ApiToken.Source.DEMO)[1]


def demo_logins(*, for_influencers: bool) -> list[tuple[str, str]]:
    """The demo logins a login page names while in development, once seeded: (who, username), the one
    the page is for first. The admin's: the advertiser, then the platform admin; /login/'s: the
    influencer, then the advertiser. All share DEMO_PASSWORD."""
    if not settings.DEBUG:
        return []
    advertiser = ("Demo advertiser", ADVERTISERS[0]["username"])
    influencer = ("Demo influencer (the app at /app/)", PUBLISHERS[0]["username"])
    platform = ("Platform admin (every advertiser)", PLATFORM_USERNAME)
    logins = [influencer, advertiser] if for_influencers else [advertiser, platform]
    seeded = set(
        User.objects.filter(username__in=[username for _, username in logins]).values_list("username", flat=True)
    )
    return [(who, username) for who, username in logins if username in seeded]


def seed(credentials: dict) -> None:
    staff = _user(PLATFORM_USERNAME, "admin@platform.example", is_staff=True, is_superuser=True)
    credentials["platform"] = {
        "username": staff.username,
        "email": staff.email,
        "password": DEMO_PASSWORD,
        "token": _fresh_token(staff),
    }

    credentials["advertisers"] = []
    for spec in ADVERTISERS:
        advertiser, _ = Advertiser.objects.update_or_create(
            contact_email=spec["email"],
            defaults={"name": spec["name"], "currency": spec["currency"], "maximum_limit": Decimal(spec["limit"])},
        )
        owner = _user(spec["username"], spec["email"])
        Membership.objects.update_or_create(user=owner, advertiser=advertiser, defaults={"role": Membership.Role.OWNER})
        credentials["advertisers"].append(
            {
                "id": advertiser.pk,
                "name": advertiser.name,
                "email": advertiser.contact_email,
                "owner": {
                    "user_id": owner.pk,
                    "username": owner.username,
                    "email": owner.email,
                    "password": DEMO_PASSWORD,
                },
                "token": _fresh_token(owner, advertiser),
            }
        )

    credentials["publishers"] = []
    for spec in PUBLISHERS:
        user = _user(spec["username"], f"{spec['username']}@influencer.example")
        publisher, _ = Publisher.objects.update_or_create(
            user=user, defaults={"sex": spec["sex"], "birth_date": spec["birth"]}
        )
        for network, kind in spec["accounts"]:
            SocialAccount.objects.update_or_create(
                publisher=publisher,
                network=network,
                kind=kind,
                network_id=f"{user.username}_{network}",
                defaults={"url": f"https://{network}.com/{user.username}", "approval": SocialAccount.Approval.APPROVED},
            )
        # user_id is what every backend route's `user_id` takes; id is the publisher profile's own key.
        credentials["publishers"].append(
            {
                "user_id": user.pk,
                "id": publisher.pk,
                "username": user.username,
                "email": user.email,
                "password": DEMO_PASSWORD,
                "token": _fresh_token(user),
            }
        )

    application = Application.objects.filter(name="Demo influencer app").first() or Application(
        name="Demo influencer app"
    )
    secret = services.set_application_secret(application)
    application.save()
    credentials["application"] = {"client_id": application.client_id, "client_secret": secret}
