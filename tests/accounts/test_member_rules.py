"""The membership services' rules: owners (and staff) alone manage members, and an advertiser keeps an owner."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from accounts import memberships
from accounts.models import Advertiser, Membership
from accounts.principal import Principal
from accounts.services import issue_token
from leadplatform.domain import DomainError, InvalidInput, PermissionRefused, RuleRefused

from ..factories import AdvertiserFactory, InvitationFactory, MembershipFactory, StaffFactory, UserFactory

SITE = "https://platform.example"


def acting(membership: Membership) -> Principal:
    return Principal.for_user(membership.user)


def owners_of(advertiser) -> int:
    return Membership.objects.filter(advertiser=advertiser, role=Membership.Role.OWNER).count()


@pytest.fixture
def team(db):
    """An advertiser with two owners and a manager."""
    advertiser = AdvertiserFactory()
    first, second = (MembershipFactory(advertiser=advertiser, role=Membership.Role.OWNER) for _ in range(2))
    manager = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER)
    return first, second, manager


@pytest.mark.django_db
class TestWhoMay:
    def test_a_manager_cannot_change_an_owners_role(self, team):
        first, _, manager = team
        with pytest.raises(PermissionRefused):
            memberships.change_role(acting(manager), first, Membership.Role.VIEWER)

    def test_a_manager_cannot_remove_a_member(self, team):
        _, _, manager = team
        viewer = MembershipFactory(advertiser=manager.advertiser, role=Membership.Role.VIEWER)
        with pytest.raises(PermissionRefused):
            memberships.remove_member(acting(manager), viewer)

    def test_a_manager_cannot_invite(self, team):
        _, _, manager = team
        with pytest.raises(PermissionRefused):
            memberships.invite_member(
                acting(manager), manager.advertiser, email="x@example.com", role="owner", site_url=SITE
            )

    def test_an_owner_of_another_advertiser_cannot_change_a_role(self, team):
        first, _, _ = team
        stranger = MembershipFactory(role=Membership.Role.OWNER)
        with pytest.raises(PermissionRefused):
            memberships.change_role(acting(stranger), first, Membership.Role.VIEWER)

    def test_an_owner_cannot_add_an_account(self, team):
        first, _, _ = team
        with pytest.raises(PermissionRefused):
            memberships.add_member(acting(first), first.advertiser, UserFactory(), role="owner")

    def test_a_suspended_advertisers_owner_changes_nothing(self, team):
        first, _, manager = team
        Advertiser.objects.filter(pk=first.advertiser_id).update(status=Advertiser.Status.SUSPENDED)
        with pytest.raises(PermissionRefused):
            memberships.change_role(acting(first), manager, Membership.Role.VIEWER)

    def test_staff_change_an_owners_role(self, team):
        first, _, _ = team
        memberships.change_role(Principal.for_user(StaffFactory()), first, Membership.Role.VIEWER)
        first.refresh_from_db()
        assert first.role == Membership.Role.VIEWER

    def test_an_unknown_role_is_invalid(self, team):
        first, _, manager = team
        with pytest.raises(InvalidInput):
            memberships.change_role(acting(first), manager, "admin")

    def test_an_invalid_address_is_invalid(self, team):
        first, _, _ = team
        with pytest.raises(InvalidInput):
            memberships.invite_member(
                acting(first), first.advertiser, email="x" * 250 + "@a.io", role="viewer", site_url=SITE
            )

    def test_an_accepted_invitation_cannot_be_revoked(self, team):
        first, _, _ = team
        invitation = InvitationFactory(advertiser=first.advertiser, accepted_at="2026-01-01T00:00Z")
        with pytest.raises(RuleRefused):
            memberships.revoke_invitation(acting(first), invitation)


@pytest.mark.django_db
class TestLastOwner:
    def test_the_last_owner_cannot_demote_themself(self, team):
        first, second, _ = team
        memberships.remove_member(acting(first), second)
        with pytest.raises(RuleRefused):
            memberships.change_role(acting(first), first, Membership.Role.MANAGER)

    def test_the_last_owner_cannot_leave(self, team):
        first, second, _ = team
        memberships.remove_member(acting(first), second)
        with pytest.raises(RuleRefused):
            memberships.remove_member(acting(first), first)

    def test_staff_cannot_take_the_last_owner_either(self, team):
        first, second, _ = team
        memberships.remove_member(acting(first), second)
        with pytest.raises(RuleRefused):
            memberships.remove_member(Principal.for_user(StaffFactory()), first)

    def test_an_owner_may_step_down_while_another_remains(self, team):
        first, _, _ = team
        memberships.change_role(acting(first), first, Membership.Role.MANAGER)
        assert owners_of(first.advertiser) == 1

    def test_removing_a_member_revokes_their_tokens_for_the_advertiser(self, team):
        first, _, manager = team
        token, _ = issue_token(manager.user, advertiser=manager.advertiser)
        memberships.remove_member(acting(first), manager)
        token.refresh_from_db()
        assert token.revoked_at is not None


# ------------------------------------------------------------------------------
# Two owners demoting each other at the same moment, on two connections
# ------------------------------------------------------------------------------
def demote_holding_the_transaction(actor: Membership, target: Membership, changed: threading.Event, release):
    """Demote `target` as `actor` and keep the transaction open until `release` is set."""
    try:
        with transaction.atomic():
            memberships.change_role(acting(actor), target, Membership.Role.MANAGER)
            changed.set()
            release.wait(timeout=30)
    finally:
        connection.close()


def demote(actor: Membership, target: Membership, outcome: list) -> None:
    try:
        memberships.change_role(acting(actor), target, Membership.Role.MANAGER)
        outcome.append("demoted")
    except DomainError as refusal:
        outcome.append(refusal)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(team):
    first, second, _ = team
    first_changed, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=demote_holding_the_transaction, args=(first, second, first_changed, release))
    holder.start()
    assert first_changed.wait(timeout=30)
    outcome: list = []
    racer = threading.Thread(target=demote, args=(second, first, outcome))
    racer.start()
    racer.join(timeout=1)
    waited_for_the_lock = racer.is_alive()
    release.set()
    holder.join(timeout=30)
    racer.join(timeout=30)
    assert waited_for_the_lock
    assert isinstance(outcome[0], PermissionRefused)  # the second is no owner any more
    assert owners_of(first.advertiser) == 1


@pytest.mark.django_db(transaction=True)
def test_two_owners_stepping_down_at_once_leave_one_owner(team):
    first, second, _ = team
    barrier = threading.Barrier(2)
    outcome: list = []

    def step_down(owner: Membership) -> None:
        barrier.wait()
        demote(owner, owner, outcome)

    threads = [threading.Thread(target=step_down, args=(owner,)) for owner in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    refusals = [result for result in outcome if result != "demoted"]
    assert [type(refusal) for refusal in refusals] == [RuleRefused]  # and the other stepped down
    assert owners_of(first.advertiser) == 1
