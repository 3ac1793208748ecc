"""Request and response shapes of /api/v1/ (the social lead API). Fields are listed explicitly."""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.exceptions import NotFound

from leadplatform.api.fast_rendering import PlainRepresentation
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leadplatform.api.tenancy import advertiser_for_new_row, advertiser_rows, scoped_rows
from leadplatform.url_input import refuse_hidden_characters
from leads import credentials
from leads.api.schedules import ScheduleSerializer
from leads.api.waiting import WaitingFields, WaitingListSerializer
from leads.ingest import render_engagement_rate
from leads.jobs.schedule import describe_schedule
from leads.models import ConnectorCredential, ContentItem, Lead, Platform, ScrapeJob, Target

#: The social lead API's status words for the canonical job statuses.
STATUS_WORDS = {
    ScrapeJob.Status.PENDING: "queued",
    ScrapeJob.Status.ASSIGNED: "queued",
    ScrapeJob.Status.RUNNING: "running",
    ScrapeJob.Status.COMPLETED: "finished",
    ScrapeJob.Status.FAILED: "failed",
    ScrapeJob.Status.CANCELLED: "failed",
}
STATUSES_OF_WORD = {
    "queued": [ScrapeJob.Status.PENDING, ScrapeJob.Status.ASSIGNED],
    "running": [ScrapeJob.Status.RUNNING],
    "finished": [ScrapeJob.Status.COMPLETED],
    "failed": [ScrapeJob.Status.FAILED, ScrapeJob.Status.CANCELLED],
}
#: The social lead API's job types (group posts live on /api/social/, web jobs on /api/web/v1/).
JOB_TYPES = [ScrapeJob.Kind.HASHTAG, ScrapeJob.Kind.FOLLOWERS, ScrapeJob.Kind.FOLLOWING, ScrapeJob.Kind.LIKERS]
SOCIAL_PLATFORMS = [Platform.INSTAGRAM, Platform.TIKTOK, Platform.FACEBOOK]


class V1JobFiltersSerializer(serializers.Serializer):
    min_followers = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    max_followers = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    has_email = serializers.BooleanField(required=False, allow_null=True, default=None)
    bio_keywords = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, max_length=50, help_text="Any of them in the bio."
    )
    verified = serializers.BooleanField(required=False, allow_null=True, default=None)
    business = serializers.BooleanField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        low, high = attrs.get("min_followers"), attrs.get("max_followers")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError({"max_followers": ["Must be at least min_followers."]})
        return {key: value for key, value in attrs.items() if value not in (None, [])}


class V1JobSerializer(WaitingFields, serializers.ModelSerializer):
    """A job as listed (the social lead API's fields plus progress and why it waits)."""

    job_type = serializers.CharField(source="kind")
    status = serializers.SerializerMethodField()
    users_stored = serializers.IntegerField(source="leads_stored")

    class Meta:
        model = ScrapeJob
        fields = [
            "id",
            "name",
            "job_type",
            "status",
            "users_stored",
            "progress",
            "created_at",
            "waiting_reason",
            "queue_position",
        ]
        list_serializer_class = WaitingListSerializer

    @extend_schema_field(serializers.ChoiceField(choices=list(STATUSES_OF_WORD)))
    def get_status(self, job: ScrapeJob) -> str:
        return STATUS_WORDS[job.status]


class V1JobDetailSerializer(V1JobSerializer):
    target_ids = serializers.SerializerMethodField()
    filters = serializers.SerializerMethodField()
    schedule = serializers.SerializerMethodField()
    max_retries = serializers.SerializerMethodField()
    retries_used = serializers.SerializerMethodField()

    class Meta(V1JobSerializer.Meta):
        fields = V1JobSerializer.Meta.fields + [
            "platform",
            "speed_mode",
            "max_leads",
            "max_leads_per_target",
            "filters",
            "target_ids",
            "priority",
            "items_scraped",
            "items_failed",
            "error",
            "schedule",
            "max_retries",
            "retries_used",
            "started_at",
            "completed_at",
        ]

    @extend_schema_field(V1JobFiltersSerializer)
    def get_filters(self, job: ScrapeJob) -> dict:
        return job.filters or {}

    def get_target_ids(self, job: ScrapeJob) -> list[int]:
        return sorted(target.pk for target in job.targets.all())

    @extend_schema_field(ScheduleSerializer(allow_null=True))
    def get_schedule(self, job: ScrapeJob) -> dict | None:
        return describe_schedule(job)

    def get_max_retries(self, job: ScrapeJob) -> int:
        dispatch = getattr(job, "dispatch", None)
        return dispatch.max_retries if dispatch else settings.LEADS_JOB_MAX_RETRIES

    def get_retries_used(self, job: ScrapeJob) -> int:
        dispatch = getattr(job, "dispatch", None)
        return dispatch.retries_used if dispatch else 0


