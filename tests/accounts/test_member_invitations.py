"""Joining an advertiser by e-mail: an owner invites, the e-mail's one-time link makes the invitee a member."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from accounts.models import Invitation, Membership, MembershipChange, User

from ..factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db

INVITE = "/admin/accounts/invitation/add/"
SECRET = "the-link-secret"


def invite_by_admin(client, inviter, email: str, role: str = Membership.Role.MANAGER):
    client.force_login(inviter)
    return client.post(INVITE, {"email": email, "role": role})


def link_path(inbox) -> str:
    """The path of the invitation link in the last e-mail received."""
    [link] = inbox.links(inbox.messages[-1], "/invitations/")
    return urlsplit(link).path


def accept_as(client, user, path: str):
    client.force_login(user)
    return client.post(path)


# ------------------------------------------------------------------------------
# The whole journey, through a real SMTP server
# ------------------------------------------------------------------------------
def test_owner_invitation_is_emailed_to_the_invitee(client, owner, smtp_inbox):
    invite_by_admin(client, owner.user, "new.colleague@example.com")
    [message] = smtp_inbox.messages
    assert message["X-Envelope-To"] == "new.colleague@example.com"


def test_the_emailed_link_makes_the_invitee_a_member_with_the_invited_role(client, owner, smtp_inbox):
    invitee = UserFactory(email="new.colleague@example.com")
    invite_by_admin(client, owner.user, invitee.email, role=Membership.Role.VIEWER)
    response = accept_as(client, invitee, link_path(smtp_inbox))
    assert response.status_code == 302
    membership = Membership.objects.get(user=invitee, advertiser=owner.advertiser)
    assert (membership.role, membership.invited_by) == (Membership.Role.VIEWER, owner.user)


def test_the_link_signs_up_a_newcomer_with_the_invited_address(client, owner, smtp_inbox):
    invite_by_admin(client, owner.user, "newcomer@example.com")
    client.logout()
    response = client.post(
        link_path(smtp_inbox), {"username": "newcomer", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    newcomer = User.objects.get(username="newcomer")
    assert (newcomer.email, newcomer.memberships.get().advertiser) == ("newcomer@example.com", owner.advertiser)


def test_the_emailed_secret_is_not_stored(client, owner, smtp_inbox):
    invite_by_admin(client, owner.user, "new.colleague@example.com")
    secret = link_path(smtp_inbox).rstrip("/").rsplit("/", 1)[1]
    assert secret not in Invitation.objects.values_list("digest", flat=True).get()


def test_an_invitation_that_cannot_be_emailed_is_not_kept(client, owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    response = invite_by_admin(client, owner.user, "new.colleague@example.com")
    assert response.status_code == 302
    assert not Invitation.objects.exists()


# ------------------------------------------------------------------------------
# Who may invite
# ------------------------------------------------------------------------------
def test_a_manager_cannot_invite(client, member):
    response = invite_by_admin(client, member.user, "friend@example.com")
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_an_invalid_address_is_refused(client, owner):
    response = invite_by_admin(client, owner.user, "not an address")
    assert response.status_code == 200  # the form again, with its error
    assert not Invitation.objects.exists()


def test_an_existing_member_is_not_invited_again(client, owner, member):
    invite_by_admin(client, owner.user, member.user.email.upper())
    assert not Invitation.objects.exists()


def test_the_invitation_is_for_the_owners_advertiser_whatever_the_form_says(client, owner, outsider, mailoutbox):
    client.force_login(owner.user)
    client.post(INVITE, {"email": "x@example.com", "role": "viewer", "advertiser": outsider.advertiser.pk})
    assert Invitation.objects.get().advertiser == owner.advertiser


# ------------------------------------------------------------------------------
# Who may accept, and when
# ------------------------------------------------------------------------------
def test_someone_else_cannot_accept_the_invitation(client, outsider):
    InvitationFactory(secret=SECRET, email="invitee@example.com")
    response = accept_as(client, outsider.user, f"/invitations/{SECRET}/")
    assert response.status_code == 403
    assert Membership.objects.filter(user=outsider.user).count() == 1


def test_the_address_matches_whatever_its_case(client):
    invitee = UserFactory(email="invitee@example.com")
    InvitationFactory(secret=SECRET, email="Invitee@Example.com")
    accept_as(client, invitee, f"/invitations/{SECRET}/")
    assert invitee.memberships.exists()


def test_an_expired_invitation_is_refused(client):
    invitee = UserFactory()
    InvitationFactory(secret=SECRET, email=invitee.email, expires_at=timezone.now() - timedelta(seconds=1))
    response = accept_as(client, invitee, f"/invitations/{SECRET}/")
    assert response.status_code == 409
    assert not invitee.memberships.exists()


def test_a_revoked_invitation_is_refused(client):
    invitee = UserFactory()
    InvitationFactory(secret=SECRET, email=invitee.email, revoked_at=timezone.now())
    response = accept_as(client, invitee, f"/invitations/{SECRET}/")
    assert response.status_code == 409
    assert not invitee.memberships.exists()


def test_an_invitation_is_accepted_once(client):
    invitee = UserFactory()
    invitation = InvitationFactory(secret=SECRET, email=invitee.email)
    accept_as(client, invitee, f"/invitations/{SECRET}/")
    Membership.objects.filter(user=invitee).delete()
    response = client.post(f"/invitations/{SECRET}/")
    assert response.status_code == 409
    assert not Membership.objects.filter(user=invitee, advertiser=invitation.advertiser).exists()


def test_an_unknown_link_is_not_found(client):
    assert client.get("/invitations/no-such-secret/").status_code == 404


def test_a_signed_out_invitee_with_an_account_is_sent_to_log_in(client):
    invitee = UserFactory()
    InvitationFactory(secret=SECRET, email=invitee.email)
    response = client.post(f"/invitations/{SECRET}/")
    assert response.headers["Location"].startswith("/login/?next=")


def test_signing_up_with_a_taken_username_changes_nothing(client):
    taken = UserFactory()
    InvitationFactory(secret=SECRET)
    response = client.post(
        f"/invitations/{SECRET}/", {"username": taken.username, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 400
    assert not Membership.objects.exists()


def test_opening_the_link_changes_nothing(client):
    invitee = UserFactory()
    InvitationFactory(secret=SECRET, email=invitee.email)
    client.force_login(invitee)
    assert client.get(f"/invitations/{SECRET}/").status_code == 200
    assert not invitee.memberships.exists()


# ------------------------------------------------------------------------------
# Revoking
# ------------------------------------------------------------------------------
def test_an_owner_revokes_a_pending_invitation(client, owner):
    invitation = InvitationFactory(advertiser=owner.advertiser)
    client.force_login(owner.user)
    client.post("/admin/accounts/invitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_a_manager_cannot_revoke_an_invitation(client, member):
    invitation = InvitationFactory(advertiser=member.advertiser)
    client.force_login(member.user)
    client.post("/admin/accounts/invitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


# ------------------------------------------------------------------------------
# The record
# ------------------------------------------------------------------------------
def test_sending_an_invitation_is_recorded_with_its_sender(client, owner, mailoutbox):
    invite_by_admin(client, owner.user, "new.colleague@example.com")
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.email) == ("invited", owner.user, "new.colleague@example.com")


def test_accepting_is_recorded_with_the_invitee_as_actor(client):
    invitee = UserFactory()
    InvitationFactory(secret=SECRET, email=invitee.email)
    accept_as(client, invitee, f"/invitations/{SECRET}/")
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.new_role) == ("accepted", invitee, "manager")


def test_revoking_is_recorded_with_its_actor(client, owner):
    invitation = InvitationFactory(advertiser=owner.advertiser)
    client.force_login(owner.user)
    client.post("/admin/accounts/invitation/", {"action": "revoke", "_selected_action": [invitation.pk]})
    change = MembershipChange.objects.get()
    assert (change.action, change.actor, change.email) == ("invitation_revoked", owner.user, invitation.email)
