"""What each campaign has spent, as a queryset annotation (one statement for any number of campaigns).

The days up to the `campaign_spend_totals` watermark come from the running totals, the payments after
it from the raw rows, the split `figures.campaign_spending` makes too. Payments are in the campaign's
currency, so a campaign's spend is comparable to its budget without conversion.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import DecimalField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from campaigns.money import ZERO
from tasks.models import Payment

from .models import CampaignSpendTotal
from .rollups import day_start, watermark

MONEY_FIELD = DecimalField(max_digits=14, decimal_places=2)
ROLLUP = "campaign_spend_totals"


def _sum_per_campaign(rows, campaign_path: str, amount: str) -> Subquery:
    return Subquery(
        rows.filter(**{campaign_path: OuterRef("pk")})
        .order_by()
        .values(campaign_path)
        .annotate(amount=Sum(amount))
        .values("amount")[:1],
        output_field=MONEY_FIELD,
    )


def spend_expression():
    """The expression of a campaign's spend (costs one query: reading the watermark)."""
    mark = watermark(ROLLUP)
    payments = Payment.objects.all()
    zero = Value(ZERO, output_field=MONEY_FIELD)
    spent = Coalesce(
        _sum_per_campaign(
            payments if mark is None else payments.filter(created_at__gte=day_start(mark + timedelta(days=1))),
            "task__campaign_id",
            "total",
        ),
        zero,
    )
    if mark is not None:
        rolled = _sum_per_campaign(CampaignSpendTotal.objects.all(), "campaign_id", "total")
        spent = spent + Coalesce(rolled, zero)
    return spent


def with_spend(campaigns: QuerySet) -> QuerySet:
    """`campaigns` annotated with `spent`: the Decimal total paid out, in the campaign's currency."""
    return campaigns.annotate(spent=spend_expression())
