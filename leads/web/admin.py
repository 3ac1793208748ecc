"""Admin of the web scraper: web jobs, their results, the proxy pool, webhooks and their deliveries.

Advertiser members see their own jobs, results, webhooks and deliveries (TenantScopedAdmin);
the proxy pool is the platform's (staff only).
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from accounts.admin_scoping import PlatformOnlyAdmin, TenantScopedAdmin
from accounts.masking import mask_secret
from leadplatform.admin_exports import ExportActionsMixin
from leadplatform.url_input import refuse_hidden_characters
from leads import events, export_columns, proxies, publishing
from leads.admin_forms import StoredValueForViewers, WebJobForm
from leads.admin_job_page import JobPageAdmin
from leads.admin_job_state import JobStateColumns
from leads.models import Proxy, ScrapeJob, Webhook, WebhookDelivery, WebJob, WebResult
from leads.web import jobs as webjobs
from leads.webhooks import generate_secret, rotate_secret


@admin.register(WebJob)
class WebJobAdmin(JobPageAdmin, StoredValueForViewers, JobStateColumns, TenantScopedAdmin):
    form = WebJobForm
    typed_fields = {"config": "config_"}
    list_display = [
        "__str__",
        "url",
        "status",
        "waiting",
        "failure",
        "engine",
        "progress_bar",
        "items_scraped",
        "items_failed",
        "created_at",
        "advertiser",
    ]
    list_filter = ["status", "engine", "advertiser"]
    search_fields = ["name", "url", "public_id"]
    list_select_related = ["advertiser"]
    readonly_fields = [
        "public_id",
        "status",
        "waiting",
        "progress_bar",
        "items_scraped",
        "items_failed",
        "error",
        "attempts",
        "worker_id",
        "heartbeat_at",
        "created_at",
        "started_at",
        "completed_at",
    ]
    actions = ["cancel_jobs"]

    def save_model(self, request, obj, form, change):
        obj.kind = ScrapeJob.Kind.WEB
        obj.platform = "web"
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if not change:
            transaction.on_commit(lambda: self._send_new_job(request, obj.pk))

    def _send_new_job(self, request, job_id: int) -> None:
        with publishing.unsent_sends() as unsent:
            webjobs.enqueue(job_id)
        if unsent:
            self.message_user(request, publishing.ADMIN_BROKER_DOWN_MESSAGE, messages.WARNING)

    @admin.action(description="Cancel selected jobs", permissions=["change"])
    def cancel_jobs(self, request, queryset):
        cancelled = queryset.filter(status__in=webjobs.UNFINISHED).update(
            status=ScrapeJob.Status.CANCELLED, completed_at=timezone.now()
        )
        self.message_user(request, f"{cancelled} jobs cancelled.", messages.SUCCESS)


@admin.register(WebResult)
class WebResultAdmin(ExportActionsMixin, TenantScopedAdmin):
    tenant_field = None
    list_display = ["url", "job", "scraped_at"]
    list_select_related = ["job"]
    search_fields = ["url"]
    list_filter = ["scraped_at"]
    raw_id_fields = ["job"]
    readonly_fields = ["job", "url", "data", "scraped_at"]
    actions = ["export_csv", "export_xlsx"]
    export_columns = export_columns.WEB_RESULTS

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def masked(url: str) -> str:
    """A proxy URL with its password hidden."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname + (f":{parts.port}" if parts.port else "")
        return urlunsplit((parts.scheme, f"{parts.username}:•••@{host}", parts.path, parts.query, parts.fragment))
    return url


