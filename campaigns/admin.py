"""Advertiser admin for campaigns and invoices (scoped to the member's advertiser); lookups and
network accounts awaiting approval for platform staff."""
from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count
from rest_framework.exceptions import APIException

from accounts.admin_scoping import PlatformOnlyAdmin, TenantScopedAdmin, admin_principal
from accounts.models import SocialAccount

from . import services
from .admin_forms import CampaignAdminForm
from .models import Campaign, Category, City, Country, ExchangeRate, Invoice, PendingSocialAccount


class ScopedCampaignFilter(admin.SimpleListFilter):
    """Filter by campaign, offering only the campaigns the user may see."""

    title = "campaign"
    parameter_name = "campaign"
    campaign_path = "campaign"

    def lookups(self, request, model_admin):
        campaigns = Campaign.objects.for_principal(admin_principal(request)).order_by("name")
        return [(str(pk), name) for pk, name in campaigns.values_list("pk", "name")[:200]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(**{f"{self.campaign_path}_id": int(value)})
        return queryset


def _status_action(status: str, label: str):
    def action(modeladmin, request, queryset):
        moved, refusals = 0, []
        for campaign in queryset:
            try:
                services.change_campaign_status(campaign, status)
                moved += 1
            except APIException as exc:
                refusals.append(f"{campaign.name}: {exc.detail}")
        if moved:
            modeladmin.message_user(request, f"{moved} campaign(s): {label.lower()}.")
        for refusal in refusals:
            modeladmin.message_user(request, refusal, level=messages.WARNING)

    action.__name__ = f"make_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Campaign)
class CampaignAdmin(TenantScopedAdmin):
    form = CampaignAdminForm
    list_display = ("name", "advertiser", "status", "type", "category", "currency", "minimum_reward", "post_rate",
                    "date_start", "date_end", "task_count", "tasks_featured")
    list_filter = ("status", "type", "category", "tasks_featured", "pre_registration", "post_registration", "advertiser")
    search_fields = ("name", "tagline")
    date_hierarchy = "created_at"
    list_select_related = ("advertiser", "category")
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("target_countries", "target_cities")
    fieldsets = (
        (None, {"fields": ("advertiser", "name", "type", "status", "tagline", "description", "category")}),
        ("Media", {"fields": ("image_logo", "image_post", "attachment", "hashtags", "networks")}),
        ("Dates and targeting", {"fields": ("date_start", "date_end", "target_countries", "target_cities",
                                            "pre_registration", "post_registration")}),
        ("Task", {"fields": ("task_type", "task_title", "task_description", "task_requirements", "task_time",
                             "task_time_unit", "tasks_featured", "tasks_leaderboard")}),
        ("Rewards", {"fields": ("currency", "minimum_reward", "post_rate", "budget", "bonus_active",
                                "promo_reach_bonus", "reach_bonus_threshold", "promo_engagement_rate_bonus",
                                "engagement_rate_bonus_threshold", "promo_best_post_bonus")}),
        ("History", {"fields": ("created_at", "updated_at")}),
    )
    actions = [
        _status_action(Campaign.Status.PENDING, "Submit (pending)"),
        _status_action(Campaign.Status.ACTIVE, "Activate"),
        _status_action(Campaign.Status.PAUSED, "Pause"),
        _status_action(Campaign.Status.COMPLETED, "Complete"),
        _status_action(Campaign.Status.CANCELLED, "Cancel"),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(task_total=Count("tasks"))

    @admin.display(description="tasks", ordering="task_total")
    def task_count(self, campaign) -> int:
        return campaign.task_total

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_staff:
            return fieldsets
        # Members never choose the advertiser: it is theirs (TenantScopedAdmin.save_model).
        first = (None, {"fields": tuple(f for f in fieldsets[0][1]["fields"] if f != "advertiser")})
        return (first, *fieldsets[1:])


@admin.register(Invoice)
class InvoiceAdmin(TenantScopedAdmin):
    """Invoices are issued by the platform; members read theirs."""

    list_display = ("number", "advertiser", "amount", "currency", "date", "due_date", "status", "paid_at")
    list_filter = ("status", "currency", "advertiser")
    search_fields = ("number", "description")
    date_hierarchy = "date"
    list_select_related = ("advertiser",)

    def has_add_permission(self, request) -> bool:
        return request.user.is_staff and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_staff and super().has_delete_permission(request, obj)


@admin.register(Category)
class CategoryAdmin(PlatformOnlyAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


class CityInline(admin.TabularInline):
    model = City
    extra = 0


@admin.register(Country)
class CountryAdmin(PlatformOnlyAdmin):
    list_display = ("name", "code", "currency_code", "allowed")
    list_filter = ("allowed", "currency_code")
    search_fields = ("name", "code")
    inlines = [CityInline]


@admin.register(City)
class CityAdmin(PlatformOnlyAdmin):
    list_display = ("name", "country", "allowed")
    list_filter = ("allowed", "country")
    search_fields = ("name", "country__name")
    list_select_related = ("country",)


@admin.register(ExchangeRate)
class ExchangeRateAdmin(PlatformOnlyAdmin):
    list_display = ("base", "quote", "rate", "updated_at")
    list_filter = ("base", "quote")
    search_fields = ("base", "quote")


@admin.register(PendingSocialAccount)
class PendingSocialAccountAdmin(PlatformOnlyAdmin):
    """The approval queue of influencers' network accounts."""

    list_display = ("publisher", "network", "kind", "network_id", "url", "created_at")
    list_filter = ("network", "kind")
    search_fields = ("publisher__user__username", "network_id", "url")
    list_select_related = ("publisher__user",)
    readonly_fields = ("publisher", "network", "kind", "network_id", "url", "approval", "created_at")
    actions = ["approve", "reject"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(approval=SocialAccount.Approval.PENDING)

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Approve selected accounts", permissions=["change"])
    def approve(self, request, queryset):
        count = services.review_social_accounts(queryset, SocialAccount.Approval.APPROVED)
        self.message_user(request, f"{count} account(s) approved.")

    @admin.action(description="Reject selected accounts", permissions=["change"])
    def reject(self, request, queryset):
        count = services.review_social_accounts(queryset, SocialAccount.Approval.REJECTED)
        self.message_user(request, f"{count} account(s) rejected.")
