"""One principal per request: staff, advertiser (by token or membership), influencer, application."""

import pytest

from accounts.principal import Kind, Principal
from accounts.services import create_application
from leadplatform.api.counters import DatabaseCounterStore
from leadplatform.api.tasks import purge_expired_counters

from ..factories import MembershipFactory, PublisherFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_user_is_the_platform():
    assert Principal.for_user(StaffFactory()).kind is Kind.STAFF


def test_member_acts_for_their_oldest_membership():
    membership = MembershipFactory()
    MembershipFactory(user=membership.user)
    principal = Principal.for_user(membership.user)
    assert (principal.kind, principal.advertiser) == (Kind.ADVERTISER, membership.advertiser)


def test_scoped_token_wins_over_membership(owner, other_advertiser):
    from accounts.models import ApiToken

    token = ApiToken.objects.get(user=owner.user)
    assert Principal.for_user(owner.user, token).advertiser == owner.advertiser


def test_staff_with_an_advertiser_token_is_scoped_to_it(advertiser):
    from accounts.services import issue_token

    staff = StaffFactory()
    token, _ = issue_token(staff, advertiser=advertiser)
    principal = Principal.for_user(staff, token)
    assert (principal.kind, principal.is_platform) == (Kind.ADVERTISER, False)


def test_a_publisher_acts_as_the_publisher_kind():
    publisher = PublisherFactory()
    principal = Principal.for_user(publisher.user)
    assert (principal.kind, principal.publisher) == (Kind.PUBLISHER, publisher)


def test_plain_user_has_no_role():
    assert Principal.for_user(UserFactory()).kind is Kind.ANONYMOUS


def test_application_alone_is_an_application_principal():
    application, _ = create_application("app")
    assert Principal.anonymous(application).kind is Kind.APPLICATION


def test_purge_drops_only_expired_counters():
    store = DatabaseCounterStore()
    store.incr("rl:old", ttl=-5)
    store.incr("rl:live", ttl=60)
    assert purge_expired_counters() == 1
    assert store.get("rl:live") == 1
