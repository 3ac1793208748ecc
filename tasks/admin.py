"""The advertiser's task review queue, payments and the task log, scoped to the member's advertiser.

Approve, reject and pay go through `tasks.services`, the same rules as the API: in bulk
from the changelist, one by one from the buttons on a task's page.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from accounts.admin_scoping import TenantScopedAdmin
from campaigns.admin import ScopedCampaignFilter
from leadplatform.admin_exports import ExportActionsMixin

from . import export_columns, services
from .models import Payment, Submission, Task, TaskAction

REVIEW_ACTIONS = {"approve": "approved", "reject": "rejected", "pay": "paid"}


class ReadOnlyInlineMixin:
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class SubmissionInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = Submission
    fields = ("post_url", "media_url", "created_at", "screenshot_links")
    readonly_fields = fields

    @admin.display(description="screenshots")
    def screenshot_links(self, submission):
        links = [(shot.image.url if shot.image else shot.url,) for shot in submission.screenshots.all()]
        return format_html_join(" ", '<a href="{}" target="_blank" rel="noopener">screenshot</a>', links) or "—"


class TaskActionInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TaskAction
    fields = ("created_at", "action", "actor", "note")
    readonly_fields = fields


@admin.register(Task)
class TaskAdmin(ExportActionsMixin, TenantScopedAdmin):
    tenant_field = None
    change_form_template = "tasks/admin/task_change_form.html"
    list_display = (
        "id",
        "title",
        "campaign",
        "publisher",
        "status",
        "deadline",
        "completed_at",
        "post_link",
        "reach",
        "engagement",
        "paid_total",
    )
    list_filter = ("status", ScopedCampaignFilter, "type", "best_post")
    search_fields = ("title", "publisher__user__username", "campaign__name", "submission__post_url")
    list_select_related = ("campaign", "publisher__user", "submission", "payment")
    date_hierarchy = "joined_at"
    fields = (
        "campaign",
        "publisher",
        "type",
        "title",
        "description",
        "requirements",
        "networks",
        "status",
        "deadline",
        "joined_at",
        "completed_at",
        "reviewed_at",
        "rejection_reason",
        "reach",
        "engagement",
        "likes",
        "comments",
        "best_post",
    )
    readonly_fields = (
        "campaign",
        "publisher",
        "type",
        "networks",
        "status",
        "deadline",
        "joined_at",
        "completed_at",
        "reviewed_at",
        "rejection_reason",
    )
    inlines = [SubmissionInline, TaskActionInline]
    actions = ["approve_selected", "reject_selected", "pay_selected", "export_csv", "export_xlsx"]
    export_columns = export_columns.TASKS

    def has_add_permission(self, request) -> bool:
        return False  # tasks come from influencers joining campaigns

    def get_readonly_fields(self, request, obj=None):
        # Once paid, the metrics that decided the bonuses stay as they were.
        if obj is not None and obj.status == Task.Status.PAID:
            return self.fields
        return self.readonly_fields

    @admin.display(description="post")
    def post_link(self, task):
        submission = getattr(task, "submission", None)
        if submission is None:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">post</a>', submission.post_url)

    @admin.display(description="paid")
    def paid_total(self, task):
        payment = getattr(task, "payment", None)
        return f"{payment.total} {payment.currency}" if payment else "—"

    # -- review, in bulk ---------------------------------------------------------
    def _review(self, request, tasks, action: str) -> None:
        done, refusals = services.review_tasks(tasks, action, request.user)
        if done:
            self.message_user(request, f"{done} task(s) {REVIEW_ACTIONS[action]}.", messages.SUCCESS)
        for refusal in refusals:
            self.message_user(request, refusal, messages.WARNING)

    @admin.action(description="Approve selected tasks", permissions=["change"])
    def approve_selected(self, request, queryset):
        self._review(request, queryset.select_related("campaign"), "approve")

    @admin.action(description="Reject selected tasks", permissions=["change"])
    def reject_selected(self, request, queryset):
        self._review(request, queryset.select_related("campaign"), "reject")

    @admin.action(description="Pay selected tasks", permissions=["change"])
    def pay_selected(self, request, queryset):
        self._review(request, queryset.select_related("campaign"), "pay")

    # -- review, one by one (buttons on the task's page) --------------------------
    def get_urls(self):
        review = self.admin_site.admin_view(self.review_view)
        return [path("<id:object_id>/review/<str:action>/", review, name="tasks_task_review"), *super().get_urls()]

    def review_view(self, request, object_id: int, action: str):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        task = get_object_or_404(self.get_queryset(request).select_related("campaign"), pk=object_id)
        if action not in REVIEW_ACTIONS or not self.has_change_permission(request, task):
            return HttpResponseRedirect(reverse("admin:tasks_task_change", args=[task.pk]))
        self._review(request, [task], action)
        return HttpResponseRedirect(reverse("admin:tasks_task_change", args=[task.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and self.has_change_permission(request, obj):
            context["review_actions"] = [
                (action, reverse("admin:tasks_task_review", args=[obj.pk, action]))
                for action, allowed in (
                    ("approve", obj.status == Task.Status.UNDER_REVIEW),
                    ("reject", obj.status == Task.Status.UNDER_REVIEW),
                    ("pay", obj.status == Task.Status.ACCEPTED),
                )
                if allowed
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)


class PaymentCampaignFilter(ScopedCampaignFilter):
    campaign_path = "task__campaign"


@admin.register(Payment)
class PaymentAdmin(ExportActionsMixin, TenantScopedAdmin):
    """Payments are made by paying tasks; this is their ledger."""

    list_display = (
        "id",
        "task",
        "publisher",
        "advertiser",
        "minimum",
        "post",
        "bonus_total",
        "total",
        "currency",
        "charged",
        "charged_currency",
        "created_at",
    )
    list_filter = ("currency", PaymentCampaignFilter, "advertiser")
    search_fields = ("task__title", "publisher__user__username", "task__campaign__name")
    list_select_related = ("task", "publisher__user", "advertiser")
    date_hierarchy = "created_at"
    actions = ["export_csv", "export_xlsx"]
    export_columns = export_columns.PAYMENTS

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
