"""Lead panels: leads found per day by source, and how many scraping jobs succeeded or failed."""

from __future__ import annotations

from datetime import UTC

from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from campaigns.stats.rollups import day_start
from leads.models import Lead, Platform, ScrapeJob, WebResult
from leads.models.social import SOCIAL_KINDS

from .panels import Panel, daily, series, since
from .scope import Scope

WEB_PAGES = "web_pages"
OUTCOME_COLOURS = {"succeeded": "#5b8c5a", "failed": "#ba2121"}
SOURCES = {**{value: f"{label} leads" for value, label in Platform.choices}, WEB_PAGES: "Web pages scraped"}


def _per_day(rows, field: str, key: str | None):
    grouped = rows.filter(**{f"{field}__gte": day_start(since())}).annotate(day=TruncDate(field, tzinfo=UTC)).order_by()
    if key is None:
        return [(day, WEB_PAGES, n) for day, n in grouped.values("day").annotate(n=Count("id")).values_list("day", "n")]
    return list(grouped.values("day", key).annotate(n=Count("id")).values_list("day", key, "n"))


def leads_panel(scope: Scope) -> Panel:
    """Social leads per day by network (`Lead.platform`) and pages a web job stored (two queries)."""
    rows = [
        *_per_day(scope.rows(Lead.objects.all()), "created_at", "platform"),
        *_per_day(scope.rows(WebResult.objects.all()), "scraped_at", None),
    ]
    labels, datasets = daily(rows, SOURCES)
    return Panel(
        "leads",
        "Leads per day by source",
        "bar",
        labels=labels,
        datasets=datasets,
        stacked=True,
        note="Leads by the day they were first stored; web jobs store pages, counted apart.",
    )


def _outcomes(kinds: Q) -> dict:
    return {
        "succeeded": Count("id", filter=kinds & Q(status=ScrapeJob.Status.COMPLETED)),
        "failed": Count("id", filter=kinds & Q(status=ScrapeJob.Status.FAILED)),
    }


def jobs_panel(scope: Scope) -> Panel:
    """Social and web jobs created in the window that completed or failed (one query)."""
    groups = {"social": Q(kind__in=SOCIAL_KINDS), "web": Q(kind=ScrapeJob.Kind.WEB)}
    counts = (
        scope.rows(ScrapeJob.objects.all())
        .filter(created_at__gte=day_start(since()))
        .aggregate(
            **{
                f"{group}__{outcome}": count
                for group, kinds in groups.items()
                for outcome, count in _outcomes(kinds).items()
            }
        )
    )
    labels = ["Social jobs", "Web jobs"]
    panel = Panel(
        "jobs",
        "Job success",
        "bar",
        labels=labels,
        stacked=True,
        datasets=[
            series(outcome.capitalize(), (counts[f"{group}__{outcome}"] for group in groups), colour)
            for outcome, colour in OUTCOME_COLOURS.items()
        ],
        note="Jobs created in the last 30 days that have finished; cancelled ones left out.",
    )
    for group, label in zip(groups, labels, strict=True):
        finished = counts[f"{group}__succeeded"] + counts[f"{group}__failed"]
        rate = round(counts[f"{group}__succeeded"] * 100 / finished) if finished else None
        panel.table.append(
            {
                "name": label,
                "succeeded": counts[f"{group}__succeeded"],
                "failed": counts[f"{group}__failed"],
                "rate": rate,
            }
        )
    return panel
