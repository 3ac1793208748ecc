"""Export routes shared by the web-scraper and /api/v1 surfaces: stream, or hand over to a worker.

A surface's export view calls `export_response`; a background export is polled at the
surface's `export-status` route and fetched from its `export-download` route. Both are
tenant-scoped views: another advertiser's export is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, StreamingHttpResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from leadplatform.api.exceptions import Conflict
from leadplatform.api.views import TenantGenericAPIView
from leads import exports
from leads.models import BackgroundExport


class ExportQuerySerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=list(exports.FORMATS), default="json")


def format_parameter(default: str) -> OpenApiParameter:
    return OpenApiParameter(
        "format", OpenApiTypes.STR, enum=list(exports.FORMATS), default=default, description="Export format"
    )


# The body of each format's file, as the OpenAPI document describes it.
FILE_SCHEMAS: dict[str, Any] = {
    "json": {
        "type": "array",
        "items": {"type": "object", "additionalProperties": True},
        "description": "One object per row, keyed by column name.",
    },
    "ndjson": {"type": "string", "description": "One JSON object per line, one line per row."},
    "csv": {"type": "string", "description": "A header line of column names, then one line per row."},
    "xlsx": OpenApiTypes.BINARY,
}


def file_responses() -> dict:
    """The 200 of a route answering an export file: each format under its own media type."""
    formats = sorted(
        exports.FORMATS.items(),
        # Generated clients read the first media type as the response's type: text first, JSON last.
        key=lambda item: (item[1].media_type == "application/json", not item[1].media_type.startswith("text/")),
    )
    return {(200, fmt.media_type): FILE_SCHEMAS[name] for name, fmt in formats}


def export_responses(accepted=None) -> dict:
    """OpenAPI responses of an export route: the file in each format, or 202 with a background export
    (`accepted`: its schema inside the surface's envelope, if the surface has one)."""
    return {**file_responses(), (202, "application/json"): accepted or BackgroundExportSerializer}


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """`?format=` is the export's own parameter here, not DRF's renderer override."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class BackgroundExportSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = BackgroundExport
        fields = [
            "id",
            "source",
            "format",
            "status",
            "rows",
            "error",
            "created_at",
            "completed_at",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def _url(self, export: BackgroundExport, name: str) -> str:
        path = reverse(f"{self.context['namespace']}:{name}", kwargs={"export_id": export.public_id})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_status_url(self, export: BackgroundExport) -> str:
        return self._url(export, "export-status")

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="Set once the export has completed."))
    def get_download_url(self, export: BackgroundExport) -> str | None:
        if export.status != BackgroundExport.Status.COMPLETED:
            return None
        return self._url(export, "export-download")


class ExportingMixin:
    """For a surface's export view: `namespace` names where its status and download routes live."""

    namespace = ""
    content_negotiation_class = IgnoreFormatNegotiation

    def export_format(self, request, default: str) -> str:
        query = ExportQuerySerializer(data={"format": request.query_params.get("format", default)})
        query.is_valid(raise_exception=True)
        return query.validated_data["format"]

    def describe_export(self, export: BackgroundExport) -> dict[str, Any]:
        return BackgroundExportSerializer(export, context={"request": self.request, "namespace": self.namespace}).data

    def export_response(
        self, table: exports.Table, format_name: str, *, source: str, params: dict, advertiser_id: int | None
    ):
        if exports.fits_in_a_response(table, format_name):
            return exports.streaming_response(table, format_name)
        export = exports.start_background_export(
            advertiser_id=advertiser_id,
            user=self.principal.user,
            source=source,
            format_name=format_name,
            params=params,
        )
        return Response(self.wrap(self.describe_export(export)), status=status.HTTP_202_ACCEPTED)

    def wrap(self, data: dict[str, Any]) -> Any:
        """The surface's success envelope around a single object (none by default)."""
        return data


class BackgroundExportView(ExportingMixin, TenantGenericAPIView):
    queryset = BackgroundExport.objects.all()
    lookup_field = "public_id"
    lookup_url_kwarg = "export_id"
    serializer_class = BackgroundExportSerializer
    filter_backends: list = []

    def get_export(self) -> BackgroundExport:
        try:
            return self.get_object()
        except Http404:
            raise NotFound("Export not found") from None


class BackgroundExportStatusView(BackgroundExportView):
    @extend_schema(responses=BackgroundExportSerializer)
    def get(self, request, export_id):
        return Response(self.wrap(self.describe_export(self.get_export())))


class BackgroundExportDownloadView(BackgroundExportView):
    @extend_schema(responses=file_responses())
    def get(self, request, export_id):
        export = self.get_export()
        if export.status != BackgroundExport.Status.COMPLETED:
            raise Conflict(f"The export is {export.status}; download it once it has completed.")
        fmt = exports.FORMATS[export.format]
        response = StreamingHttpResponse(exports.open_export_file(export), content_type=fmt.content_type)
        response["Content-Disposition"] = f'attachment; filename="{export.file.name.rsplit("/", 1)[-1]}"'
        return response
