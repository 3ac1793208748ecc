"""Admin of social lead generation: jobs (run, cancel, progress, schedule), targets, leads (CSV export),
content items and connector credentials (secrets write-only, encrypted at rest).

Advertiser members see and edit their own advertiser's rows (TenantScopedAdmin).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction

from accounts.admin_scoping import TenantScopedAdmin
from leadplatform.admin_exports import ExportActionsMixin, export_table_from
from leads import exports, publishing
from leads.admin_forms import CREDENTIAL_FIELDSETS, ConnectorCredentialForm, SocialJobForm, StoredValueForViewers
from leads.admin_job_page import JobPageAdmin
from leads.admin_job_state import JobStateColumns
from leads.jobs import lifecycle, schedule
from leads.jobs.states import JobError
from leads.models import ConnectorCredential, ContentItem, JobDispatch, Lead, SocialJob, Target


# ---------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------
@admin.register(SocialJob)
class SocialJobAdmin(JobPageAdmin, StoredValueForViewers, JobStateColumns, TenantScopedAdmin):
    form = SocialJobForm
    typed_fields = {"filters": "filter_"}
    # Each target's unit (status, counts, error) is a row of the live panel's table, not a stale inline.
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
            dispatch, _ = JobDispatch.objects.get_or_create(job=job)
            if data.get("max_retries") is not None:
                JobDispatch.objects.filter(pk=dispatch.pk).update(max_retries=data["max_retries"])
            if data.get("schedule_interval_seconds"):
                schedule.set_job_schedule(job, {"interval_seconds": data["schedule_interval_seconds"]})
            elif data.get("schedule_crontab"):
                schedule.set_job_schedule(job, {"crontab": data["schedule_crontab"]})
            else:
                schedule.set_job_schedule(job, None)

    @admin.action(description="Run selected jobs", permissions=["change"])
    def run_jobs(self, request, queryset):
        queued, refused = 0, 0
        with publishing.unsent_sends() as unsent:
            for job in queryset:
                try:
                    lifecycle.queue_job(job)
                    queued += 1
                except JobError:
                    refused += 1
        self.message_user(request, f"{queued} jobs queued, {refused} already running.", messages.SUCCESS)
        if unsent:
            self.message_user(request, publishing.ADMIN_BROKER_DOWN_MESSAGE, messages.WARNING)

    @admin.action(description="Cancel selected jobs", permissions=["change"])
    def cancel_jobs(self, request, queryset):
        cancelled = sum(1 for job in queryset if lifecycle.cancel_job(job))
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
        *Lead.PROFILE_FIELDS,
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
        from leads.ingest import render_engagement_rate

        return render_engagement_rate(item.engagement_rate) or "—"


# ---------------------------------------------------------------------------------------
# Connector credentials
# ---------------------------------------------------------------------------------------
@admin.register(ConnectorCredential)
class ConnectorCredentialAdmin(StoredValueForViewers, TenantScopedAdmin):
    form = ConnectorCredentialForm
    typed_fields = {"actors": "actor_"}
    fieldsets = CREDENTIAL_FIELDSETS
    list_display = ["name", "provider", "platform", "account_id", "masked", "active", "advertiser"]
    list_filter = ["provider", "platform", "active"]
    search_fields = ["name", "account_id"]
    list_select_related = ["advertiser"]
    readonly_fields = ["masked", "created_at", "token_refreshed_at", "token_refresh_error"]

    @admin.display(description="stored token")
    def masked(self, credential) -> str:
        return credential.masked_secret or "—"

    # Who may only view gets the secret fields read-only, rendered by these methods rather than from
    # the model's decrypting properties: masked, like everywhere after the moment they are typed in.
    @admin.display(description="Access token or API token")
    def secret(self, credential) -> str:
        return credential.masked_secret or "—"

    @admin.display(description="Meta app secret")
    def app_secret(self, credential) -> str:
        return credential.masked_app_secret or "—"
