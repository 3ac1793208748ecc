"""Website intelligence panel: visits and identified companies per day."""

from __future__ import annotations

from datetime import UTC

from django.db.models import Count
from django.db.models.functions import TruncDate

from campaigns.stats.rollups import day_start
from leads.intel.models import VisitSession

from .panels import Panel, daily, since
from .scope import Scope

METRICS = {"visits": "Visits", "companies": "Identified companies"}


def visits_panel(scope: Scope) -> Panel:
    """Sessions per day and the distinct companies they were resolved to (one query).

    The sessions of companies an advertiser has blacklisted are left out, as on the sessions list."""
    per_day = (
        scope.rows(VisitSession.objects.all())
        .listable()
        .filter(started_at__gte=day_start(since()))
        .annotate(day=TruncDate("started_at", tzinfo=UTC))
        .order_by()
        .values("day")
        .annotate(visits=Count("id"), companies=Count("company", distinct=True))
        .values_list("day", "visits", "companies")
    )
    rows = [
        (day, key, value)
        for day, visits, companies in per_day
        for key, value in (("visits", visits), ("companies", companies))
    ]
    labels, datasets = daily(rows, METRICS)
    return Panel("visits", "Visits and identified companies per day", "line", labels=labels, datasets=datasets)
