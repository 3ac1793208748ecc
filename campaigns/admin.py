"""Advertiser admin for campaigns and invoices (scoped to the member's advertiser); lookups and
network accounts awaiting approval for platform staff."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.template.loader import render_to_string

from accounts import publishers
from accounts.admin_scoping import PlatformOnlyAdmin, StaffEditedAdmin, TenantScopedAdmin, admin_principal
from accounts.models import Membership, SocialAccount
from leadplatform import dashboard
from leadplatform.admin_exports import ExportActionsMixin
from leadplatform.dashboard.campaigns import progress
from leadplatform.domain import DomainError

from . import export_columns, services
from .admin_forms import CampaignAdminForm
from .models import Campaign, Category, City, Country, ExchangeRate, Invoice, PendingSocialAccount
from .stats.spend import with_spend


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
            except DomainError as exc:
                refusals.append(f"{campaign.name}: {exc}")
        if moved:
            modeladmin.message_user(request, f"{moved} campaign(s): {label.lower()}.")
        for refusal in refusals:
            modeladmin.message_user(request, refusal, level=messages.WARNING)

    action.__name__ = f"make_{status}"
    return admin.action(description=label, permissions=["change"])(action)


@admin.register(Campaign)
class CampaignAdmin(TenantScopedAdmin):
    form = CampaignAdminForm
    # Narrow enough for a 1366 px screen: rewards and targeting are on the change page.
    list_display = (
        "name",
        "advertiser_name",
        "status",
        "ends",
        "task_count",
        "budget_amount",
        "spent_amount",
        "budget_progress",
    )
    list_filter = (
        "status",
        "type",
        "category",
        "tasks_featured",
        "pre_registration",
        "post_registration",
        "advertiser",
    )
    search_fields = ("name", "tagline")
    date_hierarchy = "created_at"
    list_select_related = ("advertiser", "category")
    readonly_fields = ("status", "created_at", "updated_at")
    filter_horizontal = ("target_countries", "target_cities")
    fieldsets = (
        (None, {"fields": ("advertiser", "name", "type", "status", "tagline", "description", "category")}),
        ("Media", {"fields": ("image_logo", "image_post", "attachment", "hashtags", "networks")}),
        (
            "Dates and targeting",
            {
                "fields": (
                    "date_start",
                    "date_end",
                    "target_countries",
                    "target_cities",
                    "pre_registration",
                    "post_registration",
                )
            },
        ),
        (
            "Task",
            {
                "fields": (
                    "task_type",
                    "task_title",
                    "task_description",
                    "task_requirements",
                    "task_time",
                    "task_time_unit",
                    "tasks_featured",
                    "tasks_leaderboard",
                )
            },
        ),
        (
            "Rewards",
            {
                "fields": (
                    "currency",
                    "minimum_reward",
                    "post_rate",
                    "budget",
                    "bonus_active",
                    "promo_reach_bonus",
                    "reach_bonus_threshold",
                    "promo_engagement_rate_bonus",
                    "engagement_rate_bonus_threshold",
                    "promo_best_post_bonus",
                )
            },
        ),
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
        return with_spend(super().get_queryset(request).annotate(task_total=Count("tasks")))

    @admin.display(description="tasks", ordering="task_total")
    def task_count(self, campaign) -> int:
        return campaign.task_total

    # Not the bare foreign key: the admin keeps those on one line, and advertiser names are long.
    @admin.display(description="advertiser", ordering="advertiser__name")
    def advertiser_name(self, campaign) -> str:
        return campaign.advertiser.name

    @admin.display(description="ends", ordering="date_end")
    def ends(self, campaign) -> str:
        return f"{campaign.date_end:%Y-%m-%d}" if campaign.date_end else "—"

    @admin.display(description="budget", ordering="budget")
    def budget_amount(self, campaign) -> str:
        return f"{campaign.budget} {campaign.currency}" if campaign.budget is not None else "—"

    @admin.display(description="spent", ordering="spent")
    def spent_amount(self, campaign) -> str:
        return f"{campaign.spent} {campaign.currency}"

    @admin.display(description="used")
    def budget_progress(self, campaign) -> str:
        return render_to_string("admin/dashboard/progress.html", {"percent": progress(campaign.spent, campaign.budget)})

    def get_list_display(self, request):
        columns = super().get_list_display(request)
        if request.user.is_staff or request.user.memberships.count() > 1:
            return columns
        return tuple(column for column in columns if column != "advertiser_name")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The change page, with the campaign's statistics below the form."""
        campaign = self.get_object(request, unquote(object_id))
        if campaign is not None:
            extra_context = {**(extra_context or {}), "campaign_panels": dashboard.for_campaign(campaign)}
        return super().change_view(request, object_id, form_url, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_staff:
            return fieldsets
        # Members never choose the advertiser: it is theirs (TenantScopedAdmin.save_model).
        first = (None, {"fields": tuple(f for f in fieldsets[0][1]["fields"] if f != "advertiser")})
        return (first, *fieldsets[1:])


@admin.register(Invoice)
class InvoiceAdmin(ExportActionsMixin, StaffEditedAdmin):
    """Invoices are issued by the platform; owners and managers read theirs (as on the invoice API route)."""

    read_role = Membership.Role.MANAGER
    actions = ["export_csv", "export_xlsx"]
    export_columns = export_columns.INVOICES

    list_display = ("number", "advertiser", "amount", "currency", "date", "due_date", "status", "paid_at")
    list_filter = ("status", "currency", "advertiser")
    search_fields = ("number", "description")
    date_hierarchy = "date"
    list_select_related = ("advertiser",)


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
        count = publishers.review_social_accounts(queryset, SocialAccount.Approval.APPROVED)
        self.message_user(request, f"{count} account(s) approved.")

    @admin.action(description="Reject selected accounts", permissions=["change"])
    def reject(self, request, queryset):
        count = publishers.review_social_accounts(queryset, SocialAccount.Approval.REJECTED)
        self.message_user(request, f"{count} account(s) rejected.")
