"""Views of the web-scraper surface: parse, authorise (tenant-scoped querysets), call a service, render."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from leadplatform.api.access import TENANT
from leadplatform.api.pagination import SkipLimitPagination
from leadplatform.api.surfaces import WEB
from leadplatform.api.tenancy import advertiser_for_new_row
from leadplatform.api.throttling import DatabaseFallbackRateThrottle
from leadplatform.api.views import SurfaceAPIView, TenantGenericAPIView
from leads import exports, monitoring, proxies, webhooks
from leads.api.exporting import (
    BackgroundExportDownloadView,
    BackgroundExportStatusView,
    ExportingMixin,
    export_responses,
    format_parameter,
)
from leads.api.schedules import ScheduleSerializer
from leads.models import BackgroundExport, ScrapeJob, Webhook
from leads.web import jobs as webjobs

from . import serializers as s


class ResultsQuerySerializer(serializers.Serializer):
    skip = serializers.IntegerField(min_value=0, max_value=10_000_000, default=0)
    limit = serializers.IntegerField(min_value=1, max_value=1000, default=100)


class WebJobView(TenantGenericAPIView):
    """A web job of the caller's advertiser, addressed by its string id."""

    surface = WEB
    access = TENANT
    queryset = ScrapeJob.objects.filter(kind=ScrapeJob.Kind.WEB)
    lookup_field = "public_id"
    lookup_url_kwarg = "job_id"
    filter_backends: list = []

    def refine_queryset(self, queryset):
        return queryset.select_related("dispatch__periodic_task__interval", "dispatch__periodic_task__crontab")

    def get_job(self) -> ScrapeJob:
        try:
            return self.get_object()
        except Http404:
            raise NotFound("Job not found") from None


class JobListCreateView(WebJobView):
    serializer_class = s.JobSerializer
    pagination_class = SkipLimitPagination

    @extend_schema(parameters=[s.JobListQuerySerializer], responses=s.JobSerializer(many=True))
    def get(self, request):
        query = s.JobListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        jobs = self.get_queryset().order_by("-created_at", "-id")
        if "status" in query.validated_data:
            jobs = jobs.filter(status__in=webjobs.STATUS_FILTER[query.validated_data["status"]])
        page = self.paginate_queryset(jobs)
        return self.get_paginated_response(s.JobSerializer(page, many=True).data)

    @extend_schema(request=s.JobCreateSerializer, responses={201: s.JobSerializer})
    def post(self, request):
        payload = s.JobCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        job = webjobs.create_web_job(principal=self.principal, **payload.validated_data)
        return Response(s.JobSerializer(job).data, status=status.HTTP_201_CREATED)


class JobDetailView(WebJobView):
    serializer_class = s.JobSerializer

    @extend_schema(responses=s.JobSerializer)
    def get(self, request, job_id):
        return Response(s.JobSerializer(self.get_job()).data)

    @extend_schema(
        responses={204: None},
    )
    def delete(self, request, job_id):
        webjobs.cancel_or_delete(self.get_job())
        return Response(status=status.HTTP_204_NO_CONTENT)


class JobRerunView(WebJobView):
    serializer_class = s.JobSerializer

    @extend_schema(
        request=None,
        responses={202: s.JobSerializer},
    )
    def post(self, request, job_id):
        job = webjobs.rerun_web_job(self.get_job())
        return Response(s.JobSerializer(self.get_queryset().get(pk=job.pk)).data, status=status.HTTP_202_ACCEPTED)


