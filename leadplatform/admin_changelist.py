"""The admin changelist of every platform screen: no "Show all" link when nothing is filtered."""

from __future__ import annotations

from django.contrib.admin.views.main import ChangeList


class PlatformChangeList(ChangeList):
    """With `show_full_result_count = False` (large tables spared a second COUNT), Django leaves the full
    count unknown and so prints "46 results (Show all)" on the unfiltered list too. Unfiltered and unsearched,
    the page's own count is the full count: say so, and the link appears only when a filter or search is on.
    """

    def get_results(self, request) -> None:
        super().get_results(request)
        # Any lookup in the query string narrows the list, a list filter's or not (the results links' job__id__exact).
        if self.full_result_count is None and not (self.get_filters_params() or self.query):
            self.full_result_count = self.result_count
