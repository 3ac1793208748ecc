"""Admin for accounts: tenants and members (scoped), influencers and applications (staff)."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from . import services
from .admin_scoping import PlatformOnlyAdmin, TenantScopedAdmin, admin_principal, member_may
from .models import (
    Advertiser,
    ApiToken,
    ApiUsageDay,
    Application,
    Membership,
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


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


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


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    write_role = Membership.Role.OWNER
    list_display = ("user", "advertiser", "role", "created_at")
    list_filter = ("role", "advertiser")
    search_fields = ("user__username", "user__email", "advertiser__name")
    autocomplete_fields = ("user",)

    def has_module_permission(self, request) -> bool:
        return request.user.is_staff and super().has_module_permission(request)

    def delete_model(self, request, obj):
        services.remove_member(obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            services.remove_member(membership)


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
