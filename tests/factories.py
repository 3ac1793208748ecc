"""factory_boy factories for the accounts domain; other apps keep theirs beside their tests."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts import services
from accounts.models import (
    Advertiser,
    Application,
    Invitation,
    Membership,
    Publisher,
    SocialAccount,
    User,
    digest_secret,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password(PASSWORD)  # hashed before the insert: a first password, no change

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class AdvertiserFactory(DjangoModelFactory):
    class Meta:
        model = Advertiser

    name = factory.Sequence(lambda n: f"Advertiser {n}")
    contact_email = factory.Sequence(lambda n: f"contact{n}@advertiser.example")
    currency = "USD"
    maximum_limit = Decimal("10000.00")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    advertiser = factory.SubFactory(AdvertiserFactory)
    role = Membership.Role.OWNER


class PublisherFactory(DjangoModelFactory):
    class Meta:
        model = Publisher

    user = factory.SubFactory(UserFactory)
    sex = Publisher.Sex.FEMALE


class SocialAccountFactory(DjangoModelFactory):
    class Meta:
        model = SocialAccount

    publisher = factory.SubFactory(PublisherFactory)
    network = "instagram"
    kind = SocialAccount.Kind.USER
    network_id = factory.Sequence(lambda n: f"account{n}")
    url = factory.LazyAttribute(lambda o: f"https://{o.network}.com/{o.network_id}")
    approval = SocialAccount.Approval.APPROVED


def token_for(user, advertiser=None, **kwargs) -> str:
    """A fresh API token's plaintext."""
    return services.issue_token(user, advertiser=advertiser, **kwargs)[1]


def application() -> tuple[Application, str]:
    return services.create_application("Test app")


class InvitationFactory(DjangoModelFactory):
    """A pending invitation; its link's secret is `secret` (only the digest is stored)."""

    class Meta:
        model = Invitation
        exclude = ("secret",)

    secret = factory.Sequence(lambda n: f"invitation-secret-{n}")
    advertiser = factory.SubFactory(AdvertiserFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.MANAGER
    digest = factory.LazyAttribute(lambda o: digest_secret(o.secret))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
