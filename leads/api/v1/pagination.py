"""The social lead API's page/per_page envelope over large lead tables, keeping exact `total` and `pages`.

COUNT(*) over a million rows on every request is what made the default pagination slow.
Here `total` is:
- for no filter, or any mix of the counted filters (outreach_ready, source_type, platform):
  the sum of `LeadCount` rows, which triggers on the leads table (leads.triggers) keep exact
  on every insert, update and delete (ingest, admin, cascades);
- for any other filter (username, job_id, followers bounds, search): an exact count up to
  `BOUNDED_COUNT` rows, and `BOUNDED_COUNT` beyond that (so `pages` stops there too).
Rows of a page are found through the id index first (an index-only scan skips the offset),
then loaded by primary key, in one statement whatever the page number.
"""

from __future__ import annotations

from django.db import connection

from leadplatform.api.pagination import LeadsPagination
from leads.models import LeadCount

BOUNDED_COUNT = 10_000
# Below this offset the rows are read straight from the index scan (skipping a few hundred
# heap rows is cheaper than second query level).
DIRECT_OFFSET = 500


class LeadsCountedPagination(LeadsPagination):
    def paginate_queryset(self, queryset, request, view=None):
        self._view = view
        return super().paginate_queryset(queryset, request, view)

    def page_rows(self, queryset, start: int, stop: int) -> list[dict]:
        """The page as `values()` rows of the columns the list renders (no model instances)."""
        columns = self._view.list_columns()
        if start < DIRECT_OFFSET:
            return list(queryset.values(*columns)[start:stop])
        # Deep pages, one statement: the inner query takes the page's ids from an index-only
        # scan of (advertiser, id) that skips the offset; the outer one reads only those rows.
        page_ids = queryset.values("pk")[start:stop]
        return list(queryset.filter(pk__in=page_ids).values(*columns))

    def count(self, queryset) -> int:
        view = self._view
        params = {key for key, value in self.request.query_params.items() if value not in ("", None)}
        active = params & set(view.filterset_class.base_filters)
        if connection.vendor == "postgresql" and active <= view.filterset_class.COUNTED:
            counts = view.scoped(LeadCount)
            form = view.filterset.form if getattr(view, "filterset", None) is not None else None
            data = form.cleaned_data if form is not None and form.is_valid() else {}
            for name in active:
                if data.get(name) is not None:
                    counts = counts.filter(**{name: data[name]})
            return sum(counts.values_list("count", flat=True))  # a few rows per advertiser
        return queryset[:BOUNDED_COUNT].count()
