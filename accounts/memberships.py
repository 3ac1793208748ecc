"""Who belongs to an advertiser: invitations by e-mail, roles, removal, and the record of every change.

Only the advertiser's owners (and platform staff) manage its members, and members join only by
accepting an e-mailed invitation: nobody picks an account of the platform. Each function takes the
acting principal, or for an acceptance the signed-in user, already resolved; each refusal is one of
the domain's errors and changes nothing; each change writes a `MembershipChange` naming its actor.

An advertiser always keeps an owner. The changes that could take its last one lock the advertiser's
owner memberships first (`select_for_update`), so two owners demoting each other at once are
serialised and the second finds itself no longer an owner, or the last one.
"""

from __future__ import annotations

import secrets
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from leadplatform.domain import InvalidInput, NotFound, PermissionRefused, RuleRefused

from . import services
from .models import Advertiser, Invitation, Membership, MembershipChange, User, digest_secret
from .principal import Kind, Principal

INVITATION_LIFETIME = timedelta(days=7)
INVITATION_SECRET_BYTES = 32
MAX_EMAIL_LENGTH = 254  # the e-mail columns' length

OWNERS_ONLY = "Only the advertiser's owners manage its members."
LAST_OWNER = "An advertiser keeps at least one owner: make another member owner first."


class InvitationNotSent(RuleRefused):
    """The mail server refused or could not be reached: the invitation was not kept."""


