"""Admin columns shared by the job admins: why a job waits, and why it failed."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import Truncator

from . import job_progress, slots
from .models import ScrapeJob


class JobStateColumns:
    """Mixed into a job ModelAdmin: list "waiting" and "failure" in list_display, "waiting" in readonly_fields."""

    def get_changelist_instance(self, request):
        # The page's waiting reasons in two queries, not two per pending job: set on the page's own rows,
        # which the changelist template then iterates (the sliced queryset keeps them).
        changelist = super().get_changelist_instance(request)
        page = list(changelist.result_list)
        waiting = slots.waiting_of(page)
        for job in page:
            job.page_waiting = waiting[job.pk]
        return changelist

    @admin.display(description="waiting")
    def waiting(self, job: ScrapeJob) -> str:
        if job.pk is None or job.status != ScrapeJob.Status.PENDING:
            return "—"
        waiting = getattr(job, "page_waiting", None) or slots.waiting_of([job])[job.pk]
        return f"#{waiting.position} · {waiting.reason}" if waiting.reason else "—"

    @admin.display(description="reason")
    def failure(self, job: ScrapeJob) -> str:
        # A job queued again after a failed attempt says so, rather than showing the attempt's failure as final.
        reason = "" if job.status == ScrapeJob.Status.CANCELLED else job_progress.reason_in_words(job)
        return Truncator(reason).chars(90) if reason else "—"
