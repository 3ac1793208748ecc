"""Views of the web-scraper surface: parse, authorise (tenant-scoped querysets), call a service, render."""
from __future__ import annotations

from django.http import Http404, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from leadplatform.api.pagination import SkipLimitPagination
from leadplatform.api.surfaces import WEB
from leadplatform.api.throttling import DatabaseFallbackRateThrottle
from leadplatform.api.views import SurfaceAPIView, TenantGenericAPIView
from leads import monitoring, proxies, webhooks, webjobs
from leads.models import ScrapeJob, Webhook

from . import serializers as s


class ResultsQuerySerializer(serializers.Serializer):
    skip = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class WebJobView(TenantGenericAPIView):
    """A web job of the caller's advertiser, addressed by its string id."""

    surface = WEB
    queryset = ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB)
    lookup_field = "public_id"
    lookup_url_kwarg = "job_id"
    filter_backends: list = []

    def get_job(self) -> ScrapeJob:
        try:
            return self.get_object()
        except Http404:
            raise NotFound("Job not found") from None


class JobListCreateView(WebJobView):
    serializer_class = s.JobSerializer
    pagination_class = SkipLimitPagination

    @extend_schema(summary="List jobs", parameters=[s.JobListQuerySerializer], responses=s.JobSerializer(many=True))
    def get(self, request):
        query = s.JobListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        jobs = self.get_queryset().order_by("-created_at", "-id")
        if "status" in query.validated_data:
            jobs = jobs.filter(status__in=webjobs.STATUS_FILTER[query.validated_data["status"]])
        page = self.paginate_queryset(jobs)
        return self.get_paginated_response(s.JobSerializer(page, many=True).data)

    @extend_schema(summary="Create a job", request=s.JobCreateSerializer, responses={201: s.JobSerializer})
    def post(self, request):
        payload = s.JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = webjobs.create_web_job(principal=self.principal, **payload.validated_data)
        return Response(s.JobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobDetailView(WebJobView):
    serializer_class = s.JobSerializer

    @extend_schema(summary="Get a job", responses=s.JobSerializer)
    def get(self, request, job_id):
        return Response(s.JobSerializer(self.get_job()).data)

    @extend_schema(
        summary="Cancel or delete a job",
        description="An unfinished job is cancelled (a running crawl stops); a finished job is deleted with its results.",
        responses={204: None},
    )
    def delete(self, request, job_id):
        webjobs.cancel_or_delete(self.get_job())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResultsView(WebJobView):
    serializer_class = s.ResultsPageSerializer

    @extend_schema(summary="Results of a job", parameters=[ResultsQuerySerializer], responses=s.ResultsPageSerializer)
    def get(self, request, job_id):
        query = ResultsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        skip, limit = query.validated_data["skip"], query.validated_data["limit"]
        job = self.get_job()
        rows = webjobs.result_rows(job)
        context = {"job_id": str(job.public_id)}
        return Response(
            {
                "job_id": str(job.public_id),
                "total": rows.count(),
                "skip": skip,
                "limit": limit,
                "results": s.ResultSerializer(rows[skip : skip + limit], many=True, context=context).data,
            }
        )


class IgnoreFormatNegotiation(DefaultContentNegotiation):
    """`?format=` is the export's own parameter here, not DRF's renderer override."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ResultsExportView(WebJobView):
    content_negotiation_class = IgnoreFormatNegotiation
    serializer_class = s.ResultSerializer

    @extend_schema(
        summary="Export all results",
        description="Streamed with constant memory whatever the size. CSV: job_id, url, scraped_at, one column per "
        "selector (lists as JSON).",
        parameters=[
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "csv"], default="json", description="Export format")
        ],
        responses={
            (200, "application/json"): OpenApiResponse(s.ResultSerializer(many=True)),
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR),
        },
    )
    def get(self, request, job_id):
        query = s.ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        job = self.get_job()
        if query.validated_data["format"] == "csv":
            response = StreamingHttpResponse(webjobs.export_csv(job), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="results-{job.public_id}.csv"'
        else:
            response = StreamingHttpResponse(webjobs.export_json(job), content_type="application/json")
            response["Content-Disposition"] = f'attachment; filename="results-{job.public_id}.json"'
        return response


class MonitoringStatsView(SurfaceAPIView):
    surface = WEB

    @extend_schema(summary="Job statistics", responses=s.StatsSerializer)
    def get(self, request):
        return Response(s.StatsSerializer(webjobs.job_stats(self.principal)).data)


class MonitoringProxiesView(SurfaceAPIView):
    surface = WEB

    @extend_schema(summary="Proxy pool", responses=s.ProxySummarySerializer)
    def get(self, request):
        return Response(s.ProxySummarySerializer(proxies.proxy_summary()).data)


class MonitoringSystemView(SurfaceAPIView):
    surface = WEB
    # It reports a Redis outage, so it must answer during one: counted in the database meanwhile.
    throttle_classes = [DatabaseFallbackRateThrottle]

    @extend_schema(summary="System health", responses=s.SystemHealthSerializer)
    def get(self, request):
        return Response(s.SystemHealthSerializer(monitoring.system_health()).data)


class WebhookListCreateView(TenantGenericAPIView):
    surface = WEB
    queryset = Webhook.objects.all()
    serializer_class = s.WebhookSerializer
    pagination_class = SkipLimitPagination
    filter_backends: list = []

    @extend_schema(summary="List webhooks", responses=s.WebhookSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset().order_by("-id"))
        return self.get_paginated_response(s.WebhookSerializer(page, many=True).data)

    @extend_schema(summary="Register a webhook", request=s.WebhookCreateSerializer,
                   responses={201: s.WebhookWithSecretSerializer},
                   description="The answer holds the full signing secret, shown this once; lists show its prefix.")
    def post(self, request):
        payload = s.WebhookCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        webhook = webhooks.register_webhook(
            advertiser=webjobs.advertiser_for(self.principal, data.get("advertiser_id")),
            user=self.principal.user,
            url=data["webhook_url"],
            events=data["events"],
        )
        return Response(s.WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookObjectView(TenantGenericAPIView):
    """One of the caller's webhooks by id; another advertiser's is "Webhook not found"."""

    surface = WEB
    queryset = Webhook.objects.all()
    serializer_class = s.WebhookSerializer
    filter_backends: list = []

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound("Webhook not found") from None


class WebhookDetailView(WebhookObjectView):
    @extend_schema(summary="Webhook details", responses=s.WebhookSerializer)
    def get(self, request, pk):
        return Response(s.WebhookSerializer(self.get_object()).data)

    @extend_schema(summary="Delete a webhook", responses={204: None})
    def delete(self, request, pk):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(WebhookObjectView):
    serializer_class = s.WebhookWithSecretSerializer

    @extend_schema(summary="Rotate a webhook's signing secret", request=None, responses=s.WebhookWithSecretSerializer,
                   description="A new signing secret, shown this once; deliveries from now on are signed with it.")
    def post(self, request, pk):
        webhook = self.get_object()
        webhooks.rotate_secret(webhook)
        return Response(s.WebhookWithSecretSerializer(webhook).data)
