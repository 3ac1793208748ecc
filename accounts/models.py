"""Users, advertisers (the tenants), memberships, influencer profiles, tokens and applications."""

from __future__ import annotations

import hashlib
import hmac

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from .scoping import TenantScopedQuerySet
from .usernames import TAKEN_MESSAGE, username_key, validate_username_for_email, validate_username_scripts


class AccountUserManager(UserManager):
    """Users are found and created by their username's key (accounts/usernames.py)."""

    def get_by_natural_key(self, username):
        # createsuperuser and fixtures ask whether a name is taken: a look-alike of one is.
        return self.get(username_key=username_key(username))

    def _create_user_object(self, username, email, password, **extra_fields):
        user = super()._create_user_object(username, email, password, **extra_fields)
        validate_username_scripts(user.username)
        validate_username_for_email(user.username, user.email)
        return user


class User(AbstractUser):
    """A person: platform staff, an advertiser member or an influencer. Logs in by username or e-mail."""

    username = models.CharField(
        "username",
        max_length=150,
        unique=True,
        help_text="150 characters or fewer: letters, digits and @/./+/-/_ only, in one script.",
        validators=[UnicodeUsernameValidator(), validate_username_scripts],
        error_messages={"unique": TAKEN_MESSAGE},
    )
    # The username as people read it (case, width and look-alike letters folded): unique, so
    # two names that would answer the same login cannot both exist, even when registrations race.
    username_key = models.CharField(max_length=600, editable=False)
    email = models.EmailField("email address", unique=True)
    # Sessions and JWTs issued before this moment are refused (force-logout).
    credentials_valid_after = models.DateTimeField(null=True, blank=True)

    objects = AccountUserManager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["username_key"],
                name="accounts_user_username_key_unique",
                violation_error_message="This username, or one that reads the same, is taken.",
            )
        ]

    def clean(self) -> None:
        super().clean()  # the username in NFKC, the e-mail's domain in lower case
        if not self.username:
            return  # the username field has refused it already (a form leaves an invalid field unset)
        try:
            validate_username_for_email(self.username, self.email)
        except ValidationError as refusal:
            raise ValidationError({"username": refusal.messages}) from None
        taken = User.objects.exclude(pk=self.pk).filter(username_key=username_key(self.username))
        if taken.exists():
            raise ValidationError({"username": [TAKEN_MESSAGE]})

    def set_password(self, raw_password) -> None:
        """A changed password ends the JWTs issued before it (and the other sessions).

        The first password of a new user ends nothing. `update_session_auth_hash` keeps the
        session of the user who changed it, since the session hash includes the moment.
        """
        super().set_password(raw_password)
        if self.pk is not None:
            self.credentials_valid_after = timezone.now()

    def check_password(self, raw_password) -> bool:
        def rehash(raw: str) -> None:
            # A stronger hash of the same password, made at login: not a change, ends nothing.
            AbstractUser.set_password(self, raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

    def save(self, *args, **kwargs) -> None:
        self.username_key = username_key(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "password" in update_fields and self._password is not None:
            # set_password moved credentials_valid_after with the password: save them together.
            kwargs["update_fields"] = update_fields = {*update_fields, "credentials_valid_after"}
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_key"}
        super().save(*args, **kwargs)

    def get_session_auth_hash(self) -> str:
        # Sessions carry this hash; moving credentials_valid_after (force-logout) ends them all.
        base = super().get_session_auth_hash()
        if self.credentials_valid_after is None:
            return base
        return hashlib.sha256(f"{base}:{self.credentials_valid_after.isoformat()}".encode()).hexdigest()

    def primary_membership(self) -> Membership | None:
        """The membership a member acts by without a scoped token: their oldest, with its advertiser."""
        return self.memberships.select_related("advertiser").order_by("id").first()

    def primary_advertiser(self) -> Advertiser | None:
        membership = self.primary_membership()
        return membership.advertiser if membership else None

    @property
    def is_banned(self) -> bool:
        publisher = getattr(self, "publisher", None)
        return bool(publisher and publisher.banned)


# ------------------------------------------------------------------------------
# Tenants
# ------------------------------------------------------------------------------
class AdvertiserQuerySet(TenantScopedQuerySet):
    def for_advertiser(self, advertiser_id: int) -> AdvertiserQuerySet:
        return self.filter(pk=advertiser_id)


class Advertiser(models.Model):
    """The tenant. Every tenant-owned row carries its advertiser."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        INACTIVE = "inactive", "Inactive"

    name = models.CharField(max_length=200)
    contact_email = models.EmailField(unique=True)
    currency = models.CharField(max_length=3, default="USD")
    maximum_limit = models.DecimalField(
        max_digits=14, decimal_places=2, default=0, help_text="Maximum total spending on influencer payments."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)

    objects = AdvertiserQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(maximum_limit__gte=0),
                name="advertiser_limit_not_negative",
                violation_error_message="The maximum limit cannot be negative.",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_held(self) -> bool:
        """Suspended (a platform decision) or inactive (a closed account): its members may not act and
        its work waits until it is reactivated."""
        return self.status in HELD_STATUSES


# Advertisers in these statuses are held: no API access, no writes in admin, no jobs claimed, no
# scheduled runs, no tracking beacons stored.
HELD_STATUSES = (Advertiser.Status.SUSPENDED, Advertiser.Status.INACTIVE)


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        MANAGER = "manager", "Manager"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MANAGER)
    created_at = models.DateTimeField("joined", default=timezone.now)
    invited_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "advertiser"],
                name="membership_unique",
                violation_error_message="This user is already a member of this advertiser.",
            )
        ]
        verbose_name = "member"  # the admin's members page

    def __str__(self) -> str:
        return f"{self.user} @ {self.advertiser} ({self.role})"


class Invitation(models.Model):
    """An e-mailed offer to join an advertiser with a role, accepted once through a secret link.

    Only the sha256 digest of the link's secret is stored; the plaintext lives in the e-mail alone.
    """

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField("e-mail")
    role = models.CharField(max_length=16, choices=Membership.Role.choices, default=Membership.Role.VIEWER)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.email} to {self.advertiser} ({self.role})"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        return "expired" if self.expires_at <= timezone.now() else "pending"


class MembershipChange(models.Model):
    """Who changed an advertiser's members, how and when: written by the membership services only."""

    class Action(models.TextChoices):
        INVITED = "invited", "Invitation sent"
        ACCEPTED = "accepted", "Invitation accepted"
        INVITATION_REVOKED = "invitation_revoked", "Invitation revoked"
        ADDED = "added", "Member added by staff"
        ROLE_CHANGED = "role_changed", "Role changed"
        REMOVED = "removed", "Member removed"

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="membership_changes")
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    # The member or invitee the change is about, by e-mail too: the row outlives the account.
    email = models.EmailField("member's e-mail")
    old_role = models.CharField(max_length=16, choices=Membership.Role.choices, blank=True)
    new_role = models.CharField(max_length=16, choices=Membership.Role.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.email}"


# ------------------------------------------------------------------------------
# Influencers
# ------------------------------------------------------------------------------
class Network(models.TextChoices):
    INSTAGRAM = "instagram", "Instagram"
    FACEBOOK = "facebook", "Facebook"
    TWITTER = "twitter", "Twitter"
    TIKTOK = "tiktok", "TikTok"
    YOUTUBE = "youtube", "YouTube"
    LINKEDIN = "linkedin", "LinkedIn"


class Publisher(models.Model):
    """An influencer's profile."""

    class Sex(models.TextChoices):
        MALE = "male", "Male"
        FEMALE = "female", "Female"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        SUSPENDED = "suspended", "Suspended"

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="publisher")
    sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    country = models.ForeignKey("campaigns.Country", null=True, blank=True, on_delete=models.SET_NULL)
    city = models.ForeignKey("campaigns.City", null=True, blank=True, on_delete=models.SET_NULL)
    preferred_categories = models.ManyToManyField("campaigns.Category", blank=True, related_name="publishers")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    banned = models.BooleanField(default=False)
    ban_reason = models.CharField(max_length=500, blank=True)
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.user.username

    @property
    def can_act(self) -> bool:
        return not self.banned and self.status == self.Status.ACTIVE


