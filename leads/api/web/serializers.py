"""Request and response shapes of the web-scraper surface (the web scraper API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.masking import mask_secret
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leadplatform.url_input import refuse_hidden_characters
from leads.api.schedules import ScheduleSerializer
from leads.api.waiting import WaitingFields, WaitingListSerializer
from leads.engine.spec import PRIORITIES, PRIORITY_NAMES, _options
from leads.jobs.schedule import describe_schedule
from leads.models import ScrapeJob, Webhook, WebResult
from leads.web.jobs import STATUS_FILTER, SURFACE_STATUS

_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string"}


def _config_schema() -> dict:
    properties = {}
    for name, option in _options().items():
        schema = {"type": _JSON_TYPES[option.kind], "description": option.help}
        if option.minimum is not None:
            schema["minimum"] = option.minimum
        if option.maximum is not None:
            schema["maximum"] = option.maximum
        if option.default is not None:
            schema["default"] = option.default
        else:
            schema["nullable"] = True
        properties[name] = schema
    return {"type": "object", "properties": properties, "additionalProperties": False}


@extend_schema_field(_config_schema())
class CrawlConfigField(serializers.JSONField):
    """Validated by `leads.engine.spec.parse_config` in the service."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string", "maxLength": 500},
        "maxProperties": 50,
        "example": {"title": "h1.product-title::text", "price": "span.price::text"},
    }
)
class SelectorsField(serializers.JSONField):
    """name → CSS (parsel pseudo-elements ::text, ::attr()) or XPath; validated by the service."""


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {
            "nullable": True,
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        },
        "example": {"title": "Product Name", "price": "$99.99"},
    }
)
class ResultDataField(serializers.JSONField):
    pass


class JobCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    url = serializers.CharField(max_length=2000, validators=[refuse_hidden_characters])
    engine = serializers.ChoiceField(choices=ScrapeJob.Engine.values, default=ScrapeJob.Engine.AUTO)
    priority = serializers.ChoiceField(choices=list(PRIORITIES), default="normal")
    selectors = SelectorsField(required=False, default=dict)
    config = CrawlConfigField(required=False, default=dict)
    schedule = ScheduleSerializer(
        required=False, allow_null=True, help_text="Start a new run at each firing (results replaced by the new run's)."
    )
    advertiser_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Platform staff only: the advertiser the job is for.",
    )


class JobSerializer(WaitingFields, serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    status = serializers.SerializerMethodField()
    priority = serializers.SerializerMethodField()
    selectors = SelectorsField(read_only=True)
    config = CrawlConfigField(read_only=True)
    schedule = serializers.SerializerMethodField()

    class Meta:
        model = ScrapeJob
        fields = [
            "id",
            "url",
            "engine",
            "priority",
            "status",
            "progress",
            "items_scraped",
            "items_failed",
            "selectors",
            "config",
            "schedule",
            "error",
            "created_at",
            "started_at",
            "completed_at",
            "waiting_reason",
            "queue_position",
        ]
        read_only_fields = fields
        list_serializer_class = WaitingListSerializer

    @extend_schema_field(ScheduleSerializer(allow_null=True))
    def get_schedule(self, job: ScrapeJob) -> dict | None:
        return describe_schedule(job)

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUS_FILTER)))
    def get_status(self, job: ScrapeJob) -> str:
        return SURFACE_STATUS[job.status]

    @extend_schema_field(serializers.ChoiceField(choices=list(PRIORITIES)))
    def get_priority(self, job: ScrapeJob) -> str:
        return PRIORITY_NAMES.get(max(-1, min(1, job.priority)), "normal")


class JobListQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=list(STATUS_FILTER), required=False)


class ResultSerializer(serializers.ModelSerializer):
    job_id = serializers.SerializerMethodField()
    data = ResultDataField(read_only=True)

    class Meta:
        model = WebResult
        fields = ["job_id", "url", "data", "scraped_at"]
        read_only_fields = fields

    def get_job_id(self, result: WebResult) -> str:
        return self.context["job_id"]


class ResultsPageSerializer(serializers.Serializer):
    job_id = serializers.CharField()
    total = serializers.IntegerField()
    skip = serializers.IntegerField()
    limit = serializers.IntegerField()
    results = ResultSerializer(many=True)


class StatusCountsSerializer(serializers.Serializer):
    pending = serializers.IntegerField()
    running = serializers.IntegerField()
    completed = serializers.IntegerField()
    failed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


class StatsSerializer(serializers.Serializer):
    status_counts = StatusCountsSerializer()
    total_items_scraped = serializers.IntegerField()
    jobs_last_24h = serializers.IntegerField()
    success_rate = serializers.FloatField(help_text="Percent of finished jobs that completed.")
    total_jobs = serializers.IntegerField()


class ProxyStatusSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    avg_success_rate = serializers.FloatField()


class ProxiesByStatusSerializer(serializers.Serializer):
    active = ProxyStatusSerializer()
    banned = ProxyStatusSerializer()


class ProxySummarySerializer(serializers.Serializer):
    total_proxies = serializers.IntegerField()
    by_status = ProxiesByStatusSerializer()


class SystemHealthSerializer(serializers.Serializer):
    database = serializers.CharField(help_text='"healthy" or "unhealthy: <what is wrong>".')
    broker = serializers.CharField()
    cache = serializers.CharField()
    redis = serializers.CharField(help_text='"healthy", "unhealthy: …", or "not configured" (embedded mode).')
    workers = serializers.CharField(help_text="Celery workers that reported a heartbeat recently.")
    worker_count = serializers.IntegerField()
    worker_names = serializers.ListField(child=serializers.CharField(), help_text="Their node names.")
    api = serializers.CharField()
    timestamp = serializers.DateTimeField()


class WebhookCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    webhook_url = serializers.CharField(max_length=2000, validators=[refuse_hidden_characters])
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Webhook.Event.values), min_length=1, max_length=len(Webhook.Event.values)
    )
    advertiser_id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Platform staff only: the advertiser the webhook is for.",
    )


class WebhookSerializer(serializers.ModelSerializer):
    """A webhook as lists show it: the signing secret only by its last four characters, as everywhere."""

    webhook_url = serializers.CharField(source="url", read_only=True)
    events = serializers.ListField(child=serializers.ChoiceField(choices=Webhook.Event.values), read_only=True)
    secret_last_four = serializers.SerializerMethodField(
        help_text="The signing secret's last four characters after an ellipsis, to tell secrets apart."
    )

    class Meta:
        model = Webhook
        fields = ["id", "webhook_url", "events", "secret_last_four", "active", "disabled_reason", "created_at"]
        read_only_fields = fields

    def get_secret_last_four(self, webhook: Webhook) -> str:
        return mask_secret(webhook.secret)


class WebhookWithSecretSerializer(WebhookSerializer):
    """Answer of creation and rotation: the only time the full signing secret is shown."""

    secret = serializers.CharField(read_only=True, help_text="Signing secret, shown once; see docs/webhooks.md.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields
