"""Admin for accounts: tenants, their members and invitations (scoped), influencers and applications (staff)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone

from leadplatform.domain import DomainError
from leadplatform.site_url import platform_base_url

from . import memberships, services
from .admin_scoping import PlatformOnlyAdmin, TenantScopedAdmin, admin_principal, member_may
from .models import (
    Advertiser,
    ApiToken,
    ApiUsageDay,
    Application,
    Invitation,
    Membership,
    MembershipChange,
    Notification,
    Publisher,
    SocialAccount,
    User,
)
from .principal import role_rank


@admin.register(User)
class UserAdmin(PlatformOnlyAdmin, DjangoUserAdmin):
    list_display = ("username", "email", "is_staff", "is_active", "date_joined")
    search_fields = ("username", "email", "first_name", "last_name")
    actions = ["force_logout"]

    @admin.action(description="Force logout: end sessions and revoke every token")
    def force_logout(self, request, queryset):
        for user in queryset:
            services.force_logout(user)
        self.message_user(request, f"{queryset.count()} user(s) logged out everywhere.")


class WritesNothing:
    """For admin screens and inlines that only show rows: nobody adds, changes or deletes through them."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class MembershipInline(WritesNothing, admin.TabularInline):
    """The advertiser's members at a glance; they change on the members page, where each change is recorded."""

    model = Membership
    extra = 0
    fields = ("user", "role", "created_at", "invited_by")
    readonly_fields = fields


@admin.register(Advertiser)
class AdvertiserAdmin(TenantScopedAdmin):
    tenant_field = None
    list_display = ("name", "contact_email", "currency", "maximum_limit", "status", "created_at")
    list_filter = ("status", "currency")
    search_fields = ("name", "contact_email")
    inlines = [MembershipInline]
    actions = ["suspend", "deactivate", "reactivate"]
    status_actions = ("suspend", "deactivate", "reactivate")

    def get_actions(self, request):
        # Suspending, closing and reactivating are platform decisions: members never see the actions.
        actions = super().get_actions(request)
        if not request.user.is_staff:
            for name in self.status_actions:
                actions.pop(name, None)
        return actions

    @admin.action(description="Suspend: refuse its members everywhere and hold its jobs")
    def suspend(self, request, queryset):
        self._change_status(request, queryset, services.suspend_advertiser, "Suspended")

    @admin.action(description="Deactivate: close the account (held like a suspension)")
    def deactivate(self, request, queryset):
        self._change_status(request, queryset, services.deactivate_advertiser, "Deactivated")

    @admin.action(description="Reactivate a suspended or inactive advertiser")
    def reactivate(self, request, queryset):
        self._change_status(request, queryset, services.reactivate_advertiser, "Reactivated")

    def _change_status(self, request, queryset, change, verb: str) -> None:
        if not request.user.is_staff:
            raise PermissionDenied
        changed = 0
        for advertiser in queryset:
            if change(advertiser):
                self.log_change(request, advertiser, f"{verb} the advertiser.")
                changed += 1
        self.message_user(request, f"{verb} {changed} advertiser(s).")

    # The spending limit is a money setting: like the API's maximum-limit route, for owners and managers.
    def _shows_the_limit(self, request) -> bool:
        return request.user.is_staff or member_may(request, Membership.Role.MANAGER)

    def get_list_display(self, request):
        shown = super().get_list_display(request)
        return shown if self._shows_the_limit(request) else [name for name in shown if name != "maximum_limit"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if self._shows_the_limit(request) else [name for name in fields if name != "maximum_limit"]

    def get_readonly_fields(self, request, obj=None):
        # Members may not raise their own spending limit. The status changes only through the logged
        # actions above, which also resume the held work on reactivation.
        return ("created_at", "status") if request.user.is_staff else ("created_at", "maximum_limit", "status")

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and super().has_delete_permission(request, obj)


class OwnersOnlyAdmin(TenantScopedAdmin):
    """An advertiser's team is seen and managed by its owners alone (and by staff, with their permissions).

    The membership services check the same again under lock; a refusal they raise shows as an error
    message on the page, and the transaction admin wraps the write in rolls everything back.
    """

    read_role = write_role = Membership.Role.OWNER

    def get_actions(self, request):
        # Each removal goes through its service one at a time: no bulk delete.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as refusal:
            return self._refused(request, refusal, object_id)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except DomainError as refusal:
            return self._refused(request, refusal, object_id)

    def _refused(self, request, refusal: DomainError, object_id) -> HttpResponseRedirect:
        self.message_user(request, str(refusal), level=messages.ERROR)
        url_name = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        if object_id is None:
            return redirect(f"{url_name}_add")
        if self.get_queryset(request).filter(pk=object_id).exists():
            return redirect(f"{url_name}_change", object_id)
        return redirect(f"{url_name}_changelist")


@admin.register(Membership)
class MembershipAdmin(OwnersOnlyAdmin):
    """The members page: who is in the team, with which role, since when and invited by whom.

    Owners change roles and remove members; people join by invitation (staff alone add an account).
    """

    list_display = ("user", "member_email", "advertiser", "role", "created_at", "invited_by")
    list_filter = ("role", "advertiser")
    search_fields = ("user__username", "user__email", "advertiser__name")
    list_select_related = ("user", "advertiser", "invited_by")
    autocomplete_fields = ("user",)

    @admin.display(description="e-mail", ordering="user__email")
    def member_email(self, membership: Membership) -> str:
        return membership.user.email

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["user", "advertiser", "role"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        # A membership's person and advertiser never change: only its role does.
        return () if obj is None else ("user", "advertiser", "created_at", "invited_by")

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and super().has_add_permission(request)

    def save_model(self, request, obj, form, change):
        principal = admin_principal(request)
        if change:
            memberships.change_role(principal, obj, obj.role)
        else:
            membership = memberships.add_member(principal, obj.advertiser, obj.user, role=obj.role)
            obj.pk, obj.created_at = membership.pk, membership.created_at

    def delete_model(self, request, obj):
        memberships.remove_member(admin_principal(request), obj)

    def changelist_view(self, request, extra_context=None):
        may_invite = self.admin_site.get_model_admin(Invitation).has_add_permission(request)
        return super().changelist_view(request, {**(extra_context or {}), "may_invite": may_invite})


@admin.register(Invitation)
class InvitationAdmin(OwnersOnlyAdmin):
    """Invite by e-mail: the invitee follows the e-mailed link to join. Pending invitations can be revoked."""

    list_display = ("email", "advertiser", "role", "status", "invited_by", "created_at", "expires_at")
    list_filter = ("role", "advertiser")
    search_fields = ("email",)
    list_select_related = ("advertiser", "invited_by")
    fields = ("advertiser", "email", "role")
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("advertiser", "email", "role", "status", "invited_by", "created_at", "expires_at", "accepted_at")

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is None else [*fields, "status", "invited_by", "created_at", "expires_at", "accepted_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # an invitation is sent as it is; revoke it and invite again

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # revoked, not deleted: the list keeps what was sent

    def has_revoke_permission(self, request) -> bool:
        return self.has_add_permission(request)

    def save_model(self, request, obj, form, change):
        principal = admin_principal(request)
        advertiser = obj.advertiser if request.user.is_staff else principal.advertiser
        invitation = memberships.invite_member(
            principal, advertiser, email=obj.email, role=obj.role, site_url=platform_base_url(request)
        )
        obj.pk, obj.advertiser, obj.expires_at = invitation.pk, invitation.advertiser, invitation.expires_at
        self.message_user(request, f"Invitation e-mailed to {invitation.email}.")

    @admin.action(description="Revoke selected invitations", permissions=["revoke"])
    def revoke(self, request, queryset):
        revoked = 0
        for invitation in queryset:
            try:
                memberships.revoke_invitation(admin_principal(request), invitation)
            except DomainError as refusal:
                self.message_user(request, f"{invitation.email}: {refusal}", level=messages.WARNING)
            else:
                revoked += 1
        self.message_user(request, f"{revoked} invitation(s) revoked.")


@admin.register(MembershipChange)
class MembershipChangeAdmin(WritesNothing, OwnersOnlyAdmin):
    """The record of every change to the team: read-only for everyone."""

    list_display = ("created_at", "advertiser", "action", "email", "old_role", "new_role", "actor")
    list_filter = ("action", "advertiser")
    search_fields = ("email", "actor__username", "actor__email")
    list_select_related = ("advertiser", "actor")


class SocialAccountInline(admin.TabularInline):
    model = SocialAccount
    extra = 0


@admin.register(Publisher)
class PublisherAdmin(PlatformOnlyAdmin):
    list_display = ("user", "status", "banned", "country", "city", "joined_at")
    list_filter = ("status", "banned", "sex", "country")
    search_fields = ("user__username", "user__email")
    autocomplete_fields = ("user",)
    inlines = [SocialAccountInline]


@admin.register(SocialAccount)
class SocialAccountAdmin(PlatformOnlyAdmin):
    list_display = ("publisher", "network", "kind", "network_id", "approval", "created_at")
    list_filter = ("approval", "network", "kind")
    search_fields = ("publisher__user__username", "network_id", "url")
    actions = ["approve", "reject"]

    @admin.action(description="Approve selected accounts")
    def approve(self, request, queryset):
        updated = queryset.update(approval=SocialAccount.Approval.APPROVED)
        self.message_user(request, f"{updated} account(s) approved.")

    @admin.action(description="Reject selected accounts")
    def reject(self, request, queryset):
        updated = queryset.update(approval=SocialAccount.Approval.REJECTED)
        self.message_user(request, f"{updated} account(s) rejected.")


@admin.register(Notification)
class NotificationAdmin(PlatformOnlyAdmin):
    list_display = ("user", "type", "message", "created_at", "read_at", "emailed_at")
    list_filter = ("type",)
    search_fields = ("user__username", "message")


@admin.register(ApiToken)
class ApiTokenAdmin(TenantScopedAdmin):
    list_display = (
        "name",
        "token",
        "user",
        "advertiser",
        "source",
        "created_at",
        "last_used_at",
        "request_count",
        "revoked_at",
        "expires_at",
    )
    list_filter = ("source", "advertiser")
    search_fields = ("name", "user__username")
    fields = ("user", "advertiser", "name", "expires_at")
    readonly_fields = ("token", "created_at", "last_used_at", "request_count", "revoked_at")
    actions = ["revoke"]

    @admin.display(description="token")
    def token(self, token: ApiToken) -> str:
        # Shown in full once, in the message of the request that issues it.
        return token.masked

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        principal = admin_principal(request)
        if db_field.name == "user" and not principal.is_platform:
            # A token acts with its user's role, and its issuer reads the plaintext: a member issues tokens
            # only for members whose role is not above their own, or a manager would hold an owner's powers.
            roles = [role for role in Membership.Role.values if role_rank(role) <= role_rank(principal.role)]
            kwargs["queryset"] = User.objects.filter(
                memberships__advertiser_id=principal.advertiser_id, memberships__role__in=roles
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        advertiser = obj.advertiser if request.user.is_staff else admin_principal(request).advertiser
        token, plaintext = services.issue_token(
            obj.user, advertiser=advertiser, name=obj.name, source=ApiToken.Source.ADMIN, expires_at=obj.expires_at
        )
        obj.pk = token.pk
        messages.warning(request, f"Token created: {plaintext} — copy it now, it will not be shown again.")

    @admin.action(description="Revoke selected tokens")
    def revoke(self, request, queryset):
        updated = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{updated} token(s) revoked.")


@admin.register(Application)
class ApplicationAdmin(PlatformOnlyAdmin):
    list_display = ("name", "client_id", "active", "created_at")
    list_filter = ("active",)
    readonly_fields = ("client_id", "created_at")
    fields = ("name", "active", "client_id", "created_at")
    actions = ["rotate_secret"]

    def save_model(self, request, obj, form, change):
        if not change:
            secret = services.set_application_secret(obj)
            messages.warning(request, f"Client id {obj.client_id}, client secret {secret} — copy the secret now.")
        super().save_model(request, obj, form, change)

    @admin.action(description="Rotate the client secret")
    def rotate_secret(self, request, queryset):
        for application in queryset:
            secret = services.set_application_secret(application)
            application.save(update_fields=["client_secret_digest"])
            messages.warning(request, f"{application.name}: new client secret {secret}")


@admin.register(ApiUsageDay)
class ApiUsageDayAdmin(PlatformOnlyAdmin):
    list_display = ("date", "requests")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
