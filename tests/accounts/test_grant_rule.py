"""The grant rule the API and admin both ask: may this principal do what needs member role R, now?"""

from __future__ import annotations

import pytest

from accounts import services
from accounts.grants import Refusal, may, refusal
from accounts.models import Membership
from accounts.principal import Principal

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db

OWNER, MANAGER, VIEWER = Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.VIEWER


def _principal(advertiser, role) -> Principal:
    return Principal.for_user(MembershipFactory(advertiser=advertiser, role=role).user)


def test_a_viewer_may_read(advertiser):
    assert may(_principal(advertiser, VIEWER), VIEWER)


def test_a_viewer_may_not_write(advertiser):
    assert refusal(_principal(advertiser, VIEWER), MANAGER) is Refusal.ROLE_TOO_LOW


def test_a_manager_may_not_do_what_needs_an_owner(advertiser):
    assert refusal(_principal(advertiser, MANAGER), OWNER) is Refusal.ROLE_TOO_LOW


def test_an_owner_may_do_what_needs_an_owner(advertiser):
    assert may(_principal(advertiser, OWNER), OWNER)


@pytest.mark.parametrize(
    ("hold", "expected"),
    [
        (services.suspend_advertiser, Refusal.ADVERTISER_SUSPENDED),
        (services.deactivate_advertiser, Refusal.ADVERTISER_INACTIVE),
    ],
)
def test_a_held_advertisers_owner_may_not_even_read(advertiser, hold, expected):
    principal = _principal(advertiser, OWNER)
    hold(advertiser)
    advertiser.refresh_from_db()
    assert refusal(Principal.for_user(principal.user), VIEWER) is expected


def test_an_inactive_user_may_not_read(advertiser):
    principal = _principal(advertiser, OWNER)
    principal.user.is_active = False
    assert refusal(principal, VIEWER) is Refusal.INACTIVE_USER


def test_staff_are_not_limited_by_roles(staff):
    assert may(Principal.for_user(staff.user), OWNER)
