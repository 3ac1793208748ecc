"""A job's admin page kept live: the progress panel, its JSON endpoint, and the run / cancel / retry buttons.

`JobPageAdmin` is mixed into a job ModelAdmin before `TenantScopedAdmin`: the endpoint and the buttons
find the job through the admin's own (tenant-scoped) queryset, so another advertiser's job is a 404,
and the buttons need change permission (a viewer sees none, and a viewer's POST is refused).
The rules live in `leads.job_progress`.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_field, lookup_field
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect, JsonResponse
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html

from . import job_progress, publishing
from .models import ScrapeJob

BUTTON_LABELS = {job_progress.RUN: "Run", job_progress.CANCEL: "Cancel", job_progress.RETRY: "Retry"}


def progress_bar(percent: float) -> str:
    return format_html(
        '<progress class="job-progress" max="100" value="{}" aria-label="progress">{}%</progress> {}%',
        percent,
        f"{percent:.0f}",
        f"{percent:.0f}",
    )


def results_link(job: ScrapeJob) -> tuple[str, str]:
    """Where the job's output is listed in admin: its leads, its posts, or its web results."""
    if job.kind == ScrapeJob.Kind.WEB:
        return reverse("admin:leads_webresult_changelist") + f"?job__id__exact={job.pk}", "Results of this job"
    if job.kind == ScrapeJob.Kind.GROUP_POSTS:
        return reverse("admin:leads_contentitem_changelist") + f"?job__id__exact={job.pk}", "Posts of this job"
    return reverse("admin:leads_lead_changelist") + f"?job__id__exact={job.pk}", "Leads of this job"


class JobPageAdmin:
    change_form_template = "admin/leads/job_change_form.html"
    #: The change form's read-only fields that move while the job runs: the page's poll redraws them with the panel.
    live_fields = (
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
        "assigned_at",
        "started_at",
        "completed_at",
    )

    def _url_name(self, suffix: str) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}_{suffix}"

    def get_urls(self):
        return [
            path(
                "<int:object_id>/progress/",
                self.admin_site.admin_view(self.progress_view),
                name=self._url_name("progress"),
            ),
            path(
                "<int:object_id>/transition/<str:transition>/",
                self.admin_site.admin_view(self.transition_view),
                name=self._url_name("transition"),
            ),
            *super().get_urls(),
        ]

    # -- list column and read-only field -------------------------------------------------
    @admin.display(description="progress", ordering="progress")
    def progress_bar(self, job: ScrapeJob) -> str:
        if job.pk is None:
            return "—"
        return progress_bar(job_progress.displayed_progress(job))

    # -- the JSON the page polls ---------------------------------------------------------
    def _job_or_404(self, request, object_id) -> ScrapeJob:
        job = self.get_object(request, str(object_id))
        if job is None:
            raise Http404("No such job.")
        return job

    def progress_view(self, request, object_id: int):
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        job = self._job_or_404(request, object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        state = job_progress.snapshot(job, may_change=self.has_change_permission(request, job))
        state["fields"] = {name: self.readonly_html(name, job) for name in self.live_fields}
        return JsonResponse(state, headers={"Cache-Control": "no-store"})

    def readonly_html(self, name: str, job: ScrapeJob) -> str:
        """A read-only field's value as the change form prints it (what Django's AdminReadonlyField shows for
        a model field or an admin method), escaped."""
        field, _attr, value = lookup_field(name, job, self)
        if field is None:
            shown = value if hasattr(value, "__html__") else linebreaksbr(value)
        else:
            shown = linebreaksbr(display_for_field(value, field, self.get_empty_value_display()))
        return str(conditional_escape(shown))

    # -- the buttons -----------------------------------------------------------------------
    def transition_view(self, request, object_id: int, transition: str):
        if transition not in job_progress.TRANSITIONS:
            raise Http404("No such action.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job_or_404(request, object_id)
        if not self.has_change_permission(request, job):
            raise PermissionDenied
        try:
            with publishing.unsent_sends() as unsent:
                done = job_progress.apply_transition(job, transition)
            self.message_user(request, done, messages.SUCCESS)
        except job_progress.TransitionRefused as exc:
            self.message_user(request, str(exc), messages.WARNING)
        else:
            if unsent:
                self.message_user(request, publishing.ADMIN_BROKER_DOWN_MESSAGE, messages.WARNING)
        return HttpResponseRedirect(reverse(f"admin:{self._url_name('change')}", args=[job.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk is not None:
            may_change = self.has_change_permission(request, obj)
            url, label = results_link(obj)
            context["job_page"] = {
                "state": job_progress.snapshot(obj, may_change=may_change),
                "progress_url": reverse(f"admin:{self._url_name('progress')}", args=[obj.pk]),
                "results_url": url,
                "results_label": label,
                "buttons": [
                    {
                        "name": name,
                        "label": label,
                        "url": reverse(f"admin:{self._url_name('transition')}", args=[obj.pk, name]),
                    }
                    for name, label in BUTTON_LABELS.items()
                ]
                if may_change
                else [],
            }
        return super().render_change_form(request, context, add, change, form_url, obj)
