"""Account rules: self-registration, issuing and revoking credentials, bans, force-logout, usage counting."""

from __future__ import annotations

import base64
import binascii
import secrets
from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone

from leadplatform.api.counters import counter_store
from leadplatform.api.dependencies import DependencyUnavailable
from leadplatform.domain import InvalidInput

from .masking import SHOWN_CHARACTERS
from .models import (
    HELD_STATUSES,
    Advertiser,
    ApiToken,
    ApiUsageDay,
    Application,
    Membership,
    Notification,
    User,
    digest_secret,
)
from .signals import advertiser_reactivated
from .token_lookup import token_by_digest

TOKEN_TYPE_PREFIX = "lp_"
TOKEN_SECRET_BYTES = 32
DISPLAY_PREFIX_LENGTH = len(TOKEN_TYPE_PREFIX) + 8
LAST_USED_WRITE_INTERVAL_SECONDS = 60
USAGE_COUNTER_TTL = 7 * 24 * 3600


class CredentialError(ValueError):
    """A credential cannot be issued as asked."""


class AccountTaken(InvalidInput):
    """Registration refused because the username or e-mail already belongs to an account."""

    def __init__(self, field: str):
        super().__init__({field: [f"An account with this {field} already exists."]})
        self.field = field


# ------------------------------------------------------------------------------
# Self-registration
# ------------------------------------------------------------------------------
# Unique constraints whose violation means "this username / e-mail is taken".
_TAKEN_FIELD_BY_CONSTRAINT = {
    "accounts_user_username_key": "username",
    "accounts_user_username_key_unique": "username",
    "accounts_user_email_key": "email",
    "accounts_advertiser_contact_email_key": "email",
}


def _taken_field(error: IntegrityError) -> str:
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None) or ""
    return _TAKEN_FIELD_BY_CONSTRAINT.get(constraint, "username")


def register_advertiser_account(*, username: str, email: str, password: str) -> User:
    """Create a user, an advertiser named after them and their owner membership, all or nothing.

    Validation checks for taken names beforehand, but concurrent registrations of one name
    pass it together: the database's unique constraints decide, and the loser gets AccountTaken.
    """
    try:
        with transaction.atomic():
            user = User.objects.create_user(username=username, email=email, password=password)
            advertiser = Advertiser.objects.create(name=username, contact_email=email)
            Membership.objects.create(user=user, advertiser=advertiser, role=Membership.Role.OWNER)
    except IntegrityError as error:
        raise AccountTaken(_taken_field(error)) from error
    return user


