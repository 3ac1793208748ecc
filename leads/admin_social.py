"""Admin of social lead generation: jobs (run, cancel, progress, schedule), targets, leads (CSV export),
content items and connector credentials (secrets write-only, encrypted at rest).

Advertiser members see and edit their own advertiser's rows (TenantScopedAdmin).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from accounts.admin_scoping import TenantScopedAdmin, link_aware_formfield
from leadplatform.admin_exports import ExportActionsMixin, export_table_from

from . import credentials, exports, jobs, schedules
from .admin_job_page import JobPageAdmin
from .admin_job_state import JobStateColumns
from .connectors.base import CAPABILITY_FOR_KIND
from .models import ConnectorCredential, ContentItem, JobPlan, JobUnit, Lead, SocialJob, Target


# ---------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------
class SocialJobForm(forms.ModelForm):
    schedule_interval_seconds = forms.IntegerField(
        required=False,
        min_value=schedules.MIN_INTERVAL_SECONDS,
        max_value=schedules.MAX_INTERVAL_SECONDS,
        help_text="Run every N seconds (django-celery-beat).",
    )
    schedule_crontab = forms.CharField(
        required=False, max_length=100, help_text='Or five crontab fields in UTC, e.g. "0 6 * * 1".'
    )
    max_retries = forms.IntegerField(
        min_value=0, max_value=10, required=False, help_text="Automatic retries of a failed run."
    )

    class Meta:
        model = SocialJob
        fields = [
            "advertiser",
            "name",
            "kind",
            "platform",
            "targets",
            "speed_mode",
            "priority",
            "max_leads",
            "max_leads_per_target",
            "filters",
            "group_id",
            "group_name",
            "max_posts",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:  # a viewer's read-only page has no form fields
            self.fields["kind"].choices = [
                (kind, label) for kind, label in self.fields["kind"].choices if kind in CAPABILITY_FOR_KIND
            ]
        described = jobs.describe_schedule(self.instance) if self.instance.pk else None
        if described:
            self.initial["schedule_interval_seconds"] = described["interval_seconds"]
            self.initial["schedule_crontab"] = described["crontab"]
        plan = JobPlan.objects.filter(job_id=self.instance.pk).first() if self.instance.pk else None
        if plan:
            self.initial["max_retries"] = plan.max_retries

    def clean_schedule_crontab(self):
        value = (self.cleaned_data.get("schedule_crontab") or "").strip()
        if value:
            try:
                value = schedules.check_crontab(value)
            except schedules.ScheduleError as exc:
                raise forms.ValidationError(str(exc)) from None
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("schedule_interval_seconds") and cleaned.get("schedule_crontab"):
            raise forms.ValidationError("Give an interval or a crontab, not both.")
        targets = cleaned.get("targets")
        advertiser = cleaned.get("advertiser") or getattr(self.instance, "advertiser", None)
        if targets is not None and advertiser is not None and any(t.advertiser_id != advertiser.pk for t in targets):
            raise forms.ValidationError("Every target must belong to the job's advertiser.")
        return cleaned


class JobUnitInline(admin.TabularInline):
    model = JobUnit
    extra = 0
    can_delete = False
    fields = ["target", "status", "pages_done", "items_scraped", "leads_stored", "attempts", "error", "finished_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SocialJob)
class SocialJobAdmin(JobPageAdmin, JobStateColumns, TenantScopedAdmin):
    form = SocialJobForm
    inlines = [JobUnitInline]
    list_display = [
        "__str__",
        "kind",
        "status",
        "waiting",
        "failure",
        "progress_bar",
        "leads_stored",
        "items_scraped",
        "items_failed",
        "priority",
        "worker_id",
        "created_at",
        "advertiser",
    ]
    list_filter = ["status", "kind", "speed_mode", "advertiser"]
    search_fields = ["name", "group_id", "group_name"]
    list_select_related = ["advertiser"]
    readonly_fields = [
        "status",
        "waiting",
        "progress_bar",
        "leads_stored",
        "items_scraped",
        "items_failed",
        "error",
        "attempts",
        "worker_id",
        "heartbeat_at",
        "created_at",
        "assigned_at",
        "started_at",
        "completed_at",
    ]
    actions = ["run_jobs", "cancel_jobs"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        extra = ["schedule_interval_seconds", "schedule_crontab", "max_retries"]
        return [field for field in fields if field not in extra] + extra

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        job = form.instance
        data = form.cleaned_data
        with transaction.atomic():
            plan, _ = JobPlan.objects.get_or_create(job=job)
            if data.get("max_retries") is not None:
                JobPlan.objects.filter(pk=plan.pk).update(max_retries=data["max_retries"])
            if data.get("schedule_interval_seconds"):
                jobs.set_job_schedule(job, {"interval_seconds": data["schedule_interval_seconds"]})
            elif data.get("schedule_crontab"):
                jobs.set_job_schedule(job, {"crontab": data["schedule_crontab"]})
            else:
                jobs.set_job_schedule(job, None)

    @admin.action(description="Run selected jobs", permissions=["change"])
    def run_jobs(self, request, queryset):
        queued, refused = 0, 0
        for job in queryset:
            try:
                jobs.queue_job(job)
                queued += 1
            except jobs.JobError:
                refused += 1
        self.message_user(request, f"{queued} jobs queued, {refused} already running.", messages.SUCCESS)

    @admin.action(description="Cancel selected jobs", permissions=["change"])
    def cancel_jobs(self, request, queryset):
        cancelled = sum(1 for job in queryset if jobs.cancel_job(job))
        self.message_user(request, f"{cancelled} jobs cancelled.", messages.SUCCESS)


# ---------------------------------------------------------------------------------------
# Targets, leads, content items
# ---------------------------------------------------------------------------------------
@admin.register(Target)
class TargetAdmin(TenantScopedAdmin):
    list_display = ["identifier", "target_type", "platform", "status", "created_at", "advertiser"]
    list_filter = ["target_type", "platform", "status", "advertiser"]
    search_fields = ["identifier"]
    list_select_related = ["advertiser"]
    fields = ["advertiser", "identifier", "target_type", "platform", "status"]


@admin.register(Lead)
class LeadAdmin(ExportActionsMixin, TenantScopedAdmin):
    list_display = [
        "username",
        "platform",
        "full_name",
        "followers",
        "emails",
        "outreach_ready",
        "source_type",
        "scraped_at",
    ]
    list_filter = ["platform", "source_type", "outreach_ready", "is_verified", "is_business", "blacklisted"]
    search_fields = ["username", "full_name", "emails", "bio"]
    readonly_fields = ["job", "target", "scraped_at", "created_at", "outreach_ready"]
    fields = [
        "advertiser",
        "platform",
        "username",
        "full_name",
        "bio",
        "followers",
        "following",
        "emails",
        "phones",
        "website",
        "is_verified",
        "is_business",
        "blacklisted",
        "outreach_ready",
        "source_type",
        "job",
        "target",
        "scraped_at",
        "created_at",
    ]
    show_full_result_count = False  # no COUNT(*) over a million rows on every changelist page
    actions = ["export_csv", "export_xlsx"]
    export_table = export_table_from(exports.leads_table)

    def save_model(self, request, obj, form, change):
        obj.outreach_ready = bool(obj.emails or obj.phones) and not obj.blacklisted
        super().save_model(request, obj, form, change)


@admin.register(ContentItem)
class ContentItemAdmin(TenantScopedAdmin):
    list_display = [
        "post_id",
        "platform",
        "username",
        "likes_count",
        "comments_count",
        "views_count",
        "engagement",
        "posted_at",
    ]
    list_filter = ["platform"]
    search_fields = ["post_id", "username", "author", "text"]
    readonly_fields = ["job", "scraped_at", "engagement_rate"]
    show_full_result_count = False

    @admin.display(description="engagement", ordering="engagement_rate")
    def engagement(self, item) -> str:
        from .ingest import render_engagement_rate

        return render_engagement_rate(item.engagement_rate) or "—"


# ---------------------------------------------------------------------------------------
# Connector credentials
# ---------------------------------------------------------------------------------------
class ConnectorCredentialForm(forms.ModelForm):
    secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        max_length=2000,
        help_text="Access token or API token. Stored encrypted; leave blank to keep the current one.",
    )
    app_secret = forms.CharField(
        required=False,
        widget=forms.PasswordInput(render_value=False),
        max_length=200,
        help_text="Meta app secret (Graph API token refresh). Stored encrypted; leave blank to keep the current one.",
    )

    class Meta:
        model = ConnectorCredential
        formfield_callback = link_aware_formfield
        fields = [
            "advertiser",
            "name",
            "provider",
            "platform",
            "base_url",
            "account_id",
            "actors",
            "hashtag_quota",
            "requests_per_second",
            "active",
            "app_id",
            "token_expires_at",
        ]

    def clean_actors(self):
        actors = self.cleaned_data.get("actors") or {}
        errors = credentials.actors_errors(actors)
        if errors:
            raise forms.ValidationError(errors)
        return actors

    def save(self, commit=True):
        credential = super().save(commit=False)
        if self.cleaned_data.get("secret"):
            credential.set_secret(self.cleaned_data["secret"])
        if self.cleaned_data.get("app_secret"):
            credential.set_app_secret(self.cleaned_data["app_secret"])
        if commit:
            credential.save()
        return credential


@admin.register(ConnectorCredential)
class ConnectorCredentialAdmin(TenantScopedAdmin):
    form = ConnectorCredentialForm
    list_display = ["name", "provider", "platform", "account_id", "masked", "active", "advertiser"]
    list_filter = ["provider", "platform", "active"]
    search_fields = ["name", "account_id"]
    list_select_related = ["advertiser"]
    readonly_fields = ["masked", "created_at", "token_refreshed_at", "token_refresh_error"]

    @admin.display(description="secret")
    def masked(self, credential) -> str:
        return credential.masked_secret or "—"
