"""Influencer accounts: registration through a client application, its tokens, network accounts staff add or review."""

from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from leadplatform.domain import InvalidInput, RuleRefused

from .models import ApiToken, Publisher, SocialAccount, User
from .services import issue_token

APP_TOKEN_LIFETIME = timedelta(days=30)


def register_publisher(*, username: str, email: str, password: str, **profile) -> User:
    """A new influencer: a user with a publisher profile."""
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            Publisher.objects.create(user=user, **profile)
    except IntegrityError:
        # Two registrations raced past the serializer's uniqueness checks.
        raise InvalidInput({"username": "This username or e-mail is taken."}) from None
    return user


def issue_app_token(user: User, application) -> tuple[ApiToken, str]:
    """An influencer's token for a client application: an ordinary hashed API token that expires."""
    return issue_token(
        user,
        name=f"app: {application.name}"[:100],
        source=ApiToken.Source.APP,
        expires_at=timezone.now() + APP_TOKEN_LIFETIME,
    )


def add_custom_social_wall(user: User, network: str, wall_url: str) -> SocialAccount:
    """A wall the platform adds for the influencer: approved at once."""
    publisher = Publisher.objects.filter(user=user).first()
    if publisher is None:
        raise RuleRefused("Only an influencer can have a social wall.")
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
        raise RuleRefused("This social wall is already added.") from None


def review_social_accounts(accounts, approval: str) -> int:
    """Staff's decision on network accounts awaiting approval; the others keep theirs."""
    return accounts.filter(approval=SocialAccount.Approval.PENDING).update(approval=approval)
