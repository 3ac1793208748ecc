"""/api/social/ (the group-post API): group-post tasks over the shared scrape jobs."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from leadplatform.api.access import TENANT
from leadplatform.api.pagination import SocialPagination
from leadplatform.api.surfaces import SOCIAL
from leadplatform.api.tenancy import advertiser_for_new_row
from leadplatform.api.views import TenantViewSet
from leads.jobs import group_post_tasks, lifecycle
from leads.models import ContentItem, ScrapeJob

from . import serializers as s

SORT_FIELDS = ("created_at", "status", "priority")
LIST_PARAMETERS = [
    OpenApiParameter("status", OpenApiTypes.STR, enum=list(s.STATUSES_OF_WORD), description="Filter by status."),
    OpenApiParameter("sort_by", OpenApiTypes.STR, enum=list(SORT_FIELDS), default="created_at"),
    OpenApiParameter("sort_order", OpenApiTypes.STR, enum=["asc", "desc"], default="desc"),
]


def _choice(request, name: str, choices, default: str | None) -> str | None:
    value = request.query_params.get(name) or default
    if value is not None and value not in choices:
        raise ValidationError({name: [f"The selected {name} is invalid."]})
    return value


@extend_schema_view(
    list=extend_schema(parameters=LIST_PARAMETERS, responses=s.SocialTaskListItemSerializer(many=True)),
    retrieve=extend_schema(responses=s.SocialTaskEnvelopeSerializer),
)
class TaskViewSet(mixins.ListModelMixin, TenantViewSet):
    surface = SOCIAL
    access = TENANT
    queryset = ScrapeJob.objects.filter(kind=ScrapeJob.Kind.GROUP_POSTS)
    serializer_class = s.SocialTaskListItemSerializer
    pagination_class = SocialPagination
    filter_backends: list = []

    def refine_queryset(self, queryset):
        if self.action != "list":
            return queryset
        word = _choice(self.request, "status", s.STATUSES_OF_WORD, None)
        if word:
            queryset = queryset.filter(status__in=s.STATUSES_OF_WORD[word])
        sort_by = _choice(self.request, "sort_by", SORT_FIELDS, "created_at")
        sort_order = _choice(self.request, "sort_order", ("asc", "desc"), "desc")
        prefix = "-" if sort_order == "desc" else ""
        return queryset.order_by(f"{prefix}{sort_by}", f"{prefix}id")

    def _envelope(self, job: ScrapeJob, message: str | None = None, code: int = status.HTTP_200_OK) -> Response:
        return Response(SOCIAL.envelope(s.SocialTaskDetailSerializer(job).data, message), status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._envelope(self.get_object())

    @extend_schema(request=s.SocialTaskCreateSerializer, responses={201: s.SocialTaskEnvelopeSerializer})
    def create(self, request):
        serializer = s.SocialTaskCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        advertiser_id = advertiser_for_new_row(self.principal, data.get("advertiser_id")).pk
        job = group_post_tasks.create_group_post_task(
            advertiser_id=advertiser_id,
            user=request.user,
            group_id=data["group_id"],
            group_name=data.get("group_name") or "",
            max_posts=data["max_posts"],
            priority=data.get("priority") or 0,
        )
        return self._envelope(job, "Task created successfully", status.HTTP_201_CREATED)

    @extend_schema(request=s.SocialTaskUpdateSerializer, responses=s.SocialTaskEnvelopeSerializer)
    def update(self, request, *args, **kwargs):
        job = self.get_object()
        serializer = s.SocialTaskUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        job = group_post_tasks.update_pending_task(job, serializer.validated_data)
        return self._envelope(job, "Task updated successfully")

    @extend_schema(responses=s.SocialMessageSerializer)
    def destroy(self, request, *args, **kwargs):
        lifecycle.delete_job(self.get_object())
        return Response({"message": "Task deleted successfully"})

    @extend_schema(
        request=None,
        responses=s.SocialTaskResetResponseSerializer,
    )
    @action(detail=True, methods=["post"])
    def reset(self, request, *args, **kwargs):
        job = group_post_tasks.reset_task(self.get_object())
        return Response(
            {
                "message": "Task reset successfully",
                "task": {
                    "id": job.pk,
                    "status": s.STATUS_WORDS[job.status],
                    "worker_id": job.worker_id or None,
                    "completed_at": job.completed_at,
                },
            }
        )

    @extend_schema(responses=s.SocialTaskResultResponseSerializer)
    @action(detail=True, methods=["get"])
    def result(self, request, *args, **kwargs):
        job = self.get_object()
        result = group_post_tasks.task_result(job)
        if result is None:
            raise NotFound("No result available for this task")
        posts = self.scoped(ContentItem).filter(job=job).order_by("-posted_at", "id")
        return Response(
            {
                "task": {"id": job.pk, "group_id": job.group_id, "status": s.STATUS_WORDS[job.status]},
                "result": result,
                "posts": s.SocialPostSerializer(posts[: job.max_posts or 500], many=True).data,
            }
        )
