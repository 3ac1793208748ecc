"""The influencer app's task pages: the influencer's tasks, completing one with a screenshot, leaving one
(after a confirmation page: leaving cannot be undone, and needs no script)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from accounts.principal import Principal
from campaigns.pages import PAGE_SIZE, problem, publisher_page, refusal_message, refused
from leadplatform.api.exceptions import status_of
from leadplatform.domain import DomainError
from leadplatform.url_input import refuse_hidden_characters

from . import services
from .models import Task

TASK_NOT_FOUND = "Task not found."
IMAGE_TYPES = "image/png,image/jpeg,image/webp"


class CompleteTaskForm(forms.Form):
    post_url = forms.URLField(
        max_length=500, label="Link to your post", assume_scheme="https", validators=[refuse_hidden_characters]
    )
    # A plain file field: the image itself is checked (and re-encoded) by the service's upload validation.
    screenshot = forms.FileField(
        required=False,
        label="Screenshot of your post",
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_TYPES}),
    )


def own_task(principal: Principal, pk: int) -> Task | None:
    """One of the influencer's own tasks; another influencer's task is as absent as an unknown id."""
    return (
        Task.objects.for_principal(principal)
        .select_related("campaign", "submission")
        .prefetch_related("submission__screenshots")
        .filter(pk=pk)
        .first()
    )


def screenshots_of(task: Task) -> list:
    """The screenshots sent with the task's post, uploaded ones and links alike."""
    submission = getattr(task, "submission", None)
    return list(submission.screenshots.all()) if submission is not None else []


def task_context(task: Task, now=None) -> dict:
    return {"task": task, "flags": services.task_flags(task, now or timezone.now())}


def render_task(request: HttpRequest, task: Task, form: CompleteTaskForm, *, error: str = "", status: int = 200):
    context = {**task_context(task), "screenshots": screenshots_of(task), "form": form, "error": error}
    return render(request, "tasks/pages/task_detail.html", context, status=status)


@publisher_page
def task_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    tasks = Task.objects.for_principal(principal).select_related("campaign").order_by("-joined_at", "-id")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "tasks/pages/task_list.html", {"rows": [task_context(t, now) for t in page], "page": page})


@publisher_page
def task_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    task = own_task(principal, pk)
    if task is None:
        return problem(request, 404, TASK_NOT_FOUND, reverse("app:tasks"))
    return render_task(request, task, CompleteTaskForm())


@require_POST
@publisher_page
def task_complete(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    task = own_task(principal, pk)
    if task is None:
        return problem(request, 404, TASK_NOT_FOUND, reverse("app:tasks"))
    form = CompleteTaskForm(request.POST, request.FILES)
    if not form.is_valid():
        return render_task(request, task, form, error="Check the form below.", status=400)
    screenshot = form.cleaned_data["screenshot"]
    try:
        services.complete_task(
            task,
            principal.publisher,
            post_url=form.cleaned_data["post_url"],
            screenshot_files=[screenshot] if screenshot else [],
        )
    except DomainError as exc:
        task.refresh_from_db()
        return render_task(request, task, form, error=refusal_message(exc), status=status_of(exc))
    messages.success(request, "Task completed: it is now under review.")
    return redirect("app:task", pk=task.pk)


@require_http_methods(["GET", "POST"])
@publisher_page
def task_leave(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    """GET asks to confirm; the confirmation's POST leaves."""
    task = own_task(principal, pk)
    if task is None:
        return problem(request, 404, TASK_NOT_FOUND, reverse("app:tasks"))
    if request.method == "GET":
        refusal = services.refusal_to_leave(task)
        if refusal:
            return problem(request, 409, refusal, reverse("app:task", args=[task.pk]))
        return render(request, "tasks/pages/task_leave.html", {"task": task})
    try:
        services.leave_task(task, principal.publisher)
    except DomainError as exc:
        return refused(request, exc, reverse("app:task", args=[task.pk]))
    messages.success(request, f"You left “{task.title}”.")
    return redirect("app:tasks")
