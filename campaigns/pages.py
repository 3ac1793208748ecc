"""The influencer app's campaign pages: server-rendered HTML for a signed-in influencer.

The pages use the platform's session (the /login/ page), reach rows only through each model's
`for_principal`, and change state only through the services the JSON API calls, so both
agree on every rule. A refusal from a service is shown with the service's own message.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.principal import Kind, Principal, principal_of
from leadplatform.api.exceptions import status_of
from leadplatform.domain import DomainError
from tasks.models import Task
from tasks.services import join_campaign, joining_window_open, leaderboard

from . import services
from .models import Campaign

PAGE_SIZE = 20
LISTINGS = {"all": "All", "active": "Active", "joined": "Joined", "ended": "Ended"}
NOT_A_PUBLISHER = "These pages are for influencers. Sign in with an influencer account to use them."
CAMPAIGN_NOT_FOUND = "Campaign not found."


# ------------------------------------------------------------------------------
# Shared by the campaign and task pages
# ------------------------------------------------------------------------------
def publisher_page(view: Callable) -> Callable:
    """Anonymous visitors go to /login/; anyone signed in who is not an influencer gets a 403 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        principal = principal_of(request)
        if principal.kind is not Kind.PUBLISHER:
            # Back to where this user lands after signing in, not to another page of this app.
            return problem(request, 403, NOT_A_PUBLISHER, resolve_url(settings.LOGIN_REDIRECT_URL))
        return view(request, principal, *args, **kwargs)

    return wrapper


def problem(request: HttpRequest, status: int, message: str, back: str | None = None) -> HttpResponse:
    """The page for anything the influencer cannot do, with the reason in words."""
    context = {"status": status, "message": message, "back": back or reverse("app:campaigns")}
    return render(request, "campaigns/pages/problem.html", context, status=status)


def refusal_message(exc: DomainError) -> str:
    """The text of a service's refusal (every message of a field refusal, in order)."""
    return str(exc) or "The request was refused."


def refused(request: HttpRequest, exc: DomainError, back: str | None = None) -> HttpResponse:
    """The refusal's page, with the status the API answers it with."""
    return problem(request, status_of(exc), refusal_message(exc), back)


def campaign_state(campaign: Campaign, now) -> str:
    """The campaign's badge: ended once its end date passed, whatever its stored status says."""
    if campaign.has_ended(now):
        return "ended"
    return {Campaign.Status.PENDING: "upcoming"}.get(campaign.status, campaign.status)


def visible_campaign(principal: Principal, pk: int) -> Campaign | None:
    return Campaign.objects.for_principal(principal).filter(pk=pk).first()


def open_task(principal: Principal, campaign: Campaign) -> Task | None:
    """The influencer's participation in the campaign that still counts, if any."""
    return (
        Task.objects.for_principal(principal)
        .filter(campaign=campaign, status__in=Task.OPEN_STATUSES)
        .order_by("-id")
        .first()
    )


# ------------------------------------------------------------------------------
# Pages
# ------------------------------------------------------------------------------
@publisher_page
def campaign_list(request: HttpRequest, principal: Principal) -> HttpResponse:
    listing = request.GET.get("filter", "all")
    if listing not in LISTINGS:
        listing = "all"
    campaigns = services.campaigns_for_publisher(
        Campaign.objects.for_principal(principal), principal.publisher, listing=listing
    )
    page = Paginator(campaigns, PAGE_SIZE).get_page(request.GET.get("page"))
    joined = set(
        Task.objects.for_principal(principal)
        .filter(status__in=Task.OPEN_STATUSES)
        .values_list("campaign_id", flat=True)
    )
    now = timezone.now()
    cards = [{"campaign": c, "state": campaign_state(c, now), "joined": c.pk in joined} for c in page]
    return render(
        request,
        "campaigns/pages/campaign_list.html",
        {
            "cards": cards,
            "page": page,
            "listing": listing,
            "listings": LISTINGS,
        },
    )


@publisher_page
def campaign_detail(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    campaign = visible_campaign(principal, pk)
    if campaign is None:
        return problem(request, 404, CAMPAIGN_NOT_FOUND)
    now = timezone.now()
    task = open_task(principal, campaign)
    return render(
        request,
        "campaigns/pages/campaign_detail.html",
        {
            "campaign": campaign,
            "state": campaign_state(campaign, now),
            "task": task,
            "can_join": task is None and joining_window_open(campaign, now),
        },
    )


@require_POST
@publisher_page
def campaign_join(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    campaign = visible_campaign(principal, pk)
    if campaign is None:
        return problem(request, 404, CAMPAIGN_NOT_FOUND)
    try:
        task = join_campaign(campaign, principal.publisher)
    except DomainError as exc:
        return refused(request, exc, reverse("app:campaign", args=[campaign.pk]))
    messages.success(request, f"You joined {campaign.name}. Your task is below.")
    return redirect("app:task", pk=task.pk)


@publisher_page
def campaign_leaderboard(request: HttpRequest, principal: Principal, pk: int) -> HttpResponse:
    campaign = visible_campaign(principal, pk)
    if campaign is None:
        return problem(request, 404, CAMPAIGN_NOT_FOUND)
    back = reverse("app:campaign", args=[campaign.pk])
    if not campaign.tasks_leaderboard:
        # The same refusal the JSON API's leaderboard gives.
        return refused(request, services.RuleBroken("This campaign has no leaderboard."), back)
    rows = leaderboard(campaign)
    for row in rows:
        row["is_viewer"] = row["user_id"] == principal.user.pk
    return render(
        request,
        "campaigns/pages/leaderboard.html",
        {
            "campaign": campaign,
            "rows": rows,
            "viewer_listed": any(row["is_viewer"] for row in rows),
            "back": back,
        },
    )
