"""Template filters of the influencer pages: one date format and the status badges."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as format_date

register = template.Library()

#: Every deadline and end date in the influencer pages reads like "30 Nov 2026, 14:05" (local time).
DATE_FORMAT = "j M Y, H:i"


@register.filter
def when(moment) -> str:
    return format_date(moment, DATE_FORMAT) if moment else "—"


@register.inclusion_tag("campaigns/pages/_badge.html")
def badge(state: str) -> dict:
    """A status chip: `state` is a key of the badge CSS (active, ended, joined, under_review, paid, …)."""
    return {"state": state, "label": state.replace("_", " ")}
