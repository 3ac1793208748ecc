"""The admin dashboard: panels built from the rollups and counters, scoped to whoever looks.

`for_user` builds a user's panels (the admin index narrows `scope_for_user` to a picked advertiser first),
`for_campaign` the statistics on a campaign's change page.
Each panel costs a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

from campaigns.models import Campaign
from tasks.models import Task

from . import campaigns, leads, visits
from .panels import Panel
from .scope import Scope, scope_for_advertiser, scope_for_user

__all__ = ["Panel", "Scope", "for_campaign", "for_scope", "for_user", "scope_for_advertiser", "scope_for_user"]


def for_scope(scope: Scope) -> list[Panel]:
    return [
        campaigns.spend_panel(scope.rows(Campaign.objects.all())),
        campaigns.tasks_panel(campaigns.task_counts(scope)),
        campaigns.reach_over_time(scope),
        campaigns.reach_by_network(scope),
        leads.leads_panel(scope),
        leads.jobs_panel(scope),
        visits.visits_panel(scope),
    ]


def for_user(user) -> tuple[Scope, list[Panel]]:
    scope = scope_for_user(user)
    return scope, for_scope(scope)


def for_campaign(campaign: Campaign) -> list[Panel]:
    """A campaign the caller already fetched through its scoped admin queryset."""
    return [
        campaigns.spend_panel(Campaign.objects.filter(pk=campaign.pk), note="Payments so far against the budget."),
        campaigns.tasks_panel(campaigns.count_by_status(Task.objects.filter(campaign=campaign))),
        campaigns.reach_of_campaign(campaign),
    ]
