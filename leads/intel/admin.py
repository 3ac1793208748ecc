"""Admin for lead intelligence: sites with their snippet, sessions with actions, persons, blacklist
(advertiser-scoped); companies, IP ranges, turnovers and magnitudes (platform-kept)."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.templatetags.static import static

from accounts.admin_scoping import (
    PlatformOnlyAdmin,
    StaffEditedAdmin,
    TenantScopedAdmin,
    admin_principal,
    member_may,
)
from leadplatform.admin_exports import ExportActionsMixin
from leadplatform.site_url import platform_base_url

from . import export_columns
from .models import (
    VISIT_FIELDS,
    BlacklistEntry,
    Company,
    IpRange,
    Magnitude,
    Person,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
)


def snippet_for(site: Site, base_url: str) -> str:
    """The HTML an advertiser pastes into their pages."""
    return render_to_string(
        "intel/snippet.html",
        {
            "script_url": base_url + static("intel/tracker.js"),
            "endpoint": base_url + "/api/intel/v1/collect/",
            "site": site,
        },
    ).strip()


@admin.register(Site)
class SiteAdmin(TenantScopedAdmin):
    list_display = ("name", "domain", "key", "active", "advertiser", "created_at")
    list_filter = ("active", "advertiser")
    search_fields = ("name", "domain", "key")
    readonly_fields = ("key", "snippet", "created_at")

    def get_object(self, request, object_id, from_field=None):
        site = super().get_object(request, object_id, from_field)
        if site is not None:
            # The snippet field renders without the request: it rides on the page's own object.
            site.snippet_base_url = platform_base_url(request)
        return site

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [field for field in fields if field not in self.readonly_fields]

    @admin.display(description="Tracking snippet (paste before </body>)")
    def snippet(self, obj):
        if obj is None or obj.pk is None:
            return ""
        snippet = snippet_for(obj, getattr(obj, "snippet_base_url", None) or platform_base_url())
        return render_to_string("intel/snippet_field.html", {"snippet": snippet})


class CompanyScopedAdmin(StaffEditedAdmin):
    """Companies are platform data: members see the ones that visited them, staff edit."""

    tenant_field = None


class IpRangeInline(admin.TabularInline):
    model = IpRange
    extra = 0
    fields = ("cidr", "note")


@admin.register(Company)
class CompanyAdmin(CompanyScopedAdmin):
    list_display = ("name", "domain", "country", "industry", "turnover", "magnitude", "registration_id")
    list_filter = ("country", "turnover", "magnitude")
    search_fields = ("name", "domain", "registration_id")
    list_select_related = ("turnover", "magnitude")
    readonly_fields = ("created_at",)

    def get_inlines(self, request, obj):
        return [IpRangeInline] if request.user.is_staff else []


@admin.register(IpRange)
class IpRangeAdmin(PlatformOnlyAdmin):
    list_display = ("cidr", "company", "version", "prefix_length", "note")
    list_filter = ("version",)
    search_fields = ("cidr", "company__name", "company__domain")
    autocomplete_fields = ("company",)
    list_select_related = ("company",)


@admin.register(Turnover)
class TurnoverAdmin(PlatformOnlyAdmin):
    list_display = ("name", "min_amount", "max_amount", "order")


@admin.register(Magnitude)
class MagnitudeAdmin(PlatformOnlyAdmin):
    list_display = ("name", "min_employees", "max_employees", "order")


@admin.register(Person)
class PersonAdmin(TenantScopedAdmin):
    list_display = ("email", "name", "position", "company", "advertiser", "last_seen_at")
    list_filter = ("advertiser",)
    search_fields = ("email", "name", "company__name")
    list_select_related = ("company", "advertiser")
    readonly_fields = ("first_seen_at", "last_seen_at")


class VisitActionInline(admin.TabularInline):
    model = VisitAction
    extra = 0
    can_delete = False
    fields = (
        "occurred_at",
        "type",
        "url",
        "title",
        "time_on_page",
        "referrer",
        "utm_source",
        "utm_campaign",
        "email",
        "name",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        # Members are not Django staff: they see the actions of the sessions their admin shows them.
        if request.user.is_staff:
            return super().has_view_permission(request, obj)
        return member_may(request, VisitSessionAdmin.read_role)


@admin.register(VisitSession)
class VisitSessionAdmin(ExportActionsMixin, TenantScopedAdmin):
    list_display = ("id", "site", "company", "person", "started_at", "page_count", "duration", "ip_address")
    # Only the sites of the rows shown: a plain related filter would list every tenant's sites.
    list_filter = (("site", admin.RelatedOnlyFieldListFilter), "advertiser")
    search_fields = ("company__name", "company__domain", "person__email", "landing_url", "hostname")
    list_select_related = ("site", "company", "person")
    date_hierarchy = "started_at"
    inlines = [VisitActionInline]
    readonly_fields = ("site", "session_key", *VISIT_FIELDS)
    actions = ["export_csv", "export_xlsx"]
    export_columns = export_columns.VISIT_SESSIONS

    def has_add_permission(self, request) -> bool:
        return False  # sessions come from the snippet


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(TenantScopedAdmin):
    list_display = ("__str__", "company", "domain", "advertiser", "note", "created_at")
    list_filter = ("advertiser",)
    search_fields = ("domain", "company__name", "note")
    list_select_related = ("company", "advertiser")
    exclude = ("created_by",)
    readonly_fields = ("created_at",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "company":
            # Blacklisted companies are hidden from the member's lists, but must stay choosable here.
            kwargs["queryset"] = Company.objects.known_to(admin_principal(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
