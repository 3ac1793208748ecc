"""CSV and XLSX export of a changelist's selected rows, as admin actions, through the platform's exporter.

An admin mixes in `ExportActionsMixin`, names its columns (`Column`: a header and a dotted path
through the row's relations, "task.campaign.name") and adds "export_csv" and "export_xlsx" to its
actions. The rows are the action's queryset, which the admin already scoped to the member's
advertiser; the relations the columns cross are joined once (select_related), so an export costs
the same few queries whatever its size. Values keep their types: money stays Decimal (a number
cell in XLSX) and dates stay dates (`leads.exports` writes each format).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import QuerySet

from leads import exports


@dataclass(frozen=True)
class Column:
    header: str
    #: Dotted attribute path from the row ("publisher.user.username"); a property or a method's name works too.
    path: str

    @property
    def relations(self) -> str | None:
        """The select_related path the column crosses ("publisher__user"), None for a field of the row itself."""
        parts = self.path.split(".")[:-1]
        return "__".join(parts) or None


def value_at(row: Any, path: str) -> Any:
    """The value at a dotted path; None where a relation along it is empty."""
    value = row
    for part in path.split("."):
        try:
            value = getattr(value, part)
        except ObjectDoesNotExist:  # an absent reverse one-to-one (a task without payment)
            return None
        if value is None:
            return None
        if callable(value):
            value = value()
    return value


def table_of(queryset: QuerySet, columns: Sequence[Column], name: str) -> exports.Table:
    """The selected rows as an export table, in primary-key order."""
    related = sorted({column.relations for column in columns if column.relations})
    rows_query = queryset.select_related(*related).order_by("pk") if related else queryset.order_by("pk")
    headers = [column.header for column in columns]

    def rows() -> Iterator[list[Any]]:
        for row in rows_query.iterator(chunk_size=exports.CHUNK_ROWS):
            yield [value_at(row, column.path) for column in columns]

    def records() -> Iterator[dict[str, Any]]:
        for values in rows():
            yield dict(zip(headers, values, strict=True))

    return exports.Table(name, headers, rows, records, queryset.count)


class ExportActionsMixin:
    """Mixed into a ModelAdmin: the "export_csv" and "export_xlsx" actions over `export_columns`."""

    export_columns: Sequence[Column] = ()
    #: The download's file name without extension; the model's plural by default.
    export_name: str = ""

    def export_table(self, queryset: QuerySet) -> exports.Table:
        name = self.export_name or str(self.opts.verbose_name_plural).replace(" ", "-")
        return table_of(queryset, self.export_columns, name)

    def _download(self, request, queryset, format_name: str):
        table = self.export_table(queryset)
        if not exports.fits_in_a_response(table, format_name):
            # The response would outlive the web server's timeout (select all across a million rows).
            self.message_user(
                request,
                "Too many rows for a download from admin: select fewer, or use the API's export, "
                "which writes large files in the background.",
                messages.WARNING,
            )
            return None
        return exports.streaming_response(table, format_name)

    # An export reads: whoever may view the rows may download them, as on the API.
    @admin.action(description="Export selected %(verbose_name_plural)s as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return self._download(request, queryset, "csv")

    @admin.action(description="Export selected %(verbose_name_plural)s as XLSX", permissions=["view"])
    def export_xlsx(self, request, queryset):
        return self._download(request, queryset, "xlsx")


def export_table_from(build: Callable[[QuerySet], exports.Table]):
    """For an admin whose rows already have an export table (leads): `export_table = export_table_from(...)`."""

    def export_table(self, queryset: QuerySet) -> exports.Table:
        return build(queryset)

    return export_table
