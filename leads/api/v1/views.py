"""/api/v1/ (the social lead API): thin views over the tenant-scoped querysets and the job services."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts import services as account_services
from accounts.models import ApiToken
from leadplatform.api.access import TENANT
from leadplatform.api.exceptions import Conflict
from leadplatform.api.pagination import LeadsPagination
from leadplatform.api.surfaces import LEADS
from leadplatform.api.views import SurfaceAPIView, TenantViewSet
from leads import credentials, exports
from leads.api.exporting import (
    BackgroundExportDownloadView,
    BackgroundExportSerializer,
    BackgroundExportStatusView,
    ExportingMixin,
    export_responses,
    format_parameter,
)
from leads.api.schedules import ScheduleSerializer
from leads.jobs import lifecycle, states
from leads.jobs.schedule import set_job_schedule
from leads.models import BackgroundExport, ConnectorCredential, ContentItem, Lead, ScrapeJob, Target

from . import serializers as s
from .filters import (
    ContentAnalysisFilter,
    JobFilter,
    LeadFilter,
    RememberingFilterBackend,
    TargetFilter,
    lead_filter_parameters,
)
from .pagination import LeadsCountedPagination


class LeadsViewSet(TenantViewSet):
    surface = LEADS
    access = TENANT
    pagination_class = LeadsPagination
    filter_backends = [RememberingFilterBackend]

    def retrieve(self, request, *args, **kwargs):
        return Response(LEADS.envelope(self.get_serializer(self.get_object()).data))


@extend_schema_view(
    retrieve=extend_schema(responses=s.envelope_of(s.V1JobDetailSerializer, "V1JobEnvelope")),
)
class JobViewSet(mixins.ListModelMixin, LeadsViewSet):
    queryset = ScrapeJob.objects.filter(kind__in=s.JOB_TYPES)
    filterset_class = JobFilter

    def refine_queryset(self, queryset):
        if self.action == "list":
            return queryset.order_by("-id")
        return queryset.select_related(
            "dispatch__periodic_task__interval", "dispatch__periodic_task__crontab"
        ).prefetch_related("targets")

    def get_serializer_class(self):
        return s.V1JobSerializer if self.action == "list" else s.V1JobDetailSerializer

    def _detail(self, job: ScrapeJob, code: int = status.HTTP_200_OK) -> Response:
        job = self.get_queryset().get(pk=job.pk)
        return Response(LEADS.envelope(s.V1JobDetailSerializer(job).data), status=code)

    @extend_schema(
        request=s.V1JobCreateSerializer,
        responses={201: s.envelope_of(s.V1JobDetailSerializer, "V1JobCreatedEnvelope")},
    )
    def create(self, request):
        serializer = s.V1JobCreateSerializer(data=request.data, context={"principal": self.principal})
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = lifecycle.create_job(
            advertiser_id=data["advertiser_id"],
            user=request.user,
            kind=data["job_type"],
            targets=data["targets"],
            name=data["name"],
            platform=data["platform"],
            speed_mode=data["speed_mode"],
            max_leads=data.get("max_leads"),
            max_leads_per_target=data.get("max_leads_per_target"),
            filters=data.get("filters") or {},
            priority=data["priority"],
            max_retries=data.get("max_retries"),
            schedule=data.get("schedule"),
        )
        return self._detail(job, status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.V1DeletedSerializer})
    def destroy(self, request, *args, **kwargs):
        lifecycle.delete_job(self.get_object())
        return Response({"success": True, "message": "Job deleted successfully"})

    @extend_schema(
        request=None,
        responses=s.envelope_of(s.V1JobDetailSerializer, "V1JobQueuedEnvelope"),
    )
    @action(detail=True, methods=["post"])
    def run(self, request, *args, **kwargs):
        job = lifecycle.queue_job(self.get_object())
        return self._detail(job)

    @extend_schema(
        request=ScheduleSerializer,
        responses={200: s.envelope_of(s.V1JobDetailSerializer, "V1JobScheduledEnvelope")},
    )
    @action(detail=True, methods=["put", "delete"])
    def schedule(self, request, *args, **kwargs):
        job = self.get_object()
        if request.method == "DELETE":
            schedule = None
        else:
            serializer = ScheduleSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            schedule = serializer.validated_data
        with transaction.atomic():
            set_job_schedule(job, schedule)
        return self._detail(job)


@extend_schema_view(
    retrieve=extend_schema(responses=s.envelope_of(s.V1TargetSerializer, "V1TargetEnvelope")),
)
class TargetViewSet(mixins.ListModelMixin, LeadsViewSet):
    queryset = Target.objects.all()
    serializer_class = s.V1TargetSerializer
    filterset_class = TargetFilter

    def refine_queryset(self, queryset):
        return queryset.order_by("-id")

    @extend_schema(
        request=s.V1TargetSerializer,
        responses={201: s.envelope_of(s.V1TargetSerializer, "V1TargetCreatedEnvelope")},
    )
    def create(self, request):
        serializer = s.V1TargetSerializer(data=request.data, context={"principal": self.principal})
        serializer.is_valid(raise_exception=True)
        target = serializer.save()
        return Response(LEADS.envelope(s.V1TargetSerializer(target).data), status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.V1DeletedSerializer})
    def destroy(self, request, *args, **kwargs):
        target = self.get_object()
        if target.jobs.filter(status__in=states.ACTIVE).exists():
            raise Conflict("The target is used by a running job; cancel or delete the job first.")
        target.delete()
        return Response({"success": True, "message": "Target deleted successfully"})


@extend_schema_view(
    retrieve=extend_schema(responses=s.envelope_of(s.V1ConnectorSerializer, "V1ConnectorEnvelope")),
)
class ConnectorViewSet(mixins.ListModelMixin, LeadsViewSet):
    queryset = ConnectorCredential.objects.all()
    serializer_class = s.V1ConnectorSerializer
    filter_backends = []

    def refine_queryset(self, queryset):
        return queryset.order_by("-id")

    @extend_schema(
        request=s.V1ConnectorCreateSerializer,
        responses={201: s.envelope_of(s.V1ConnectorSerializer, "V1ConnectorCreatedEnvelope")},
    )
    def create(self, request):
        serializer = s.V1ConnectorCreateSerializer(data=request.data, context={"principal": self.principal})
        serializer.is_valid(raise_exception=True)
        credential = credentials.create_credential(**serializer.validated_data)
        return Response(LEADS.envelope(s.V1ConnectorSerializer(credential).data), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.V1ConnectorUpdateSerializer,
        responses=s.envelope_of(s.V1ConnectorSerializer, "V1ConnectorUpdatedEnvelope"),
    )
    def partial_update(self, request, *args, **kwargs):
        credential = self.get_object()
        serializer = s.V1ConnectorUpdateSerializer(
            credential, data=request.data, partial=True, context={"principal": self.principal}
        )
        serializer.is_valid(raise_exception=True)
        credential = credentials.update_credential(credential, **serializer.validated_data)
        return Response(LEADS.envelope(s.V1ConnectorSerializer(credential).data))

    @extend_schema(responses={200: s.V1DeletedSerializer})
    def destroy(self, request, *args, **kwargs):
        credentials.delete_credential(self.get_object())
        return Response({"success": True, "message": "Connector credential deleted successfully"})

    @extend_schema(
        request=None,
        responses=s.envelope_of(s.V1ConnectorCheckSerializer, "V1ConnectorCheckEnvelope"),
    )
    @action(detail=True, methods=["post"])
    def test(self, request, *args, **kwargs):
        result = credentials.check_credential(self.get_object())
        return Response(LEADS.envelope(s.V1ConnectorCheckSerializer(result).data))


@extend_schema_view(
    retrieve=extend_schema(responses=s.envelope_of(s.V1LeadDetailSerializer, "V1LeadEnvelope")),
)
class LeadViewSet(mixins.ListModelMixin, LeadsViewSet):
    queryset = Lead.objects.all()
    filterset_class = LeadFilter
    pagination_class = LeadsCountedPagination

    def refine_queryset(self, queryset):
        return queryset.order_by("-id")

    def get_serializer_class(self):
        return s.V1LeadSerializer if self.action == "list" else s.V1LeadDetailSerializer

    def list_columns(self) -> list[str]:
        return s.V1LeadSerializer.plain_columns()


EXPORT_ENVELOPE = s.envelope_of(BackgroundExportSerializer, "V1BackgroundExportEnvelope")


class LeadExportView(ExportingMixin, LeadsViewSet):
    """The leads list's rows and filters as a file: streamed, or written in the background when large."""

    queryset = Lead.objects.all()
    filterset_class = LeadFilter
    namespace = "v1"

    def wrap(self, data):
        return LEADS.envelope(data)

    @extend_schema(
        parameters=[format_parameter("csv"), *lead_filter_parameters()],
        responses=export_responses(EXPORT_ENVELOPE),
    )
    def export(self, request):
        format_name = self.export_format(request, "csv")
        leads = self.filter_queryset(self.get_queryset())
        filters = {name: request.query_params[name] for name in LeadFilter.base_filters if name in request.query_params}
        return self.export_response(
            exports.leads_table(leads),
            format_name,
            source=BackgroundExport.Source.LEADS,
            params={"filters": filters},
            advertiser_id=self.principal.advertiser_id,
        )