class JobScheduleView(WebJobView):
    serializer_class = s.JobSerializer

    @extend_schema(request=ScheduleSerializer, responses=s.JobSerializer)
    def put(self, request, job_id):
        job = self.get_job()
        payload = ScheduleSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        webjobs.set_schedule(job, payload.validated_data)
        return Response(s.JobSerializer(self.get_queryset().get(pk=job.pk)).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, job_id):
        webjobs.set_schedule(self.get_job(), None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ResultsView(WebJobView):
    serializer_class = s.ResultsPageSerializer

    @extend_schema(parameters=[ResultsQuerySerializer], responses=s.ResultsPageSerializer)
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


class ResultsExportView(ExportingMixin, WebJobView):
    namespace = "web"
    serializer_class = s.ResultSerializer

    @extend_schema(
        parameters=[format_parameter("json")],
        responses=export_responses(),
    )
    def get(self, request, job_id):
        format_name = self.export_format(request, "json")
        job = self.get_job()
        return self.export_response(
            exports.web_results_table(job),
            format_name,
            source=BackgroundExport.Source.WEB_RESULTS,
            params={"job_id": job.pk},
            advertiser_id=job.advertiser_id,
        )


class ExportStatusView(BackgroundExportStatusView):
    surface = WEB
    access = TENANT
    namespace = "web"


class ExportDownloadView(BackgroundExportDownloadView):
    surface = WEB
    access = TENANT
    namespace = "web"


class MonitoringStatsView(SurfaceAPIView):
    surface = WEB
    access = TENANT

    @extend_schema(responses=s.StatsSerializer)
    def get(self, request):
        return Response(s.StatsSerializer(webjobs.job_stats(self.scoped(ScrapeJob))).data)


class MonitoringProxiesView(SurfaceAPIView):
    surface = WEB
    access = TENANT

    @extend_schema(responses=s.ProxySummarySerializer)
    def get(self, request):
        return Response(s.ProxySummarySerializer(proxies.proxy_summary()).data)


class MonitoringSystemView(SurfaceAPIView):
    surface = WEB
    access = TENANT
    # It reports a Redis outage, so it must answer during one: counted in the database meanwhile.
    throttle_classes = [DatabaseFallbackRateThrottle]

    @extend_schema(responses=s.SystemHealthSerializer)
    def get(self, request):
        return Response(s.SystemHealthSerializer(monitoring.system_health()).data)


class WebhookListCreateView(TenantGenericAPIView):
    surface = WEB
    access = TENANT
    queryset = Webhook.objects.all()
    serializer_class = s.WebhookSerializer
    pagination_class = SkipLimitPagination
    filter_backends: list = []

    @extend_schema(responses=s.WebhookSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset().order_by("-id"))
        return self.get_paginated_response(s.WebhookSerializer(page, many=True).data)

    @extend_schema(request=s.WebhookCreateSerializer, responses={201: s.WebhookWithSecretSerializer})
    def post(self, request):
        payload = s.WebhookCreateSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        webhook = webhooks.register_webhook(
            advertiser=advertiser_for_new_row(self.principal, data.get("advertiser_id")),
            user=self.principal.user,
            url=data["webhook_url"],
            events=data["events"],
        )
        return Response(s.WebhookWithSecretSerializer(webhook).data, status=status.HTTP_201_CREATED)


class WebhookObjectView(TenantGenericAPIView):
    """One of the caller's webhooks by id; another advertiser's is "Webhook not found"."""

    surface = WEB
    access = TENANT
    queryset = Webhook.objects.all()
    serializer_class = s.WebhookSerializer
    filter_backends: list = []

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound("Webhook not found") from None


class WebhookDetailView(WebhookObjectView):
    @extend_schema(responses=s.WebhookSerializer)
    def get(self, request, pk):
        return Response(s.WebhookSerializer(self.get_object()).data)

    @extend_schema(responses={204: None})
    def delete(self, request, pk):
        self.get_object().delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class WebhookRotateSecretView(WebhookObjectView):
    serializer_class = s.WebhookWithSecretSerializer

    @extend_schema(request=None, responses=s.WebhookWithSecretSerializer)
    def post(self, request, pk):
        webhook = self.get_object()
        webhooks.rotate_secret(webhook)
        return Response(s.WebhookWithSecretSerializer(webhook).data)
