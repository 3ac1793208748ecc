"""Seed 000's page/per_page envelope over large lead tables, keeping exact `total` and `pages`.

COUNT(*) over a million rows on every request is what made the default pagination slow.
Here `total` is:
- for no filter, or any mix of the counted filters (outreach_ready, source_type, platform):
  the sum of `LeadCount` rows, which a trigger on the leads table keeps exact on every
  insert, update and delete (ingest, admin, cascades);
- for any other filter (username, job_id, followers bounds, search): an exact count up to
  `BOUNDED_COUNT` rows, and `BOUNDED_COUNT` beyond that (so `pages` stops there too).
Rows of a page are found through the id index first (an index-only scan skips the offset),
then loaded by primary key: two short queries whatever the page number.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Sum

from leadplatform.api.pagination import LeadsPagination
from leads.models import LeadCount

BOUNDED_COUNT = 10_000


class LeadsCountedPagination(LeadsPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self._view = view
        # The page's ids come from an index-only scan of (advertiser, id), offset included; the
        # rows are then read by primary key (the scoped, filtered queryset again, on 20 ids).
        ids = [row["pk"] for row in super().paginate_queryset(queryset.values("pk"), request, view)]
        rows = {row.pk: row for row in queryset.filter(pk__in=ids)} if ids else {}
        return [rows[pk] for pk in ids if pk in rows]

    def count(self, queryset) -> int:
        view = self._view
        params = {key for key, value in self.request.query_params.items() if value not in ("", None)}
        active = params & set(view.filterset_class.base_filters)
        if connection.vendor == "postgresql" and active <= view.filterset_class.COUNTED:
            counts = LeadCount.objects.for_principal(view.principal)
            form = view.filterset.form if getattr(view, "filterset", None) is not None else None
            data = form.cleaned_data if form is not None and form.is_valid() else {}
            for name in active:
                if data.get(name) is not None:
                    counts = counts.filter(**{name: data[name]})
            return counts.aggregate(total=Sum("count"))["total"] or 0
        return queryset[:BOUNDED_COUNT].count()
