"""Admin for lead intelligence: sites with their snippet, sessions with actions, persons, blacklist
(advertiser-scoped); companies, IP ranges, turnovers and magnitudes (platform-kept)."""

from django import forms
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
from leadplatform.admin_changelist import PlatformChangeList
from leadplatform.admin_exports import ExportActionsMixin
from leadplatform.site_url import platform_base_url

from . import enrichment, export_columns, scores
from .models import (
    NETWORK_FIELDS,
    VISIT_FIELDS,
    BlacklistEntry,
    Company,
    CompanyAlert,
    IpRange,
    Magnitude,
    NetworkDataset,
    NetworkKind,
    NetworkRange,
    PageWeightRule,
    Person,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
    WatchRule,
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


class ScoreListFilter(admin.SimpleListFilter):
    title = "score now"
    parameter_name = "score_min"
    THRESHOLDS = (10, 25, 50, 100)

    def lookups(self, request, model_admin):
        return [(str(threshold), f"at least {threshold}") for threshold in self.THRESHOLDS]

    def queryset(self, request, queryset):
        if self.value() in {str(threshold) for threshold in self.THRESHOLDS}:
            return queryset.filter(score_rank__gte=scores.rank_threshold(float(self.value())))
        return queryset


class HottestFirstChangeList(PlatformChangeList):
    """Companies hottest first unless a column is chosen (the score is an annotation of the changelist's rows,
    so it cannot be the model admin's ordering, which related-field choices elsewhere apply too)."""

    def _get_default_ordering(self):
        return ["-score_rank", "-id"]


@admin.register(Company)
class CompanyAdmin(ExportActionsMixin, CompanyScopedAdmin):
    list_display = ("name", "score", "score_reasons", "domain", "country", "industry", "turnover", "magnitude")
    list_filter = (ScoreListFilter, "country", "turnover", "magnitude")
    search_fields = ("name", "domain", "registration_id")
    list_select_related = ("turnover", "magnitude")
    readonly_fields = ("created_at", "score", "score_reasons")
    actions = ["export_csv", "export_xlsx"]
    export_columns = export_columns.COMPANIES

    def _download(self, request, queryset, format_name: str):
        principal = admin_principal(request)
        enriched = scores.with_score_fields(enrichment.with_latest_network(queryset), principal)
        return super()._download(request, enriched, format_name)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(score_rank=scores.score_rank_of(admin_principal(request)))

    def get_changelist(self, request, **kwargs):
        return HottestFirstChangeList

    def get_inlines(self, request, obj):
        return [IpRangeInline] if request.user.is_staff else []

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        scores.load_company_scores(list(changelist.result_list), admin_principal(request))
        return changelist

    @admin.display(description="score now", ordering="score_rank")
    def score(self, company) -> str:
        row = getattr(company, "score_row", None)
        return f"{scores.score_at(row.points, row.anchored_at):,.1f}" if row else "–"

    @admin.display(description="why")
    def score_reasons(self, company) -> str:
        row = getattr(company, "score_row", None)
        if row is None:
            return "–"
        pages = ", ".join(f"{path} ({points:,.0f})" for path, points in scores.top_pages(row)[:3])
        return f"{row.sessions} visits, {row.persons} persons; {pages}"

    def get_object(self, request, object_id, from_field=None):
        company = super().get_object(request, object_id, from_field)
        if company is not None:
            scores.load_company_scores([company], admin_principal(request))
        return company


@admin.register(PageWeightRule)
class PageWeightRuleAdmin(TenantScopedAdmin):
    list_display = ("pattern", "weight", "site", "advertiser", "created_at")
    list_filter = (("site", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("pattern",)
    list_select_related = ("site", "advertiser")
    readonly_fields = ("created_at",)


@admin.register(IpRange)
class IpRangeAdmin(PlatformOnlyAdmin):
    list_display = ("cidr", "company", "version", "prefix_length", "note")
    list_filter = ("version",)
    search_fields = ("cidr", "company__name", "company__domain")
    autocomplete_fields = ("company",)
    list_select_related = ("company",)


class ImportedOnlyAdmin(PlatformOnlyAdmin):
    """Network data comes from `manage.py import_network_data`, never from a form."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(NetworkDataset)
class NetworkDatasetAdmin(ImportedOnlyAdmin):
    list_display = ("source", "format", "licence", "attribution", "range_count", "imported_at", "active")
    readonly_fields = ("format", "source", "licence", "attribution", "description", "range_count", "imported_at")
    exclude = ("active",)


@admin.register(NetworkRange)
class NetworkRangeAdmin(ImportedOnlyAdmin):
    list_display = ("first_address", "last_address", "asn", "organisation", "kind", "domain", "country")
    list_filter = ("kind", "version")
    search_fields = ("organisation", "domain", "=asn")
    show_full_result_count = False  # a full-size data set holds about 500,000 ranges

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description="first address")
    def first_address(self, network: NetworkRange) -> str:
        return network.first_address

    @admin.display(description="last address")
    def last_address(self, network: NetworkRange) -> str:
        return network.last_address


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
    readonly_fields = ("site", "session_key", *VISIT_FIELDS, *NETWORK_FIELDS)
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


class WatchRuleForm(forms.ModelForm):
    network_kinds = forms.MultipleChoiceField(
        choices=NetworkKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only companies on networks of these kinds (none checked: any kind).",
    )

    class Meta:
        model = WatchRule
        fields = ["name", "companies", "score_above", "path_pattern", "network_kinds", "email_to", "active"]

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("companies") or cleaned.get("score_above") is not None or cleaned.get("path_pattern")):
            raise forms.ValidationError("Name companies, a score or a path pattern to watch for.")
        return cleaned


@admin.register(WatchRule)
class WatchRuleAdmin(TenantScopedAdmin):
    form = WatchRuleForm
    list_display = ("name", "score_above", "path_pattern", "email_to", "active", "advertiser", "created_at")
    list_filter = ("active",)
    search_fields = ("name", "path_pattern")
    filter_horizontal = ("companies",)
    readonly_fields = ("created_at",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CompanyAlert)
class CompanyAlertAdmin(TenantScopedAdmin):
    list_display = ("created_at", "company", "rule", "reason", "score", "emailed_at", "advertiser")
    list_filter = (("rule", admin.RelatedOnlyFieldListFilter), "day")
    search_fields = ("company__name", "company__domain", "reason")
    list_select_related = ("company", "rule", "advertiser")
    date_hierarchy = "created_at"
    readonly_fields = ("rule", "company", "session", "day", "reason", "score", "created_at", "emailed_at")

    def has_add_permission(self, request) -> bool:
        return False  # alerts come from the recorded visits

    def has_change_permission(self, request, obj=None) -> bool:
        return False
