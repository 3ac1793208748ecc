"""Request and response shapes of the campaign backend endpoints (the campaign API, Backend Endpoints)."""

from __future__ import annotations

import re

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Network
from campaigns.api.app.serializers import (
    AmountField,
    AvailabilitySerializer,
    BonusOfferSerializer,
    CampaignSerializer,
    StatusMessageSerializer,
    object_id,
)
from campaigns.backend_services import SETTING_FIELDS
from campaigns.models import MONEY, Campaign, Invoice
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leadplatform.url_input import refuse_hidden_characters
from tasks.api.app.serializers import TASK_FLAG_FIELDS, TaskCampaignSerializer, TaskSerializer
from tasks.models import Task
from tasks.services import earned_bonuses


def money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=MONEY["max_digits"],
        decimal_places=MONEY["decimal_places"],
        min_value=0,
        coerce_to_string=False,
        **kwargs,
    )


def number(**kwargs) -> serializers.DecimalField:
    """A rounded Decimal amount, rendered as a JSON number."""
    return serializers.DecimalField(max_digits=20, decimal_places=3, coerce_to_string=False, **kwargs)


# ------------------------------------------------------------------------------
# Requests
# ------------------------------------------------------------------------------
class BackendRequestSerializer(RejectUnknownFieldsMixin, serializers.Serializer):
    """A backend request body: a field the route does not take is refused."""


class BackendPageRequestSerializer(BackendRequestSerializer):
    page = serializers.IntegerField(min_value=1, max_value=100_000, default=1)
    per_page = serializers.IntegerField(min_value=1, max_value=500, default=100)