class ExportStatusView(BackgroundExportStatusView):
    surface = LEADS
    access = TENANT
    namespace = "v1"

    def wrap(self, data):
        return LEADS.envelope(data)

    @extend_schema(responses=EXPORT_ENVELOPE)
    def get(self, request, export_id):
        return super().get(request, export_id)


class ExportDownloadView(BackgroundExportDownloadView):
    surface = LEADS
    access = TENANT
    namespace = "v1"


@extend_schema_view(
    retrieve=extend_schema(
        responses=s.envelope_of(s.V1ContentAnalysisSerializer, "V1ContentEnvelope"),
    ),
)
class ContentAnalysisViewSet(mixins.ListModelMixin, LeadsViewSet):
    queryset = ContentItem.objects.all()
    serializer_class = s.V1ContentAnalysisSerializer
    filterset_class = ContentAnalysisFilter

    def refine_queryset(self, queryset):
        return queryset.order_by("-id")


class StatsView(SurfaceAPIView):
    surface = LEADS
    access = TENANT

    @extend_schema(responses=s.envelope_of(s.V1StatsSerializer, "V1StatsEnvelope"))
    def get(self, request):
        total, today = account_services.platform_request_counts()
        token = request.auth if isinstance(request.auth, ApiToken) else None
        token_requests = account_services.token_request_count(token) if token else 0
        data = {
            "total_leads": self.scoped(Lead).count(),
            "total_jobs": self.scoped(ScrapeJob).filter(kind__in=s.JOB_TYPES).count(),
            "total_targets": self.scoped(Target).count(),
            "total_content_analysis": self.scoped(ContentItem).count(),
            "total_api_requests": total,
            "today_api_requests": today,
            "token_requests": token_requests,
            "token_last_used": token.last_used_at if token else None,
        }
        return Response(LEADS.envelope(s.V1StatsSerializer(data).data))