class SocialAccount(models.Model):
    class Kind(models.TextChoices):
        USER = "user", "User profile"
        PAGE = "page", "Page"
        WALL = "wall", "Wall"
        CHANNEL = "channel", "Channel"
        EXTRA = "extra", "Extra"

    class Approval(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    publisher = models.ForeignKey(Publisher, on_delete=models.CASCADE, related_name="social_accounts")
    network = models.CharField(max_length=16, choices=Network.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.USER)
    network_id = models.CharField("network ID", max_length=200)
    url = models.URLField("URL", max_length=500, blank=True)
    approval = models.CharField(max_length=16, choices=Approval.choices, default=Approval.PENDING, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "network", "kind", "network_id"],
                name="social_account_unique",
                violation_error_message="This influencer already has this network account.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.network}:{self.kind}:{self.network_id}"


class Notification(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    type = models.CharField(max_length=50, default="general")
    message = models.TextField(max_length=2000)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.type}: {self.message[:40]}"


# ------------------------------------------------------------------------------
# Credentials
# ------------------------------------------------------------------------------
def digest_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(TenantScopedQuerySet):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))


class ApiToken(models.Model):
    """A bearer credential. Only the sha256 digest and a short display prefix are stored."""

    class Source(models.TextChoices):
        WEB = "web", "Settings page"
        COMMAND = "command", "Management command"
        ADMIN = "admin", "Admin"
        INTEL = "intel", "api-token-get"
        APP = "app", "Campaign app login"
        DEMO = "demo", "Demo data"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    advertiser = models.ForeignKey(
        Advertiser,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="Tenant scope. Empty for platform (staff) and influencer tokens.",
    )
    name = models.CharField(max_length=100, default="API token")
    prefix = models.CharField(max_length=16, unique=True, help_text="Visible start of the token, for recognising it.")
    # What admin shows of the token after the moment it is issued (empty for tokens issued before it was kept).
    last_four = models.CharField(max_length=4, blank=True, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.WEB)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    request_count = models.BigIntegerField(default=0)
    revoked_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API token"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.masked})"

    @property
    def masked(self) -> str:
        """The token as shown after it was issued: its last four characters only."""
        return f"…{self.last_four}" if self.last_four else "…"

    def matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.digest, digest_secret(secret))

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())


class Application(models.Model):
    """A client application of the campaign app endpoints (created in admin)."""

    name = models.CharField(max_length=100)
    client_id = models.CharField("client ID", max_length=64, unique=True, editable=False)
    client_secret_digest = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def secret_matches(self, secret: str) -> bool:
        return hmac.compare_digest(self.client_secret_digest, digest_secret(secret))


class ApiUsageDay(models.Model):
    """Platform-wide API requests per day (flushed from the shared counters)."""

    date = models.DateField(unique=True)
    requests = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "API usage day"
        ordering = ["-date"]