class V1JobCreateSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    job_type = serializers.ChoiceField(choices=JOB_TYPES)
    platform = serializers.ChoiceField(choices=SOCIAL_PLATFORMS, default=Platform.INSTAGRAM)
    speed_mode = serializers.ChoiceField(choices=ScrapeJob.SpeedMode.choices, default=ScrapeJob.SpeedMode.NORMAL)
    max_leads = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1_000_000)
    max_leads_per_target = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=1_000_000)
    filters = V1JobFiltersSerializer(required=False)
    target_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=10**18),
        min_length=1,
        max_length=settings.LEADS_MAX_TARGETS_PER_JOB,
    )
    priority = serializers.IntegerField(required=False, default=0, min_value=-100, max_value=100)
    max_retries = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=10)
    schedule = ScheduleSerializer(required=False, allow_null=True)
    advertiser_id = serializers.IntegerField(
        required=False, min_value=1, max_value=10**18, help_text="Platform staff only: the advertiser the job is for."
    )

    def validate(self, attrs):
        principal = self.context["principal"]
        attrs["advertiser_id"] = advertiser_for_new_row(principal, attrs.get("advertiser_id")).pk
        wanted = set(attrs["target_ids"])
        targets = list(scoped_rows(Target, principal).filter(pk__in=wanted, advertiser_id=attrs["advertiser_id"]))
        if len(targets) != len(wanted):
            raise NotFound("Target not found.")  # another tenant's target is as absent as a missing one
        attrs["targets"] = targets
        return attrs


class V1DeletedSerializer(serializers.Serializer):
    """What a DELETE on this surface answers: 200 and a message (the surface documents no 204)."""

    success = serializers.BooleanField()
    message = serializers.CharField()


class V1TargetSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    advertiser_id = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=10**18, help_text="Platform staff only."
    )

    class Meta:
        model = Target
        fields = ["id", "identifier", "target_type", "platform", "status", "created_at", "advertiser_id"]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"platform": {"default": Platform.INSTAGRAM}, "status": {"default": Target.Status.PENDING}}

    def validate_identifier(self, value: str) -> str:
        value = value.strip().replace("\x00", "")
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value

    def validate(self, attrs):
        attrs["advertiser_id"] = advertiser_for_new_row(self.context["principal"], attrs.get("advertiser_id")).pk
        exists = advertiser_rows(Target, attrs["advertiser_id"]).filter(
            platform=attrs.get("platform", Platform.INSTAGRAM),
            target_type=attrs["target_type"],
            identifier=attrs["identifier"],
        )
        if exists.exists():
            raise serializers.ValidationError(
                {"identifier": ["A target with this identifier and type already exists."]}
            )
        return attrs


class V1LeadSerializer(PlainRepresentation, serializers.ModelSerializer):
    """A row of the leads list: the hot path of this surface (bench/leads_list.py)."""

    class Meta:
        model = Lead
        fields = [
            "id",
            "username",
            "full_name",
            "followers",
            "emails",
            "phones",
            "platform",
            "outreach_ready",
            "source_type",
            "job_id",
            "created_at",
        ]


class V1LeadDetailSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = [
            "id",
            "username",
            *Lead.PROFILE_FIELDS,
            "platform",
            "is_verified",
            "is_business",
            "blacklisted",
            "outreach_ready",
            "source_type",
            "job_id",
            "target_id",
            "scraped_at",
            "created_at",
        ]


class V1ContentAnalysisSerializer(serializers.ModelSerializer):
    engagement_rate = serializers.SerializerMethodField()

    class Meta:
        model = ContentItem
        fields = [
            "id",
            "platform",
            "username",
            "post_id",
            "likes_count",
            "comments_count",
            "views_count",
            "shares_count",
            "engagement_rate",
            "author",
            "text",
            "url",
            "posted_at",
            "job_id",
            "scraped_at",
        ]

    @extend_schema_field(serializers.CharField(allow_null=True, help_text='Percent, e.g. "5.2%".'))
    def get_engagement_rate(self, item: ContentItem) -> str | None:
        return render_engagement_rate(item.engagement_rate)


class V1StatsSerializer(serializers.Serializer):
    total_leads = serializers.IntegerField()
    total_jobs = serializers.IntegerField()
    total_targets = serializers.IntegerField()
    total_content_analysis = serializers.IntegerField()
    total_api_requests = serializers.IntegerField()
    today_api_requests = serializers.IntegerField()
    token_requests = serializers.IntegerField()
    token_last_used = serializers.DateTimeField(allow_null=True)


# ---------------------------------------------------------------------------------------
# Connector credentials: the secrets are write-only (never returned, only whether one is set)
# ---------------------------------------------------------------------------------------
#: What a caller sets of a connector, secrets aside (written on create, read back).
CONNECTOR_SETTINGS = [
    "name",
    "provider",
    "platform",
    "base_url",
    "account_id",
    "app_id",
    "actors",
    "hashtag_quota",
    "requests_per_second",
    "active",
]
CONNECTOR_FIELDS = [
    "id",
    *CONNECTOR_SETTINGS,
    "has_secret",
    "has_app_secret",
    "token_expires_at",
    "token_refreshed_at",
    "token_refresh_error",
    "created_at",
]


