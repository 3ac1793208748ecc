"""Request and response shapes of the campaign app endpoints (the campaign API, App Endpoints)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.api.serializers import RegisterSerializer
from accounts.models import Network, Publisher, SocialAccount
from campaigns.models import Campaign
from campaigns.money import quantize_money
from campaigns.services import network_availability
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leadplatform.url_input import refuse_hidden_characters

MAX_ID = 2**63 - 1
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100


def object_id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def absolute_file_url(request, field_file) -> str | None:
    if not field_file:
        return None
    return request.build_absolute_uri(field_file.url) if request is not None else field_file.url


def date_parts(moment) -> dict | None:
    if moment is None:
        return None
    local = timezone.localtime(moment)
    return {
        "year": local.year,
        "month": local.month,
        "day": local.day,
        "hour": local.hour,
        "minute": local.minute,
        "second": local.second,
    }


def date_text(moment) -> str | None:
    """ "August 31, 2024 - 23:59:59", the seed's human form."""
    return timezone.localtime(moment).strftime("%B %d, %Y - %H:%M:%S") if moment else None


#: Image and file links: absolute URLs, null when the campaign has none.
NULLABLE_URI = {"type": "string", "format": "uri", "nullable": True}


@extend_schema_field(OpenApiTypes.NUMBER)
class AmountField(serializers.ReadOnlyField):
    """A Decimal amount rendered as a JSON number, rounded to the instance's currency."""

    def get_attribute(self, instance):
        return quantize_money(super().get_attribute(instance), instance.currency)


# ------------------------------------------------------------------------------
# Requests
# ------------------------------------------------------------------------------
class AppRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A campaign app request body: a field the route does not take is refused."""


class PageRequestSerializer(AppRequestSerializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=MAX_PER_PAGE, default=DEFAULT_PER_PAGE)


class CampaignListRequestSerializer(PageRequestSerializer):
    FILTERS = ("all", "active", "upcoming", "ended", "joined", "featured")

    filter = serializers.ChoiceField(
        choices=FILTERS,
        default="all",
        help_text="active: running now; upcoming: pending (pre-registration); ended: finished "
        "(post-registration); joined: campaigns you have a task in; featured: featured tasks.",
    )
    category = serializers.CharField(max_length=100, required=False, help_text="Category id, slug or name.")
    network = serializers.ChoiceField(choices=Network.choices, required=False)


class PublicCampaignListRequestSerializer(PageRequestSerializer):
    filter = serializers.ChoiceField(
        choices=("active",), default="active", help_text="Only active campaigns are public."
    )
    category = serializers.CharField(max_length=100, required=False, help_text="Category id, slug or name.")


class CampaignRequestSerializer(AppRequestSerializer):
    id = object_id(help_text="Campaign id.")


class CampaignIdRequestSerializer(AppRequestSerializer):
    campaign_id = object_id()


class NetworkApprovalRequestSerializer(AppRequestSerializer):
    network_type = serializers.ChoiceField(choices=Network.choices)
    network_id = serializers.CharField(max_length=200)
    network_url = serializers.URLField(
        max_length=500, required=False, allow_blank=True, default="", validators=[refuse_hidden_characters]
    )
    kind = serializers.ChoiceField(
        choices=SocialAccount.Kind.choices, default=SocialAccount.Kind.USER, help_text="Account kind (default user)."
    )


class RegisterRequestSerializer(RegisterSerializer):
    """The web surface's registration fields plus the influencer's profile."""

    sex = serializers.ChoiceField(choices=Publisher.Sex.choices, required=False)
    birth_date = serializers.DateField(required=False)


class TokenRequestSerializer(AppRequestSerializer):
    username = serializers.CharField(max_length=254, help_text="Username or e-mail address.")
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})


# ------------------------------------------------------------------------------
# Responses
# ------------------------------------------------------------------------------
class StatusMessageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["success"])
    message = serializers.CharField()


class JoinResponseSerializer(StatusMessageSerializer):
    task_id = serializers.IntegerField()


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Send as `Authorization: Bearer <token>`. Shown once.")
    token_type = serializers.ChoiceField(choices=["bearer"])
    user_id = serializers.IntegerField()
    expires_at = serializers.DateTimeField()


class RegisterResponseSerializer(TokenResponseSerializer):
    status = serializers.ChoiceField(choices=["success"])
    message = serializers.CharField()


class DateEndSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    day = serializers.IntegerField()
    hour = serializers.IntegerField()
    minute = serializers.IntegerField()
    second = serializers.IntegerField()


class BonusOfferSerializer(serializers.Serializer):
    active = serializers.BooleanField(source="bonus_active")
    promo_reach = AmountField(source="promo_reach_bonus")
    promo_engagement_rate = AmountField(source="promo_engagement_rate_bonus")
    promo_best_post = AmountField(source="promo_best_post_bonus")


class CampaignTasksSerializer(serializers.Serializer):
    time = serializers.IntegerField(source="task_time")
    time_type = serializers.CharField(source="task_time_unit")
    bonus = BonusOfferSerializer(source="*")
    minimum_reward = AmountField()


class CampaignSummarySerializer(serializers.ModelSerializer):
    """The campaign as the app shows it in lists and inside a task."""

    image_logo = serializers.SerializerMethodField()
    image_post = serializers.SerializerMethodField()
    hashtags = serializers.ListField(child=serializers.CharField(), read_only=True)
    networks = serializers.ListField(child=serializers.CharField(), read_only=True)
    date_end = serializers.SerializerMethodField()

    class Meta:
        model = Campaign
        fields = [
            "id",
            "type",
            "name",
            "tagline",
            "description",
            "image_logo",
            "image_post",
            "hashtags",
            "date_end",
            "networks",
            "currency",
        ]
        read_only_fields = fields

    @extend_schema_field(NULLABLE_URI)
    def get_image_logo(self, campaign) -> str | None:
        return absolute_file_url(self.context.get("request"), campaign.image_logo)

    @extend_schema_field(NULLABLE_URI)
    def get_image_post(self, campaign) -> str | None:
        return absolute_file_url(self.context.get("request"), campaign.image_post)

    @extend_schema_field(DateEndSerializer(allow_null=True))
    def get_date_end(self, campaign):
        return date_parts(campaign.date_end)


class CampaignSerializer(CampaignSummarySerializer):
    """/api/get/campaigns/ items."""

    tasks = CampaignTasksSerializer(source="*", read_only=True)

    class Meta(CampaignSummarySerializer.Meta):
        fields = [*CampaignSummarySerializer.Meta.fields, "tasks", "tasks_featured", "tasks_leaderboard"]
        read_only_fields = fields


class AvailabilitySerializer(serializers.Serializer):
    social_users_available = serializers.DictField(child=serializers.BooleanField())
    social_pages_available = serializers.DictField(child=serializers.BooleanField())
    social_walls_available = serializers.DictField(child=serializers.BooleanField())
    social_channels_available = serializers.DictField(child=serializers.BooleanField())


class CampaignDetailSerializer(CampaignSerializer):
    """/api/get/campaign/: with the influencer's network availability and the attachment."""

    publisher = serializers.SerializerMethodField()
    attachment = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "publisher", "attachment"]
        read_only_fields = fields

    @extend_schema_field(AvailabilitySerializer)
    def get_publisher(self, campaign):
        return network_availability(list(campaign.networks or []), self.context.get("accounts", []))

    @extend_schema_field(NULLABLE_URI)
    def get_attachment(self, campaign) -> str | None:
        return absolute_file_url(self.context.get("request"), campaign.attachment)