@admin.register(Proxy)
class ProxyAdmin(PlatformOnlyAdmin):
    list_display = [
        "display_url",
        "status",
        "success_rate",
        "success_count",
        "failure_count",
        "consecutive_failures",
        "last_checked_at",
        "last_used_at",
    ]
    list_filter = ["status"]
    search_fields = ["url"]
    readonly_fields = [
        "success_count",
        "failure_count",
        "consecutive_failures",
        "last_checked_at",
        "last_used_at",
        "created_at",
    ]
    actions = ["recheck", "reinstate", "ban"]

    @admin.display(description="URL")
    def display_url(self, proxy: Proxy) -> str:
        return masked(proxy.url)

    @admin.display(description=mark_safe('<input type="checkbox" id="action-toggle">'))
    def action_checkbox(self, proxy: Proxy):
        """Django labels the checkbox with str(obj), which would show the proxy's password."""
        attrs = {
            "class": "action-select",
            "aria-label": format_html("Select this object for an action - {}", masked(proxy.url)),
        }
        return forms.CheckboxInput(attrs, lambda value: False).render(helpers.ACTION_CHECKBOX_NAME, str(proxy.pk))

    @admin.display(description="success rate %")
    def success_rate(self, proxy: Proxy) -> float:
        return proxy.success_rate

    @admin.action(description="Re-check selected proxies now")
    def recheck(self, request, queryset):
        results = [proxies.check_proxy(proxy) for proxy in queryset]
        self.message_user(request, f"{sum(results)} of {len(results)} proxies answered.", messages.INFO)

    @admin.action(description="Reinstate selected proxies")
    def reinstate(self, request, queryset):
        queryset.update(status=Proxy.Status.ACTIVE, consecutive_failures=0)

    @admin.action(description="Ban selected proxies")
    def ban(self, request, queryset):
        queryset.update(status=Proxy.Status.BANNED)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https", validators=[refuse_hidden_characters])
    events = forms.MultipleChoiceField(choices=Webhook.Event.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Webhook
        fields = ["url", "events", "active"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            webjobs.check_target_url(url, field="url")
        except Exception:  # the guard's refusal (InvalidInput), or any failure to check → a form error
            raise forms.ValidationError("The destination is not allowed.") from None
        return url


#: Where a delivery stands: on its webhook's page, in the deliveries list and on its own page.
DELIVERY_PROGRESS = [
    "status",
    "attempts",
    "response_status",
    "last_error",
    "next_attempt_at",
    "delivered_at",
    "created_at",
]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    fields = ["event", *DELIVERY_PROGRESS]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    ordering = ["-id"]
    show_change_link = True


@admin.register(Webhook)
class WebhookAdmin(TenantScopedAdmin):
    form = WebhookForm
    list_display = ["url", "events", "active", "disabled_reason", "created_at", "advertiser"]
    list_filter = ["active", "advertiser"]
    search_fields = ["url"]
    list_select_related = ["advertiser"]
    readonly_fields = ["signing_secret", "disabled_reason", "created_at"]
    inlines = [DeliveryInline]
    actions = ["rotate_secrets"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.secret = generate_secret()
            obj.created_by = request.user
        if obj.active:
            obj.disabled_reason = ""
        super().save_model(request, obj, form, change)
        if not change:
            self._show_secret_once(request, obj, obj.secret)

    @admin.display(description="signing secret")
    def signing_secret(self, webhook) -> str:
        # Shown in full only in the message of the request that creates or rotates it.
        return mask_secret(webhook.secret) if webhook.pk else "—"

    @admin.action(description="Rotate the signing secret of selected webhooks")
    def rotate_secrets(self, request, queryset):
        for webhook in queryset:
            self._show_secret_once(request, webhook, rotate_secret(webhook))

    def _show_secret_once(self, request, webhook, secret: str) -> None:
        self.message_user(request, f"Signing secret of {webhook.url} (shown only now): {secret}", messages.WARNING)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(TenantScopedAdmin):
    tenant_field = None
    list_display = ["message_id", "webhook", "event", *DELIVERY_PROGRESS]
    list_filter = ["status", "event"]
    list_select_related = ["webhook"]
    search_fields = ["message_id", "webhook__url"]
    readonly_fields = ["webhook", "event", "message_id", "payload", *DELIVERY_PROGRESS]
    actions = ["redeliver"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Deliver selected again")
    def redeliver(self, request, queryset):
        ids = list(queryset.filter(webhook__active=True).values_list("pk", flat=True))
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=None
        )
        with publishing.unsent_sends() as unsent:
            transaction.on_commit(
                lambda: events.webhook_deliveries_ready.send(sender=WebhookDelivery, delivery_ids=ids)
            )
        self.message_user(request, f"{len(ids)} deliveries queued.", messages.SUCCESS)
        if unsent:
            self.message_user(request, publishing.ADMIN_BROKER_DOWN_MESSAGE, messages.WARNING)
