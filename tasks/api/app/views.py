"""Campaign app task endpoints (the campaign API): the influencer's tasks, complete, leave."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from campaigns.api.app.views import CampaignAppView, JsonOrHtmlView
from leadplatform.api.access import PUBLISHER
from leadplatform.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from tasks import services
from tasks.models import Task

from . import serializers as s


class TaskAppView(CampaignAppView):
    def own_task(self, task_id: int) -> Task:
        task = self.scoped(Task).select_related("campaign").filter(pk=task_id).first()
        if task is None:
            raise exceptions.NotFound("Task not found.")
        return task


class PublisherTaskListView(JsonOrHtmlView):
    access = PUBLISHER
    template_name = "tasks/app/task_list.html"

    @extend_schema(request=s.TaskListRequestSerializer, responses=s.TaskListSerializer)
    def post(self, request):
        params = self.surface.parse(s.TaskListRequestSerializer, request.data)
        tasks = (
            self.scoped(Task)
            .select_related("campaign", "payment", "submission")
            .prefetch_related("submission__screenshots")
            .order_by("-joined_at", "-id")
        )
        if params.get("campaign_id"):
            tasks = tasks.filter(campaign_id=params["campaign_id"])
        if params.get("status"):
            tasks = tasks.filter(status=params["status"])
        context = {"request": request, "now": timezone.now()}
        return Response(
            {"tasks": s.TaskSerializer(self.surface.paginate(tasks, params), many=True, context=context).data}
        )


class CompleteTaskView(TaskAppView):
    access = PUBLISHER

    @extend_schema(
        # Documented as the multipart upload only; JSON and url-encoded bodies with screenshot URLs
        # (CompleteTaskLinksSerializer's shape) are accepted all the same.
        request={"multipart/form-data": s.CompleteTaskUploadSerializer},
        responses=s.CompleteTaskResponseSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request):
        params = self.surface.parse(s.CompleteTaskRequestSerializer, request.data)
        task = self.own_task(params["task_id"])
        files = [item for item in params["screenshots"] if not isinstance(item, str)]
        urls = [item for item in params["screenshots"] if isinstance(item, str)]
        _, payment = services.complete_task(
            task,
            self.principal.publisher,
            post_url=params["post_url"],
            media_url=params["media_url"],
            screenshot_urls=urls,
            screenshot_files=files,
        )
        return self.success("Task completed successfully", payment=payment.total)


class LeaveTaskView(TaskAppView):
    access = PUBLISHER

    @extend_schema(request=s.TaskIdRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        task = self.own_task(self.surface.parse(s.TaskIdRequestSerializer, request.data)["task_id"])
        services.leave_task(task, self.principal.publisher)
        return self.success("Task left successfully")
