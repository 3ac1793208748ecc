"""Task shapes of the campaign app endpoints (the campaign API): the task list, complete and leave."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from campaigns.api.app.serializers import (
    AppRequestSerializer,
    CampaignSummarySerializer,
    DateEndSerializer,
    PageRequestSerializer,
    StatusMessageSerializer,
    absolute_file_url,
    date_parts,
    date_text,
    object_id,
)
from campaigns.money import ZERO, quantize_money
from leadplatform.url_input import refuse_hidden_characters
from tasks.models import Task
from tasks.services import MAX_SCREENSHOTS, payment_breakdown, task_flags


# ------------------------------------------------------------------------------
# Requests
# ------------------------------------------------------------------------------
class TaskListRequestSerializer(PageRequestSerializer):
    campaign_id = object_id(required=False, help_text="Only this campaign's tasks (default: all of yours).")
    status = serializers.ChoiceField(choices=Task.Status.choices, required=False)


class TaskIdRequestSerializer(AppRequestSerializer):
    task_id = object_id()


class ScreenshotField(serializers.Field):
    """A screenshot: a URL or an uploaded image (validated and re-encoded by the service)."""

    url_field = serializers.URLField(max_length=500, validators=[refuse_hidden_characters])

    def to_internal_value(self, data):
        if isinstance(data, UploadedFile):
            return data
        if isinstance(data, str):
            return self.url_field.run_validation(data)
        raise serializers.ValidationError("Give an image URL or upload an image file.")


class CompleteTaskRequestSerializer(AppRequestSerializer):
    task_id = object_id()
    post_url = serializers.URLField(max_length=500, validators=[refuse_hidden_characters])
    media_url = serializers.URLField(
        max_length=500,
        validators=[refuse_hidden_characters],
        required=False,
        allow_blank=True,
        default="",
        help_text="Link to the posted media, when it differs from the post.",
    )
    screenshots = serializers.ListField(
        child=ScreenshotField(),
        required=False,
        default=list,
        max_length=MAX_SCREENSHOTS,
        help_text="Screenshot URLs and/or uploaded image files (JPEG, PNG, WebP).",
    )

    def validate_screenshots(self, items: list) -> list:
        return list(items)


class CompleteTaskUploadSerializer(CompleteTaskRequestSerializer):
    """The multipart form of the same request, as documented: screenshot files (URL strings may be mixed in)."""

    screenshots = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=MAX_SCREENSHOTS,
        help_text="Image files (JPEG, PNG, WebP); screenshot URLs may be sent under the same name.",
    )


class CompleteTaskLinksSerializer(CompleteTaskRequestSerializer):
    """The JSON and url-encoded form of the request: screenshots as URLs."""

    screenshots = serializers.ListField(
        child=serializers.URLField(max_length=500),
        required=False,
        max_length=MAX_SCREENSHOTS,
        help_text="Screenshot URLs.",
    )


# ------------------------------------------------------------------------------
# Responses
# ------------------------------------------------------------------------------
class CompleteTaskResponseSerializer(StatusMessageSerializer):
    payment = serializers.DecimalField(
        max_digits=16,
        decimal_places=3,
        coerce_to_string=False,
        help_text="What the task earns so far: minimum reward + post rate + bonuses earned.",
    )


class TaskCampaignSerializer(CampaignSummarySerializer):
    date_end_text = serializers.SerializerMethodField()

    class Meta(CampaignSummarySerializer.Meta):
        fields = [*CampaignSummarySerializer.Meta.fields, "date_end_text"]
        read_only_fields = fields

    def get_date_end_text(self, campaign) -> str | None:
        return date_text(campaign.date_end)


class TaskBonusSerializer(serializers.Serializer):
    reach = serializers.FloatField()
    engagement_rate = serializers.FloatField()
    best_post = serializers.FloatField()


class TaskPaymentsSerializer(serializers.Serializer):
    minimum = serializers.FloatField()
    post = serializers.FloatField()
    total = serializers.FloatField()


class TaskInfoSerializer(serializers.Serializer):
    title = serializers.CharField()
    content = serializers.CharField()


class TaskMediaSerializer(serializers.Serializer):
    url = serializers.URLField(allow_null=True)
    link = serializers.URLField()


#: What the influencer may do with a task and until when (`tasks.services.task_flags`).
TASK_FLAG_FIELDS = [
    "allow_complete",
    "allow_leave",
    "allow_countdown",
    "allow_payments",
    "allow_bonus",
    "is_disabled",
    "is_allowed_complete",
    "date_completed_minimum",
    "date_completed_maximum",
]


class TaskSerializer(serializers.ModelSerializer):
    status_name = serializers.CharField(source="get_status_display", read_only=True)
    deadline = serializers.DateTimeField(format="%Y-%m-%dT%H:%M:%SZ", read_only=True)
    networks = serializers.ListField(child=serializers.CharField(), read_only=True)
    bonus = serializers.SerializerMethodField()
    payments = serializers.SerializerMethodField()
    info = serializers.SerializerMethodField()
    media = serializers.SerializerMethodField()
    date_end = serializers.SerializerMethodField()
    allow_complete = serializers.SerializerMethodField()
    allow_leave = serializers.SerializerMethodField()
    allow_countdown = serializers.SerializerMethodField()
    allow_payments = serializers.SerializerMethodField()
    allow_bonus = serializers.SerializerMethodField()
    is_disabled = serializers.SerializerMethodField()
    is_allowed_complete = serializers.SerializerMethodField()
    date_completed_minimum = serializers.SerializerMethodField()
    date_completed_maximum = serializers.SerializerMethodField()
    campaign = TaskCampaignSerializer(read_only=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "type",
            "title",
            "description",
            "requirements",
            "networks",
            "deadline",
            "status",
            "status_name",
            "bonus",
            "payments",
            "info",
            "media",
            "date_end",
            *TASK_FLAG_FIELDS,
            "campaign",
        ]
        read_only_fields = fields

    def _flags(self, task: Task) -> dict:
        if not hasattr(task, "_app_flags"):
            task._app_flags = task_flags(task, self.context.get("now"))
        return task._app_flags

    @extend_schema_field(TaskBonusSerializer)
    def get_bonus(self, task: Task):
        campaign = task.campaign

        def offer(amount):
            return quantize_money(amount if campaign.bonus_active else ZERO, campaign.currency)

        return {
            "reach": offer(campaign.promo_reach_bonus),
            "engagement_rate": offer(campaign.promo_engagement_rate_bonus),
            "best_post": offer(campaign.promo_best_post_bonus),
        }

    @extend_schema_field(TaskPaymentsSerializer)
    def get_payments(self, task: Task):
        payment = getattr(task, "payment", None)
        amounts = payment if payment is not None else payment_breakdown(task)
        return {"minimum": amounts.minimum, "post": amounts.post, "total": amounts.total}

    @extend_schema_field(TaskInfoSerializer)
    def get_info(self, task: Task):
        return {"title": "Task Requirements", "content": task.requirements or task.description}

    @extend_schema_field(TaskMediaSerializer(allow_null=True))
    def get_media(self, task: Task):
        submission = getattr(task, "submission", None)
        if submission is None:
            return None
        screenshots = list(submission.screenshots.all())
        first = screenshots[0] if screenshots else None
        url = None
        if first is not None:
            url = absolute_file_url(self.context.get("request"), first.image) if first.image else first.url
        return {"url": url, "link": submission.post_url}

    @extend_schema_field(DateEndSerializer)
    def get_date_end(self, task: Task):
        return date_parts(task.deadline)

    def get_allow_complete(self, task) -> bool:
        return self._flags(task)["allow_complete"]

    def get_allow_leave(self, task) -> bool:
        return self._flags(task)["allow_leave"]

    def get_allow_countdown(self, task) -> bool:
        return self._flags(task)["allow_countdown"]

    def get_allow_payments(self, task) -> bool:
        return self._flags(task)["allow_payments"]

    def get_allow_bonus(self, task) -> bool:
        return self._flags(task)["allow_bonus"]

    def get_is_disabled(self, task) -> bool:
        return self._flags(task)["is_disabled"]

    def get_is_allowed_complete(self, task) -> bool:
        return self._flags(task)["is_allowed_complete"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_date_completed_minimum(self, task) -> str:
        return date_text(self._flags(task)["date_completed_minimum"])

    @extend_schema_field(OpenApiTypes.STR)
    def get_date_completed_maximum(self, task) -> str:
        return date_text(self._flags(task)["date_completed_maximum"])


class TaskListSerializer(serializers.Serializer):
    tasks = TaskSerializer(many=True)
