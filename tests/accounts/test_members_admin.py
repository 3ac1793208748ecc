"""The members page in admin: the advertiser's owners (and staff) alone change roles and remove members."""

import re

import pytest

from accounts.models import Membership, MembershipChange

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MEMBERS = "/admin/accounts/membership/"
CHANGES = "/admin/accounts/membershipchange/"


def change_url(membership) -> str:
    return f"{MEMBERS}{membership.pk}/change/"


def delete_url(membership) -> str:
    return f"{MEMBERS}{membership.pk}/delete/"


def membership_of(actor) -> Membership:
    return Membership.objects.get(user=actor.user, advertiser=actor.advertiser)


@pytest.fixture
def viewer(advertiser):
    return MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER)


def signed_in(client, user):
    client.force_login(user)
    return client


# ------------------------------------------------------------------------------
# A manager reaches no membership URL to write
# ------------------------------------------------------------------------------
def test_a_manager_cannot_change_the_owners_role(client, owner, member):
    response = signed_in(client, member.user).post(change_url(membership_of(owner)), {"role": "viewer"})
    assert response.status_code == 403
    assert membership_of(owner).role == Membership.Role.OWNER


def test_a_manager_cannot_add_a_member(client, member, outsider, staff):
    response = signed_in(client, member.user).post(
        f"{MEMBERS}add/", {"user": outsider.user.pk, "advertiser": member.advertiser.pk, "role": "owner"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user__in=[outsider.user, staff.user], advertiser=member.advertiser).exists()


def test_a_manager_cannot_remove_a_member(client, member, viewer):
    response = signed_in(client, member.user).post(delete_url(viewer), {"post": "yes"})
    assert response.status_code == 403
    assert Membership.objects.filter(pk=viewer.pk).exists()


@pytest.mark.parametrize("page", ["", "add/", "{pk}/change/", "{pk}/delete/"])
def test_a_manager_reaches_no_members_page(client, owner, member, page):
    path = MEMBERS + page.format(pk=membership_of(owner).pk)
    assert signed_in(client, member.user).get(path).status_code == 403


def test_a_manager_does_not_see_the_members_page_on_the_index(client, member):
    response = signed_in(client, member.user).get("/admin/")
    assert MEMBERS not in response.content.decode()


def test_an_owner_sees_the_members_page_on_the_index(client, owner):
    response = signed_in(client, owner.user).get("/admin/")
    assert MEMBERS in response.content.decode()


# ------------------------------------------------------------------------------
# Owners
# ------------------------------------------------------------------------------
def test_the_members_page_lists_the_advertisers_members_only(client, owner, member, outsider):
    response = signed_in(client, owner.user).get(MEMBERS)
    listed = {membership.pk for membership in response.context["cl"].result_list}
    assert listed == {membership_of(owner).pk, membership_of(member).pk}


def test_an_owner_cannot_add_an_account_of_the_platform(client, owner, outsider):
    response = signed_in(client, owner.user).post(
        f"{MEMBERS}add/", {"user": outsider.user.pk, "advertiser": owner.advertiser.pk, "role": "owner"}
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user=outsider.user, advertiser=owner.advertiser).exists()


def test_an_owner_changes_a_members_role(client, owner, member):
    signed_in(client, owner.user).post(change_url(membership_of(member)), {"role": "viewer"})
    assert membership_of(member).role == Membership.Role.VIEWER


def test_the_role_form_changes_the_role_alone(client, owner, member, outsider):
    signed_in(client, owner.user).post(
        change_url(membership_of(member)),
        {"role": "viewer", "user": outsider.user.pk, "advertiser": outsider.advertiser.pk},
    )
    membership = Membership.objects.get(pk=membership_of(member).pk)
    assert (membership.user, membership.advertiser) == (member.user, member.advertiser)


def test_an_owner_cannot_reach_another_advertisers_members(client, owner, outsider):
    response = signed_in(client, owner.user).post(change_url(membership_of(outsider)), {"role": "viewer"})
    assert response.status_code == 302  # the admin's "does not exist" redirect, as for a missing id
    assert membership_of(outsider).role == Membership.Role.OWNER


def test_an_owner_removes_a_member(client, owner, viewer):
    signed_in(client, owner.user).post(delete_url(viewer), {"post": "yes"})
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_an_unknown_role_is_refused(client, owner, member):
    response = signed_in(client, owner.user).post(change_url(membership_of(member)), {"role": "admin"})
    assert response.status_code == 200  # the form again, with its error
    assert membership_of(member).role == Membership.Role.MANAGER


def test_the_last_owner_cannot_be_demoted(client, owner):
    response = signed_in(client, owner.user).post(change_url(membership_of(owner)), {"role": "manager"}, follow=True)
    assert "at least one owner" in response.content.decode()
    assert membership_of(owner).role == Membership.Role.OWNER


def test_the_last_owner_cannot_be_removed(client, owner):
    response = signed_in(client, owner.user).post(delete_url(membership_of(owner)), {"post": "yes"}, follow=True)
    assert "at least one owner" in response.content.decode()
    assert Membership.objects.filter(pk=membership_of(owner).pk).exists()


def test_an_owner_demotes_another_owner(client, owner, advertiser):
    second = MembershipFactory(advertiser=advertiser, role=Membership.Role.OWNER)
    signed_in(client, owner.user).post(change_url(second), {"role": "manager"})
    second.refresh_from_db()
    assert second.role == Membership.Role.MANAGER


def test_the_members_page_shows_who_invited_each_member(client, owner, advertiser):
    MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER, invited_by=owner.user)
    response = signed_in(client, owner.user).get(MEMBERS)
    assert re.search(rf'class="field-invited_by[^"]*">{owner.user.username}<', response.content.decode())