# ------------------------------------------------------------------------------
# Invitations
# ------------------------------------------------------------------------------
def invite_member(actor: Principal, advertiser: Advertiser, *, email: str, role: str, site_url: str) -> Invitation:
    """Invite `email` to join `advertiser` as `role`: store the invitation and e-mail its one-time link.

    `site_url` is the platform's address the link starts with. When the e-mail cannot be sent the
    invitation is not kept either.
    """
    email = _valid_email(email)
    _check_role(role)
    with transaction.atomic():
        _authorise(actor, advertiser.pk, _lock_owner_memberships(advertiser.pk))
        if Membership.objects.filter(advertiser=advertiser, user__email__iexact=email).exists():
            raise RuleRefused(f"{email} is already a member of {advertiser.name}.")
        secret = secrets.token_urlsafe(INVITATION_SECRET_BYTES)
        invitation = Invitation.objects.create(
            advertiser=advertiser,
            email=email,
            role=role,
            invited_by=actor.user,
            digest=digest_secret(secret),
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        _record(advertiser.pk, actor.user, MembershipChange.Action.INVITED, email, new_role=role)
        link = site_url.rstrip("/") + reverse("accounts:invitation", args=[secret])
        _send_invitation(invitation, link)
    return invitation


def invitation_for_link(secret: str) -> Invitation:
    """The invitation a link's secret opens, whatever its state; NotFound for an unknown secret."""
    invitation = Invitation.objects.select_related("advertiser").filter(digest=_link_digest(secret)).first()
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    return invitation


def invitee_has_account(invitation: Invitation) -> bool:
    """Whether an account already has the invited address (then the invitee signs in, never up)."""
    return User.objects.filter(email__iexact=invitation.email).exists()


def accept_invitation(user: User, secret: str) -> Membership:
    """Make `user` a member with the invited role, once, if the invitation was sent to their e-mail."""
    with transaction.atomic():
        invitation = _open_invitation(secret)
        if user.email.casefold() != invitation.email.casefold():
            raise PermissionRefused(
                "This invitation was sent to another e-mail address: sign in with that address to accept it."
            )
        return _join(invitation, user)


def accept_invitation_with_new_account(secret: str, *, username: str, password: str) -> Membership:
    """Sign up with the invited e-mail address and accept, all or nothing (the password is validated already)."""
    try:
        with transaction.atomic():
            invitation = _open_invitation(secret)
            if invitee_has_account(invitation):
                raise RuleRefused("An account with this e-mail address exists: sign in to accept the invitation.")
            user = User.objects.create_user(username=username, email=invitation.email, password=password)
            return _join(invitation, user)
    except IntegrityError as error:  # the same name registered concurrently
        raise services.AccountTaken("username") from error


def _open_invitation(secret: str) -> Invitation:
    """The link's invitation, locked for this transaction, if it can still be accepted."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("advertiser")
        .filter(digest=_link_digest(secret))
        .first()
    )
    if invitation is None:
        raise NotFound("This invitation link is not valid.")
    if invitation.accepted_at is not None:
        raise RuleRefused("This invitation was already used.")
    if invitation.revoked_at is not None:
        raise RuleRefused("This invitation was revoked.")
    if invitation.expires_at <= timezone.now():
        raise RuleRefused("This invitation has expired: ask for a new one.")
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    if Membership.objects.filter(user=user, advertiser_id=invitation.advertiser_id).exists():
        raise RuleRefused(f"You are already a member of {invitation.advertiser.name}.")
    membership = Membership.objects.create(
        user=user, advertiser_id=invitation.advertiser_id, role=invitation.role, invited_by=invitation.invited_by
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _record(invitation.advertiser_id, user, MembershipChange.Action.ACCEPTED, user.email, new_role=invitation.role)
    return membership


def revoke_invitation(actor: Principal, invitation: Invitation) -> None:
    """Withdraw an invitation nobody has accepted yet: its link stops working."""
    with transaction.atomic():
        _authorise(actor, invitation.advertiser_id, _lock_owner_memberships(invitation.advertiser_id))
        current = Invitation.objects.select_for_update().filter(pk=invitation.pk).first()
        if current is None:
            raise NotFound("This invitation does not exist.")
        if current.accepted_at is not None:
            raise RuleRefused("This invitation was already accepted: remove the member instead.")
        if current.revoked_at is not None:
            raise RuleRefused("This invitation was already revoked.")
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
        _record(current.advertiser_id, actor.user, MembershipChange.Action.INVITATION_REVOKED, current.email)
    invitation.revoked_at = current.revoked_at


def _link_digest(secret: str) -> str:
    return digest_secret(secret[:200])


def _send_invitation(invitation: Invitation, link: str) -> None:
    context = {"invitation": invitation, "link": link, "lifetime_days": INVITATION_LIFETIME.days}
    try:
        send_mail(
            f"Join {invitation.advertiser.name} on the lead platform",
            render_to_string("accounts/invitation_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [invitation.email],
        )
    except (smtplib.SMTPException, OSError) as error:
        raise InvitationNotSent("The invitation e-mail could not be sent, so no invitation was kept.") from error


# ------------------------------------------------------------------------------
# Members
# ------------------------------------------------------------------------------
def add_member(actor: Principal, advertiser: Advertiser, user: User, *, role: str) -> Membership:
    """Platform staff put an existing account into an advertiser; everyone else invites by e-mail."""
    if not _is_staff(actor):
        raise PermissionRefused("Members join by invitation: invite them by e-mail.")
    _check_role(role)
    with transaction.atomic():
        if Membership.objects.filter(user=user, advertiser=advertiser).exists():
            raise RuleRefused(f"{user} is already a member of {advertiser.name}.")
        membership = Membership.objects.create(user=user, advertiser=advertiser, role=role, invited_by=actor.user)
        _record(advertiser.pk, actor.user, MembershipChange.Action.ADDED, user.email, new_role=role)
    return membership


def change_role(actor: Principal, membership: Membership, role: str) -> Membership:
    """Give a member another role; the last owner keeps theirs."""
    _check_role(role)
    with transaction.atomic():
        owners = _lock_owner_memberships(membership.advertiser_id)
        _authorise(actor, membership.advertiser_id, owners)
        current = _current(membership)
        if current.role == role:
            return current
        if current.role == Membership.Role.OWNER:
            _keep_an_owner(current, owners)
        old_role = current.role
        current.role = role
        current.save(update_fields=["role"])
        _record(
            current.advertiser_id,
            actor.user,
            MembershipChange.Action.ROLE_CHANGED,
            current.user.email,
            old_role=old_role,
            new_role=role,
        )
    membership.role = role
    return current


def remove_member(actor: Principal, membership: Membership) -> None:
    """Take a member out of the advertiser, with their tokens for it; the last owner stays."""
    with transaction.atomic():
        owners = _lock_owner_memberships(membership.advertiser_id)
        _authorise(actor, membership.advertiser_id, owners)
        current = _current(membership)
        if current.role == Membership.Role.OWNER:
            _keep_an_owner(current, owners)
        services.remove_member(current)
        _record(
            current.advertiser_id,
            actor.user,
            MembershipChange.Action.REMOVED,
            current.user.email,
            old_role=current.role,
        )


def _current(membership: Membership) -> Membership:
    current = Membership.objects.select_for_update().select_related("user").filter(pk=membership.pk).first()
    if current is None:
        raise NotFound("This member is no longer in the advertiser.")
    return current


def _keep_an_owner(owner: Membership, owners: list[Membership]) -> None:
    if not any(other.pk != owner.pk for other in owners):
        raise RuleRefused(LAST_OWNER)


# ------------------------------------------------------------------------------
# Who may, and the record
# ------------------------------------------------------------------------------
def _lock_owner_memberships(advertiser_id: int) -> list[Membership]:
    """The advertiser's owner memberships, locked until the transaction ends, in one order for everyone."""
    owners = Membership.objects.select_for_update().filter(advertiser_id=advertiser_id, role=Membership.Role.OWNER)
    return list(owners.order_by("pk"))


def _authorise(actor: Principal, advertiser_id: int, owners: list[Membership]) -> None:
    """Staff, or an owner of this advertiser by the memberships just read under lock."""
    if _is_staff(actor):
        return
    if actor.kind is not Kind.ADVERTISER or actor.advertiser_id != advertiser_id:
        raise PermissionRefused(OWNERS_ONLY)
    if actor.is_held:
        raise PermissionRefused("The advertiser is suspended or closed: its members cannot be changed.")
    if not any(owner.user_id == actor.user.pk for owner in owners):
        raise PermissionRefused(OWNERS_ONLY)


def _is_staff(actor: Principal) -> bool:
    return actor.is_platform or (actor.user is not None and actor.user.is_staff)


def _check_role(role: str) -> None:
    if role not in Membership.Role.values:
        raise InvalidInput({"role": f"Choose one of: {', '.join(Membership.Role.values)}."})


def _valid_email(email: str) -> str:
    email = (email or "").strip()
    try:
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError as error:
        raise InvalidInput({"email": "Enter a valid e-mail address."}) from error
    return email


def _record(advertiser_id: int, actor: User | None, action: str, email: str, *, old_role="", new_role="") -> None:
    MembershipChange.objects.create(
        advertiser_id=advertiser_id, actor=actor, action=action, email=email, old_role=old_role, new_role=new_role
    )