# ------------------------------------------------------------------------------
# API tokens
# ------------------------------------------------------------------------------
def issue_token(
    user: User,
    *,
    advertiser: Advertiser | None = None,
    name: str = "API token",
    source: str = ApiToken.Source.WEB,
    expires_at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Create a token and return it with its plaintext, which is never stored or shown again."""
    if advertiser is not None and not user.is_staff:
        if not Membership.objects.filter(user=user, advertiser=advertiser).exists():
            raise CredentialError(f"{user.username} is not a member of advertiser {advertiser.pk}.")
    plaintext = new_token_secret()
    token = ApiToken.objects.create(
        user=user,
        advertiser=advertiser,
        name=name[:100] or "API token",
        prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
        last_four=plaintext[-SHOWN_CHARACTERS:],
        digest=digest_secret(plaintext),
        source=source,
        expires_at=expires_at,
    )
    return token, plaintext


def new_token_secret() -> str:
    return TOKEN_TYPE_PREFIX + secrets.token_urlsafe(TOKEN_SECRET_BYTES)


def find_token(plaintext: str) -> ApiToken | None:
    """The token with this plaintext, looked up by digest, with its user, advertiser and publisher."""
    if not plaintext or len(plaintext) > 200:
        return None
    token = token_by_digest(digest_secret(plaintext))
    if token is None or not token.matches(plaintext):
        return None
    return token


def revoke_token(token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_all_tokens(user: User, *, source: str | None = None) -> int:
    tokens = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    if source is not None:
        tokens = tokens.filter(source=source)
    return tokens.update(revoked_at=timezone.now())


def reset_intel_token(user: User, advertiser: Advertiser | None = None) -> tuple[ApiToken, str]:
    """The user's one lead intelligence token, given a new random value; issued on the first call.

    Tokens are stored hashed, so the current value cannot be shown again: api-token-get and api-token-reset
    both regenerate it in place (the old value stops working at once), and the user keeps one row of this
    kind rather than a new one per call. Any other active one, left from before, is revoked. The user's row
    is locked so that concurrent calls queue instead of each leaving a token behind.
    """
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        intel_tokens = ApiToken.objects.filter(user=user, source=ApiToken.Source.INTEL)
        token = intel_tokens.usable().order_by("-created_at", "-id").first()
        if token is None:
            return issue_token(user, advertiser=advertiser, name="api-token-get", source=ApiToken.Source.INTEL)
        intel_tokens.filter(revoked_at__isnull=True).exclude(pk=token.pk).update(revoked_at=timezone.now())
        plaintext = new_token_secret()
        token.prefix, token.digest, token.advertiser = (
            plaintext[:DISPLAY_PREFIX_LENGTH],
            digest_secret(plaintext),
            advertiser,
        )
        token.save(update_fields=["prefix", "digest", "advertiser"])
        return token, plaintext


# ------------------------------------------------------------------------------
# Usage counting: counters in the shared store, flushed by beat.
# ------------------------------------------------------------------------------
def _token_key(token_id: int) -> str:
    return f"usage:token:{token_id}"


def _day_key(day: date) -> str:
    return f"usage:day:{day.isoformat()}"


def record_token_use(token: ApiToken) -> None:
    now = timezone.now()
    try:
        counter_store().incr_many([_token_key(token.pk), _day_key(now.date())], USAGE_COUNTER_TTL)
    except DependencyUnavailable:
        # Authentication must not depend on Redis: while it is down, count in the database directly.
        _add_usage(token.pk, now.date(), 1)
    stale_before = now - timedelta(seconds=LAST_USED_WRITE_INTERVAL_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale_before:
        # At most one write a minute per token, whatever the request rate.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale_before)
        ).update(last_used_at=now)
        token.last_used_at = now


def _add_token_requests(token_id: int, count: int) -> None:
    ApiToken.objects.filter(pk=token_id).update(request_count=F("request_count") + count)


def _add_day_requests(day: date, count: int) -> None:
    ApiUsageDay.objects.get_or_create(date=day)
    ApiUsageDay.objects.filter(date=day).update(requests=F("requests") + count)


def _add_usage(token_id: int, day: date, count: int) -> None:
    with transaction.atomic():
        _add_token_requests(token_id, count)
        _add_day_requests(day, count)


def flush_usage_counters() -> int:
    """Move pending counts from the shared store into the database; returns requests moved."""
    store = counter_store()
    moved = 0
    for key, count in store.drain("usage:token:").items():
        _add_token_requests(int(key.rsplit(":", 1)[1]), count)
        moved += count
    for key, count in store.drain("usage:day:").items():
        _add_day_requests(date.fromisoformat(key.rsplit(":", 1)[1]), count)
    return moved


def token_request_count(token: ApiToken) -> int:
    """Stored count plus what is still pending in the shared store: exact at any moment."""
    token.refresh_from_db(fields=["request_count", "last_used_at"])
    return token.request_count + counter_store().get(_token_key(token.pk))


def platform_request_counts() -> tuple[int, int]:
    """(total, today) API requests across the platform."""
    today = timezone.now().date()
    stored_total = ApiUsageDay.objects.aggregate(total=Sum("requests"))["total"] or 0
    stored_today = ApiUsageDay.objects.filter(date=today).values_list("requests", flat=True).first() or 0
    pending_today = counter_store().get(_day_key(today))
    return stored_total + pending_today, stored_today + pending_today


# ------------------------------------------------------------------------------
# Sessions, bans and client applications
# ------------------------------------------------------------------------------
def force_logout(user: User) -> None:
    """End every session and revoke every token and JWT of the user, effective on the next request.

    Sessions end because the session auth hash includes credentials_valid_after (User).
    """
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(credentials_valid_after=timezone.now())
        revoke_all_tokens(user)


# ------------------------------------------------------------------------------
# Memberships and advertiser status: a grant ends with its membership or its advertiser
# ------------------------------------------------------------------------------
def revoke_member_tokens(user_id: int, advertiser_id: int) -> int:
    """Revoke the user's tokens scoped to the advertiser (idempotent)."""
    return ApiToken.objects.filter(user_id=user_id, advertiser_id=advertiser_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def remove_member(membership: Membership) -> None:
    """Remove a member from an advertiser: the membership goes and so do their tokens for it.

    The token lookup would refuse those tokens anyway (it reads the membership on each
    request); revoking them keeps the token list honest.
    """
    with transaction.atomic():
        revoke_member_tokens(membership.user_id, membership.advertiser_id)
        membership.delete()


def suspend_advertiser(advertiser: Advertiser) -> bool:
    """Suspend an advertiser: its members are refused, its jobs wait. True if it changed."""
    return _set_advertiser_status(advertiser, Advertiser.Status.SUSPENDED)


def deactivate_advertiser(advertiser: Advertiser) -> bool:
    """Close an advertiser's account: held like a suspension until it is reactivated. True if it changed."""
    return _set_advertiser_status(advertiser, Advertiser.Status.INACTIVE)


def reactivate_advertiser(advertiser: Advertiser) -> bool:
    """Lift a suspension or a closure: everything the advertiser had works again, and the work it held
    is sent to the workers after commit. True if it changed."""
    changed = _set_advertiser_status(advertiser, Advertiser.Status.ACTIVE, only_from=HELD_STATUSES)
    if changed:
        transaction.on_commit(lambda: advertiser_reactivated.send(sender=Advertiser, advertiser=advertiser))
    return changed


def _set_advertiser_status(advertiser: Advertiser, status: str, only_from: tuple[str, ...] = ()) -> bool:
    rows = Advertiser.objects.filter(pk=advertiser.pk).exclude(status=status)
    if only_from:
        rows = rows.filter(status__in=only_from)
    changed = rows.update(status=status) == 1
    if changed:
        advertiser.status = status
    return changed


# ------------------------------------------------------------------------------
# Notifications (sent by /api/user/notification/, listed to the influencer in the app)
# ------------------------------------------------------------------------------
def notifications_of(user: User, *, unread_only: bool = False):
    notifications = Notification.objects.filter(user=user)
    return notifications.filter(read_at__isnull=True) if unread_only else notifications


def mark_notifications_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (all of them, or those ids); others' ids change nothing."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def create_application(name: str) -> tuple[Application, str]:
    secret = secrets.token_urlsafe(32)
    application = Application.objects.create(
        name=name, client_id=secrets.token_hex(16), client_secret_digest=digest_secret(secret)
    )
    return application, secret


def set_application_secret(application: Application) -> str:
    secret = secrets.token_urlsafe(32)
    application.client_secret_digest = digest_secret(secret)
    if not application.client_id:
        application.client_id = secrets.token_hex(16)
    return secret


def find_application(client_id: str, client_secret: str) -> Application | None:
    application = Application.objects.filter(client_id=client_id[:64], active=True).first()
    if application is None or not application.secret_matches(client_secret):
        return None
    return application


def application_credentials_from_headers(meta: dict) -> tuple[str, str] | None:
    """Client id and secret from X-Client-Id/X-Client-Secret or HTTP Basic; None when absent."""
    client_id = meta.get("HTTP_X_CLIENT_ID")
    client_secret = meta.get("HTTP_X_CLIENT_SECRET")
    if client_id and client_secret:
        return client_id, client_secret
    header = meta.get("HTTP_AUTHORIZATION", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        client_id, sep, client_secret = decoded.partition(":")
        if sep:
            return client_id, client_secret
    return None