# ------------------------------------------------------------------------------
# Staff
# ------------------------------------------------------------------------------
def test_staff_add_an_account_to_an_advertiser(client, staff, advertiser):
    person = UserFactory()
    signed_in(client, staff.user).post(
        f"{MEMBERS}add/", {"user": person.pk, "advertiser": advertiser.pk, "role": "viewer"}
    )
    assert Membership.objects.get(user=person).role == Membership.Role.VIEWER


def test_staff_demote_an_owner_who_is_not_the_last(client, staff, owner, advertiser):
    MembershipFactory(advertiser=advertiser, role=Membership.Role.OWNER)
    signed_in(client, staff.user).post(change_url(membership_of(owner)), {"role": "viewer"})
    assert membership_of(owner).role == Membership.Role.VIEWER


def test_the_advertiser_page_lists_members_without_editing_them(client, staff, owner):
    response = signed_in(client, staff.user).get(f"/admin/accounts/advertiser/{owner.advertiser.pk}/change/")
    [members] = response.context["inline_admin_formsets"]
    assert not (members.has_add_permission or members.has_change_permission or members.has_delete_permission)


# ------------------------------------------------------------------------------
# The record
# ------------------------------------------------------------------------------
def test_a_role_change_is_recorded_with_its_actor(client, owner, member):
    signed_in(client, owner.user).post(change_url(membership_of(member)), {"role": "viewer"})
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.email, change.old_role, change.new_role) == (
        "role_changed",
        owner.user,
        member.user.email,
        "manager",
        "viewer",
    )


def test_a_removal_is_recorded_with_its_actor(client, owner, viewer):
    signed_in(client, owner.user).post(delete_url(viewer), {"post": "yes"})
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.email) == ("removed", owner.user, viewer.user.email)


def test_staff_adding_a_member_is_recorded(client, staff, advertiser):
    person = UserFactory()
    signed_in(client, staff.user).post(
        f"{MEMBERS}add/", {"user": person.pk, "advertiser": advertiser.pk, "role": "viewer"}
    )
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.email) == ("added", staff.user, person.email)


def test_a_refused_change_leaves_no_record(client, owner):
    signed_in(client, owner.user).post(change_url(membership_of(owner)), {"role": "manager"})
    assert not MembershipChange.objects.exists()


def test_owners_read_their_advertisers_record(client, owner, member, outsider):
    MembershipChange.objects.create(
        advertiser=outsider.advertiser, actor=outsider.user, action="removed", email="x@y.z"
    )
    signed_in(client, owner.user).post(change_url(membership_of(member)), {"role": "viewer"})
    response = client.get(CHANGES)
    assert [change.advertiser_id for change in response.context["cl"].result_list] == [owner.advertiser.pk]


def test_the_record_is_read_only_for_owners(client, owner, member):
    signed_in(client, owner.user).post(change_url(membership_of(member)), {"role": "viewer"})
    change = MembershipChange.objects.get()
    client.post(f"{CHANGES}{change.pk}/change/", {"action": "removed", "email": "forged@example.com"})
    client.post(f"{CHANGES}{change.pk}/delete/", {"post": "yes"})
    assert MembershipChange.objects.get().email == member.user.email


def test_a_manager_cannot_read_the_record(client, member):
    assert signed_in(client, member.user).get(CHANGES).status_code == 403


def test_staff_read_every_advertisers_record(client, staff, owner, outsider):
    for actor in (owner, outsider):
        MembershipChange.objects.create(advertiser=actor.advertiser, actor=actor.user, action="removed", email="x@y.z")
    response = signed_in(client, staff.user).get(CHANGES)
    listed = {change.advertiser_id for change in response.context["cl"].result_list}
    assert listed == {owner.advertiser.pk, outsider.advertiser.pk}