class V1ConnectorSerializer(serializers.ModelSerializer):
    """A connector credential as read: whether its secrets are set, never the secrets."""

    has_secret = serializers.SerializerMethodField()
    has_app_secret = serializers.SerializerMethodField()

    class Meta:
        model = ConnectorCredential
        fields = CONNECTOR_FIELDS

    def get_has_secret(self, credential: ConnectorCredential) -> bool:
        return bool(credential.secret_encrypted)

    def get_has_app_secret(self, credential: ConnectorCredential) -> bool:
        return bool(credential.app_secret_encrypted)


class V1ConnectorCreateSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=2000,
        trim_whitespace=True,
        help_text="Access token (Graph API) or API token (hosted scraper). Stored encrypted, never returned.",
    )
    app_secret = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Meta app secret (Graph API token refresh). Stored encrypted, never returned.",
    )
    base_url = serializers.URLField(
        required=False,
        validators=[refuse_hidden_characters],
        allow_blank=True,
        max_length=500,
        help_text=ConnectorCredential._meta.get_field("base_url").help_text,
    )
    actors = serializers.JSONField(required=False, help_text=ConnectorCredential._meta.get_field("actors").help_text)
    advertiser_id = serializers.IntegerField(
        write_only=True, required=False, min_value=1, max_value=10**18, help_text="Platform staff only."
    )

    class Meta:
        model = ConnectorCredential
        fields = [
            *CONNECTOR_SETTINGS,
            "token_expires_at",
            "secret",
            "app_secret",
            "advertiser_id",
        ]
        extra_kwargs = {
            "requests_per_second": {"min_value": 0.01, "max_value": 1000},
            "hashtag_quota": {"max_value": 1000},
        }

    #: What each provider cannot work without.
    REQUIRED = {
        ConnectorCredential.Provider.INSTAGRAM_GRAPH: ("secret", "account_id"),
        ConnectorCredential.Provider.HOSTED_SCRAPER: ("secret",),
    }

    def validate_base_url(self, value: str) -> str:
        if value and not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError("An http:// or https:// address.")
        return value

    def validate_actors(self, value):
        errors = credentials.actors_errors(value or {})
        if errors:
            raise serializers.ValidationError(errors)
        return value or {}

    def validate(self, attrs):
        credential = self.instance
        if credential is None:
            attrs["advertiser_id"] = advertiser_for_new_row(self.context["principal"], attrs.get("advertiser_id")).pk
            values = attrs
        else:  # an update: what is stored, overlaid with what is sent (a secret sent blank is not a change)
            stored = {
                "advertiser_id": credential.advertiser_id,
                "provider": credential.provider,
                "name": credential.name,
                "account_id": credential.account_id,
                "app_id": credential.app_id,
                "secret": bool(credential.secret_encrypted),
                "app_secret": bool(credential.app_secret_encrypted),
            }
            sent = {key: value for key, value in attrs.items() if not (key in ("secret", "app_secret") and value == "")}
            values = {**stored, **sent}
        missing = [name for name in self.REQUIRED.get(values["provider"], ()) if not values.get(name)]
        if missing:
            raise serializers.ValidationError({name: ["Required for this provider."] for name in missing})
        if bool(values.get("app_id")) != bool(values.get("app_secret")):
            raise serializers.ValidationError({"app_secret": ["app_id and app_secret go together."]})
        taken = advertiser_rows(ConnectorCredential, values["advertiser_id"]).filter(
            provider=values["provider"], name=values["name"]
        )
        if credential is not None:
            taken = taken.exclude(pk=credential.pk)
        if taken.exists():
            raise serializers.ValidationError(
                {"name": ["A credential of this provider with this name already exists."]}
            )
        return attrs


class V1ConnectorUpdateSerializer(V1ConnectorCreateSerializer):
    """A partial update: a new token (and its expiry), app credentials, base URL, actors, limits, active."""

    class Meta(V1ConnectorCreateSerializer.Meta):
        fields = [name for name in V1ConnectorCreateSerializer.Meta.fields if name not in ("provider", "advertiser_id")]


class V1ConnectorCheckSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    provider = serializers.CharField()
    host = serializers.CharField(help_text="Who answered (or would have): the provider's host.")
    http_status = serializers.IntegerField(allow_null=True, help_text="The provider's HTTP status when it refused.")
    message = serializers.CharField(help_text="What happened and, on failure, what to do.")


def envelope_of(serializer_class, name: str):
    """The schema of `{"success": true, "data": <serializer>}` (the social lead API's single-object envelope)."""
    return type(name, (serializers.Serializer,), {"success": serializers.BooleanField(), "data": serializer_class()})
