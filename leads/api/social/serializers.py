"""Request and response shapes of /api/social/ (the group-post API): group-post tasks."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leads.api.waiting import WaitingFields, WaitingListSerializer
from leads.jobs import group_post_tasks
from leads.models import ContentItem, ScrapeJob

#: The group-post API's status words for the canonical job statuses.
STATUS_WORDS = {
    ScrapeJob.Status.PENDING: "pending",
    ScrapeJob.Status.ASSIGNED: "assigned",
    ScrapeJob.Status.RUNNING: "processing",
    ScrapeJob.Status.COMPLETED: "completed",
    ScrapeJob.Status.FAILED: "failed",
    ScrapeJob.Status.CANCELLED: "failed",
}
STATUSES_OF_WORD = {
    "pending": [ScrapeJob.Status.PENDING],
    "assigned": [ScrapeJob.Status.ASSIGNED],
    "processing": [ScrapeJob.Status.RUNNING],
    "completed": [ScrapeJob.Status.COMPLETED],
    "failed": [ScrapeJob.Status.FAILED, ScrapeJob.Status.CANCELLED],
}
STATUS_FIELD = serializers.ChoiceField(choices=list(STATUSES_OF_WORD))


class SocialTaskResultSerializer(serializers.Serializer):
    posts_count = serializers.IntegerField()
    duration_seconds = serializers.IntegerField()


class SocialTaskSerializer(WaitingFields, serializers.ModelSerializer):
    """A task as created and listed: the group-post API's fields, why it failed (`error`) or why it waits."""

    group_name = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField()

    class Meta:
        model = ScrapeJob
        fields = [
            "id",
            "group_id",
            "group_name",
            "max_posts",
            "priority",
            "status",
            "created_at",
            "error",
            "waiting_reason",
            "queue_position",
        ]
        list_serializer_class = WaitingListSerializer

    @extend_schema_field(
        serializers.CharField(allow_null=True, help_text="Why the task failed, or the last failure before a retry.")
    )
    def get_error(self, job: ScrapeJob) -> str | None:
        return job.error or None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_group_name(self, job: ScrapeJob) -> str | None:
        return job.group_name or None

    @extend_schema_field(STATUS_FIELD)
    def get_status(self, job: ScrapeJob) -> str:
        return STATUS_WORDS[job.status]


class SocialTaskListItemSerializer(SocialTaskSerializer):
    has_result = serializers.SerializerMethodField()
    posts_count = serializers.IntegerField(source="items_scraped")

    class Meta(SocialTaskSerializer.Meta):
        fields = SocialTaskSerializer.Meta.fields + ["has_result", "posts_count"]

    def get_has_result(self, job: ScrapeJob) -> bool:
        return group_post_tasks.task_result(job) is not None


class SocialTaskDetailSerializer(SocialTaskSerializer):
    result = serializers.SerializerMethodField()

    class Meta(SocialTaskSerializer.Meta):
        fields = SocialTaskSerializer.Meta.fields + ["completed_at", "worker_id", "result"]

    @extend_schema_field(SocialTaskResultSerializer(allow_null=True))
    def get_result(self, job: ScrapeJob) -> dict | None:
        return group_post_tasks.task_result(job)


# A new task's group name is its job's name too: the shorter of the two columns bounds it.
GROUP_NAME_MAX_LENGTH = min(ScrapeJob._meta.get_field(name).max_length for name in ("group_name", "name"))


class SocialTaskCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    group_id = serializers.CharField(max_length=200)
    group_name = serializers.CharField(
        max_length=GROUP_NAME_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    max_posts = serializers.IntegerField(min_value=1, max_value=500)
    priority = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)
    advertiser_id = serializers.IntegerField(
        required=False, min_value=1, max_value=10**18, help_text="Platform staff only: the advertiser the task is for."
    )

    def validate_group_id(self, value: str) -> str:
        value = value.strip().replace("\x00", "")
        if not value:
            raise serializers.ValidationError("The group id field is required.")
        return value


class SocialTaskUpdateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    group_name = serializers.CharField(
        max_length=GROUP_NAME_MAX_LENGTH, required=False, allow_null=True, allow_blank=True
    )
    max_posts = serializers.IntegerField(min_value=1, max_value=500, required=False)
    priority = serializers.IntegerField(required=False, allow_null=True, min_value=-1000, max_value=1000)


class SocialTaskEnvelopeSerializer(serializers.Serializer):
    status = serializers.CharField()
    message = serializers.CharField(required=False)
    data = SocialTaskDetailSerializer()


class SocialMessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class SocialResetTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = STATUS_FIELD
    worker_id = serializers.CharField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)


class SocialTaskResetResponseSerializer(serializers.Serializer):
    message = serializers.CharField()
    task = SocialResetTaskSerializer()


class SocialResultTaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    group_id = serializers.CharField()
    status = STATUS_FIELD


class SocialPostSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="post_id")
    message = serializers.CharField(source="text")
    created_time = serializers.DateTimeField(source="posted_at", allow_null=True)
    likes = serializers.IntegerField(source="likes_count")
    comments = serializers.IntegerField(source="comments_count")
    shares = serializers.IntegerField(source="shares_count")

    class Meta:
        model = ContentItem
        fields = ["id", "message", "author", "created_time", "likes", "comments", "shares"]


class SocialTaskResultResponseSerializer(serializers.Serializer):
    task = SocialResultTaskSerializer()
    result = SocialTaskResultSerializer()
    posts = SocialPostSerializer(many=True)