class BackendCampaignListRequestSerializer(BackendPageRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Campaigns of this advertiser (wins over user_id).")
    user_id = object_id(required=False, help_text="Campaigns available to this influencer (their user id).")


class BackendTaskListRequestSerializer(BackendPageRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Tasks of this advertiser's campaigns (wins over the rest).")
    campaign_id = object_id(required=False, help_text="Tasks of this campaign (wins over status).")
    status = serializers.ChoiceField(
        choices=[s for s in Task.Status.choices if s[0] != Task.Status.LEFT], required=False
    )


class BackendEmailRequestSerializer(BackendRequestSerializer):
    email = serializers.EmailField(max_length=254)


class BackendDateRangeRequestSerializer(BackendRequestSerializer):
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, attrs):
        if attrs.get("date_from") and attrs.get("date_to") and attrs["date_from"] > attrs["date_to"]:
            raise serializers.ValidationError({"date_to": "date_to is before date_from."})
        return attrs


class BackendAdvertiserRequestSerializer(BackendRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Required for platform tokens; defaults to the token's own.")


class BackendAdvertiserRangeRequestSerializer(BackendAdvertiserRequestSerializer, BackendDateRangeRequestSerializer):
    pass


class BackendInvoiceListRequestSerializer(BackendAdvertiserRangeRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Platform tokens: all advertisers when omitted.")
    invoice_status = serializers.ChoiceField(choices=Invoice.Status.choices, required=False)


class BackendCampaignStatsRequestSerializer(BackendDateRangeRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Only this advertiser's campaigns.")


class BackendCampaignScopeRequestSerializer(BackendRequestSerializer):
    advertiser_id = object_id(required=False, help_text="Only this advertiser's campaigns.")


class BackendCampaignIdRequestSerializer(BackendRequestSerializer):
    campaign_id = object_id()


class BackendCampaignStatusRequestSerializer(BackendCampaignIdRequestSerializer):
    status = serializers.ChoiceField(choices=Campaign.Status.choices)


class CampaignSettingsSerializer(serializers.Serializer):
    """The known settings; each optional, each validated."""

    post_rate = money(required=False)
    minimum_reward = money(required=False)
    has_bonus = serializers.BooleanField(required=False)
    promo_reach_bonus = money(required=False)
    promo_engagement_rate_bonus = money(required=False)
    promo_best_post_bonus = money(required=False)
    reach_bonus_threshold = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    engagement_rate_bonus_threshold = serializers.DecimalField(
        max_digits=6, decimal_places=2, min_value=0, max_value=100, coerce_to_string=False, required=False
    )
    budget = money(required=False, allow_null=True)
    task_time = serializers.IntegerField(min_value=1, max_value=10_000, required=False)
    task_time_unit = serializers.ChoiceField(choices=Campaign.TimeUnit.choices, required=False)
    tasks_featured = serializers.BooleanField(required=False)
    tasks_leaderboard = serializers.BooleanField(required=False)
    date_end = serializers.DateTimeField(required=False)

    def to_internal_value(self, data):
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({"settings": f"Unknown setting {unknown[0]!r}."})
        return super().to_internal_value(data)


assert set(CampaignSettingsSerializer().fields) == set(SETTING_FIELDS)

BRACKET = re.compile(r"^settings\[([^\]]{1,100})\]$")


def settings_from_body(data) -> dict:
    """`settings` as a JSON object, or as bracket form fields `settings[post_rate]=30`."""
    values = {}
    nested = data.get("settings") if hasattr(data, "get") else None
    if nested is not None:
        if not isinstance(nested, dict):
            raise serializers.ValidationError({"settings": "Give an object of settings."})
        values.update(nested)
    for key in data:
        match = BRACKET.match(str(key))
        if match:
            values[match.group(1)] = data.get(key)
    if not values:
        raise serializers.ValidationError({"settings": "Give at least one setting."})
    return values


def is_settings_key(key) -> bool:
    return key == "settings" or BRACKET.match(str(key)) is not None


class BackendCampaignSettingsTargetSerializer(BackendCampaignIdRequestSerializer):
    """The campaign of a settings request; its settings are read by `settings_from_body`."""

    def to_internal_value(self, data):
        if hasattr(data, "get"):
            data = {key: data.get(key) for key in data if not is_settings_key(key)}
        return super().to_internal_value(data)


class BackendCampaignSettingsRequestSerializer(BackendCampaignIdRequestSerializer):
    """Documentation shape; the view reads `settings` with `settings_from_body` (JSON or bracket fields)."""

    settings = CampaignSettingsSerializer()


class BackendUserIdRequestSerializer(BackendRequestSerializer):
    user_id = object_id(help_text="The user id (as /api/user/check/ returns it), not a publisher id.")


class BackendBanRequestSerializer(BackendUserIdRequestSerializer):
    banned = serializers.BooleanField()
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class BackendNotificationRequestSerializer(BackendUserIdRequestSerializer):
    message = serializers.CharField(max_length=2000)
    type = serializers.CharField(max_length=50, required=False, default="general")


class BackendSocialWallRequestSerializer(BackendUserIdRequestSerializer):
    wall_url = serializers.URLField(max_length=500, validators=[refuse_hidden_characters])
    network = serializers.ChoiceField(choices=Network.choices)


class BackendTaskIdRequestSerializer(BackendRequestSerializer):
    task_id = object_id()


class BackendTaskActionRequestSerializer(BackendTaskIdRequestSerializer):
    ACTIONS = ("approve", "reject", "pay", "reopen")

    action = serializers.ChoiceField(choices=ACTIONS)
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text="Required to reject."
    )
    reach = serializers.IntegerField(min_value=0, max_value=2**62, required=False, help_text="approve: metrics.")
    engagement = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    likes = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    comments = serializers.IntegerField(min_value=0, max_value=2**62, required=False)
    best_post = serializers.BooleanField(required=False)

    def validate(self, attrs):
        if attrs["action"] == "reject" and not attrs["reason"].strip():
            raise serializers.ValidationError({"reason": "Give the reason for the rejection."})
        return attrs


class BackendCustomTaskRequestSerializer(BackendCampaignIdRequestSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    requirements = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    user_id = object_id(required=False, help_text="Assign it to this influencer (their user id).")
    networks = serializers.ListField(
        child=serializers.ChoiceField(choices=Network.choices), required=False, max_length=len(Network.values)
    )
    deadline = serializers.DateTimeField(required=False, help_text="Default: now + the campaign's task time.")


class BackendCitiesRequestSerializer(BackendRequestSerializer):
    country_id = object_id(required=False)


class BackendExchangeRequestSerializer(BackendRequestSerializer):
    amount = serializers.DecimalField(max_digits=20, decimal_places=6, min_value=0, max_value=10**12)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword: declare the fields by name.
        fields["from"] = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217 code.")
        fields["to"] = serializers.RegexField(r"^[A-Za-z]{3}$", help_text="ISO 4217 code.")
        return fields


# ------------------------------------------------------------------------------
# Responses
# ------------------------------------------------------------------------------
class AvailabilityMapSerializer(AvailabilitySerializer):
    social_extras_available = serializers.DictField(child=serializers.BooleanField())


class BackendCampaignSerializer(CampaignSerializer):
    """/api/campaigns/ items; `publisher` is filled for a user_id request, empty otherwise."""

    publisher = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "publisher"]
        read_only_fields = fields

    @extend_schema_field(AvailabilityMapSerializer)
    def get_publisher(self, campaign):
        return self.context["availability"](campaign)


class TaskCampaignTasksSerializer(serializers.Serializer):
    bonus = BonusOfferSerializer(source="*")
    minimum_reward = AmountField()


class BackendTaskCampaignSerializer(TaskCampaignSerializer):
    tasks = TaskCampaignTasksSerializer(source="*", read_only=True)

    class Meta(TaskCampaignSerializer.Meta):
        fields = [*TaskCampaignSerializer.Meta.fields, "tasks"]
        read_only_fields = fields


class EarnedBonusSerializer(serializers.Serializer):
    reach = serializers.BooleanField()
    engagement_rate = serializers.BooleanField()
    best_post = serializers.BooleanField()


class BackendTaskSerializer(TaskSerializer):
    """/api/tasks/ items: the seed's shape; `type` names the influencer, `user_id` is their user id (what
    the user routes take; null for an unassigned custom task), `bonus` says which bonuses are earned."""

    type = serializers.SerializerMethodField()
    user_id = serializers.SerializerMethodField()
    bonus = serializers.SerializerMethodField()
    campaign = BackendTaskCampaignSerializer(read_only=True)

    class Meta(TaskSerializer.Meta):
        fields = [
            "id",
            "type",
            "user_id",
            "title",
            "networks",
            "status",
            "status_name",
            "media",
            *TASK_FLAG_FIELDS,
            "date_end",
            "bonus",
            "payments",
            "campaign",
        ]
        read_only_fields = fields

    def get_type(self, task) -> str:
        if task.publisher is None:
            return "Custom task: unassigned"
        user = task.publisher.user
        return f"Profile: {user.get_full_name() or user.username}"

    def get_user_id(self, task) -> int | None:
        return task.publisher.user_id if task.publisher is not None else None

    @extend_schema_field(EarnedBonusSerializer)
    def get_bonus(self, task):
        return earned_bonuses(task)


class CheckResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    message = serializers.CharField()


class AdvertiserFinancialSerializer(serializers.Serializer):
    total_spent = number()
    total_campaigns = serializers.IntegerField()
    average_cpm = number(help_text="spent / reach × 1000 over the range.")
    currency = serializers.CharField()


class MaximumLimitSerializer(serializers.Serializer):
    maximum_limit = number()
    currency = serializers.CharField()


class InvoiceSerializer(serializers.ModelSerializer):
    amount = AmountField()

    class Meta:
        model = Invoice
        fields = ["id", "amount", "currency", "date", "status"]
        read_only_fields = fields


class InvoiceListSerializer(serializers.Serializer):
    invoices = InvoiceSerializer(many=True)


class CampaignOverviewSerializer(serializers.Serializer):
    total_campaigns = serializers.IntegerField()
    active_campaigns = serializers.IntegerField()
    completed_campaigns = serializers.IntegerField()
    pending_campaigns = serializers.IntegerField()


class CampaignStatusCountsSerializer(serializers.Serializer):
    draft = serializers.IntegerField()
    pending = serializers.IntegerField()
    active = serializers.IntegerField()
    paused = serializers.IntegerField()
    completed = serializers.IntegerField()
    cancelled = serializers.IntegerField()


def _network_map(child, name: str) -> type[serializers.Serializer]:
    fields = {network: child() for network in Network.values}
    return type(name, (serializers.Serializer,), fields)


CampaignNetworkCountsSerializer = _network_map(serializers.IntegerField, "CampaignNetworkCountsSerializer")


class NetworkActivitySerializer(serializers.Serializer):
    posts = serializers.IntegerField()
    reach = serializers.IntegerField()
    engagement = serializers.IntegerField()


CampaignNetworkActivitySerializer = _network_map(
    lambda: NetworkActivitySerializer(required=False), "CampaignNetworkActivitySerializer"
)


class CampaignCostsSerializer(serializers.Serializer):
    total_spent = number()
    average_cpm = number()
    currency = serializers.CharField()


class PublisherStatusCountsSerializer(serializers.Serializer):
    active = serializers.IntegerField()
    inactive = serializers.IntegerField()
    suspended = serializers.IntegerField()


class PublisherActivitySerializer(serializers.Serializer):
    total_posts = serializers.IntegerField()
    total_reach = serializers.IntegerField()
    total_engagement = serializers.IntegerField()


class UserStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["active", "inactive", "suspended", "banned"])
    joined_date = serializers.DateField()
    total_campaigns = serializers.IntegerField()


class TaskStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Task.Status.choices)
    assigned_date = serializers.DateField()
    deadline = serializers.DateField()


class TaskPaymentSerializer(serializers.Serializer):
    payment = number(help_text="Total: minimum + post + bonuses.")
    payment_minimum = number()
    payment_post = number()
    payment_bonus_reach = number()
    payment_bonus_engagement_rate = number()
    payment_bonus_best_post = number()
    paid = serializers.BooleanField(help_text="False: what the task earns so far, not yet paid.")
    currency = serializers.CharField()


class CustomTaskResponseSerializer(StatusMessageSerializer):
    task_id = serializers.IntegerField()


class SexSharesSerializer(serializers.Serializer):
    male = serializers.FloatField(help_text="Percent of influencers with a known sex.")
    female = serializers.FloatField()
    other = serializers.FloatField()


AgeSharesSerializer = type(
    "AgeSharesSerializer",
    (serializers.Serializer,),
    {
        label: serializers.FloatField(help_text="Percent of influencers with a known age in the bucket.")
        for label in ("18-24", "25-34", "35-44", "45+")
    },
)


PREFERENCE_SHARES_SCHEMA = {
    "type": "object",
    "additionalProperties": {"type": "number"},
    "description": "Percent of preferred-category picks per category slug (top five), plus other.",
}


class PendingCountsSerializer(serializers.Serializer):
    pending_campaigns = serializers.IntegerField()
    pending_tasks = serializers.IntegerField(help_text="Tasks joined, not yet submitted.")
    pending_approvals = serializers.IntegerField(help_text="Submitted tasks awaiting review.")


class GeneralFinancialSerializer(serializers.Serializer):
    total_revenue = number()
    total_payouts = number()
    currency = serializers.CharField()


class EstimatedPublishersSerializer(serializers.Serializer):
    estimated_publishers = serializers.IntegerField()
    active_publishers = serializers.IntegerField()


class PotentialPublishersSerializer(serializers.Serializer):
    potential_publishers = serializers.IntegerField()
    conversion_rate = serializers.FloatField()


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CountryWithCitiesSerializer(NamedSerializer):
    cities = NamedSerializer(many=True)


class LocationsSerializer(serializers.Serializer):
    countries = CountryWithCitiesSerializer(many=True)


class AdvertiserItemSerializer(NamedSerializer):
    email = serializers.EmailField(source="contact_email")


class AdvertiserListSerializer(serializers.Serializer):
    advertisers = AdvertiserItemSerializer(many=True)


class AllowedCountrySerializer(NamedSerializer):
    currency_code = serializers.CharField()


class AllowedCountriesSerializer(serializers.Serializer):
    countries = AllowedCountrySerializer(many=True)


class CitiesSerializer(serializers.Serializer):
    cities = NamedSerializer(many=True)


class CategoriesSerializer(serializers.Serializer):
    categories = NamedSerializer(many=True)


class CampaignNamesSerializer(serializers.Serializer):
    campaigns = NamedSerializer(many=True)


class ExchangeResponseSerializer(serializers.Serializer):
    base = number(help_text="The amount given, rounded to its currency.")
    exchange = number(help_text="The converted amount, rounded to the target currency.")


class CheckUserResponseSerializer(serializers.Serializer):
    exists = serializers.BooleanField()
    status = serializers.CharField(allow_null=True)
    joined_date = serializers.DateField(allow_null=True)