class CampaignListSerializer(serializers.Serializer):
    campaigns = CampaignSerializer(many=True)


class PublicCampaignSerializer(serializers.ModelSerializer):
    image_logo = serializers.SerializerMethodField()
    networks = serializers.ListField(child=serializers.CharField(), read_only=True)
    minimum_reward = AmountField()

    class Meta:
        model = Campaign
        fields = ["id", "name", "tagline", "image_logo", "networks", "currency", "minimum_reward"]
        read_only_fields = fields

    @extend_schema_field(NULLABLE_URI)
    def get_image_logo(self, campaign) -> str | None:
        return absolute_file_url(self.context.get("request"), campaign.image_logo)


class PublicCampaignListSerializer(serializers.Serializer):
    campaigns = PublicCampaignSerializer(many=True)


class LeaderboardEntrySerializer(serializers.Serializer):
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    score = serializers.IntegerField(help_text="100 × completed tasks + engagement + reach ÷ 100 (rounded down).")
    rank = serializers.IntegerField()
    completed_tasks = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    leaderboard = LeaderboardEntrySerializer(many=True)


# ------------------------------------------------------------------------------
# Notifications
# ------------------------------------------------------------------------------
class NotificationListRequestSerializer(PageRequestSerializer):
    unread = serializers.BooleanField(default=False, help_text="Only notifications not yet read.")


class NotificationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    type = serializers.CharField()
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
    read = serializers.SerializerMethodField()

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class NotificationListSerializer(serializers.Serializer):
    notifications = NotificationSerializer(many=True)
    total = serializers.IntegerField()
    unread = serializers.IntegerField()


class NotificationReadRequestSerializer(AppRequestSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1),
        required=False,
        max_length=500,
        help_text="Notification ids to mark read; omit to mark all read.",
    )


class NotificationReadResponseSerializer(StatusMessageSerializer):
    marked = serializers.IntegerField()
