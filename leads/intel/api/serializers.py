"""Serializers of the /api/intel/v1 surface and of the snippet's collect payload."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.validators import RegexValidator
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.principal import principal_of
from leadplatform.api.fast_rendering import PlainRepresentation
from leadplatform.api.serializers import RejectUnknownFieldsMixin
from leadplatform.api.tenancy import advertiser_for_new_row, advertiser_rows
from leadplatform.url_input import refuse_hidden_characters

from ..filters import clean_saved_filters
from ..models import (
    UTM_FIELDS,
    VISIT_FIELDS,
    BlacklistEntry,
    Company,
    CompanyAlert,
    Magnitude,
    Person,
    SavedFilter,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
    WatchRule,
    load_actions,
)
from ..scores import SCORE_HELP, load_company_scores, score_at, top_pages

# ------------------------------------------------------------------------------
# Reference data
# ------------------------------------------------------------------------------


class TurnoverSerializer(serializers.ModelSerializer):
    class Meta:
        model = Turnover
        fields = ["id", "name", "min_amount", "max_amount"]


class MagnitudeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Magnitude
        fields = ["id", "name", "min_employees", "max_employees"]


class TopPageSerializer(serializers.Serializer):
    path = serializers.CharField()
    points = serializers.FloatField()


class ScoreReasonsSerializer(serializers.Serializer):
    """What the company's score is made of (`leads/intel/scores.py` has the formula)."""

    sessions = serializers.IntegerField(help_text="Visits counted.")
    persons = serializers.IntegerField(help_text="Distinct identified persons.")
    page_views = serializers.IntegerField()
    seconds_on_site = serializers.IntegerField()
    last_seen_at = serializers.DateTimeField(allow_null=True)
    top_pages = TopPageSerializer(many=True, help_text="The paths that added most, most first.")


class CompanyListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        companies = list(data)
        load_company_scores(companies, principal_of(self.context["request"]))
        return super().to_representation(companies)


class CompanySerializer(serializers.ModelSerializer):
    turnover = TurnoverSerializer(read_only=True, allow_null=True)
    magnitude = MagnitudeSerializer(read_only=True, allow_null=True)
    score = serializers.SerializerMethodField(help_text=SCORE_HELP)
    score_reasons = serializers.SerializerMethodField()

    class Meta:
        model = Company
        list_serializer_class = CompanyListSerializer
        fields = [
            "id",
            "name",
            "registration_id",
            "domain",
            "address",
            "country",
            "industry",
            "turnover",
            "magnitude",
            "score",
            "score_reasons",
        ]

    def to_representation(self, instance):
        if not hasattr(instance, "score_row"):
            load_company_scores([instance], principal_of(self.context["request"]))
        return super().to_representation(instance)

    def get_score(self, company) -> float:
        row = company.score_row
        return round(score_at(row.points, row.anchored_at), 1) if row else 0.0

    @extend_schema_field(ScoreReasonsSerializer)
    def get_score_reasons(self, company) -> dict:
        row = company.score_row
        return ScoreReasonsSerializer(
            {
                "sessions": row.sessions if row else 0,
                "persons": row.persons if row else 0,
                "page_views": row.pages if row else 0,
                "seconds_on_site": row.seconds if row else 0,
                "last_seen_at": row.last_seen_at if row else None,
                "top_pages": [
                    {"path": path, "points": round(points, 1)} for path, points in (top_pages(row) if row else [])
                ],
            }
        ).data


class CompanyBriefSerializer(PlainRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Company
        fields = ["id", "name", "domain", "country"]


class AlertRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = WatchRule
        fields = ["id", "name"]


class CompanyAlertSerializer(serializers.ModelSerializer):
    """An alert a watch rule raised: at most one per rule, company and UTC day."""

    rule = AlertRuleSerializer(read_only=True)
    company = CompanyBriefSerializer(read_only=True)

    class Meta:
        model = CompanyAlert
        fields = ["id", "rule", "company", "session", "day", "reason", "score", "created_at", "emailed_at"]


# ------------------------------------------------------------------------------
# Persons and sessions
# ------------------------------------------------------------------------------


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email", "position", "company", "first_seen_at", "last_seen_at"]


class PersonBriefSerializer(PlainRepresentation, serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ["id", "name", "email"]


class VisitActionSerializer(PlainRepresentation, serializers.ModelSerializer):
    class Meta:
        model = VisitAction
        fields = [
            "id",
            "type",
            "url",
            "title",
            "referrer",
            *UTM_FIELDS,
            "occurred_at",
            "time_on_page",
            "email",
            "name",
        ]


class VisitSessionListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        sessions = list(data)
        load_actions(sessions)
        return super().to_representation(sessions)


class VisitSessionSerializer(PlainRepresentation, serializers.ModelSerializer):
    company = CompanyBriefSerializer(read_only=True, allow_null=True)
    person = PersonBriefSerializer(read_only=True, allow_null=True)
    actions = VisitActionSerializer(many=True, read_only=True, source="action_list")

    plain_nested = {
        "company": (CompanyBriefSerializer, False, "company"),
        "person": (PersonBriefSerializer, False, "person"),
        "actions": (VisitActionSerializer, True, "action_list"),
    }

    class Meta:
        model = VisitSession
        list_serializer_class = VisitSessionListSerializer
        fields = ["id", "site", *VISIT_FIELDS, "actions"]


# ------------------------------------------------------------------------------
# The user's own: saved filters and blacklist
# ------------------------------------------------------------------------------


# Per-tenant volume.
MAX_SAVED_FILTERS_PER_USER = 100
MAX_BLACKLIST_ENTRIES = 5000


class TenantWriteSerializer(RejectUnknownFieldsMixin, serializers.ModelSerializer):
    """The advertiser comes from the principal; only platform staff name one (`advertiser_id`)."""

    advertiser = serializers.PrimaryKeyRelatedField(read_only=True)
    advertiser_id = serializers.IntegerField(
        write_only=True,
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="Platform tokens only: the advertiser to create the row for. Another advertiser's id is a 404.",
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        principal = self.context["principal"]
        advertiser_id = attrs.pop("advertiser_id", None)
        if self.instance is not None:
            return attrs
        attrs["advertiser"] = advertiser_for_new_row(principal, advertiser_id)
        return attrs


class SavedFilterSerializer(TenantWriteSerializer):
    filters = serializers.DictField(
        child=serializers.CharField(max_length=253),
        help_text="Query parameters of the lists: date_from, date_to, company, person, domain, country, turnover, "
        "magnitude, site.",
    )

    class Meta:
        model = SavedFilter
        fields = ["id", "advertiser", "advertiser_id", "name", "filters", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_filters(self, value):
        return clean_saved_filters(value)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is None:
            user = self.context["request"].user
            owned = advertiser_rows(SavedFilter, attrs["advertiser"].pk).filter(user=user).count()
            if owned >= MAX_SAVED_FILTERS_PER_USER:
                raise serializers.ValidationError(
                    {"non_field_errors": [f"At most {MAX_SAVED_FILTERS_PER_USER} saved filters; delete one first."]}
                )
        return attrs


DOMAIN_VALIDATOR = RegexValidator(
    r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$", "Enter a domain such as example.com."
)


class BlacklistEntrySerializer(TenantWriteSerializer):
    company = serializers.PrimaryKeyRelatedField(
        queryset=Company.objects.all(),
        required=False,
        allow_null=True,
        help_text="A company you can see (one that visited you). Give either company or domain.",
    )
    domain = serializers.CharField(
        max_length=253, required=False, allow_blank=True, help_text="A domain such as example.com."
    )

    class Meta:
        model = BlacklistEntry
        fields = ["id", "advertiser", "advertiser_id", "company", "domain", "note", "created_at"]
        read_only_fields = ["created_at"]

    def get_fields(self):
        fields = super().get_fields()
        # A company id from another tenant is "not found", like one that does not exist.
        fields["company"].queryset = Company.objects.known_to(self.context["principal"])
        return fields

    def validate_domain(self, value: str) -> str:
        value = value.strip().lower().rstrip(".")
        if value:
            DOMAIN_VALIDATOR(value)
        return value

    def validate(self, attrs):
        attrs = super().validate(attrs)
        company = attrs.get("company", getattr(self.instance, "company", None))
        domain = attrs.get("domain", getattr(self.instance, "domain", ""))
        if bool(company) == bool(domain):
            raise serializers.ValidationError({"non_field_errors": ["Give either a company or a domain."]})
        advertiser = attrs.get("advertiser", getattr(self.instance, "advertiser", None))
        duplicates = advertiser_rows(BlacklistEntry, advertiser.pk)
        duplicates = duplicates.filter(company=company) if company else duplicates.filter(domain=domain)
        if self.instance is not None:
            duplicates = duplicates.exclude(pk=self.instance.pk)
        if duplicates.exists():
            raise serializers.ValidationError({"non_field_errors": ["Already on the blacklist."]})
        entries = advertiser_rows(BlacklistEntry, advertiser.pk)
        if self.instance is None and entries.count() >= MAX_BLACKLIST_ENTRIES:
            raise serializers.ValidationError(
                {"non_field_errors": [f"At most {MAX_BLACKLIST_ENTRIES} blacklist entries; delete some first."]}
            )
        if company:
            attrs["domain"] = ""
        else:
            attrs["company"] = None
        return attrs


# ------------------------------------------------------------------------------
# Collection (the snippet's payload)
# ------------------------------------------------------------------------------

CLIENT_ID = RegexValidator(r"^[A-Za-z0-9_-]{8,64}$", "8 to 64 letters, digits, '-' or '_'.")
MAX_ACTIONS_PER_BATCH = 50
MAX_CLOCK_SPAN_MS = 24 * 60 * 60 * 1000
MAX_EPOCH_MS = 2**53


class HttpUrlField(serializers.URLField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(refuse_hidden_characters)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if urlsplit(value).scheme not in ("http", "https"):
            raise serializers.ValidationError("Only http and https URLs.")
        return value


class CollectActionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["page", "leave", "identify"])
    id = serializers.CharField(max_length=64, validators=[CLIENT_ID], help_text="The snippet's id of the action.")
    at = serializers.IntegerField(min_value=0, max_value=MAX_EPOCH_MS, help_text="Client time, epoch milliseconds.")
    url = HttpUrlField(max_length=2000, required=False)
    title = serializers.CharField(max_length=500, required=False, allow_blank=True, trim_whitespace=True)
    referrer = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    time_on_page = serializers.IntegerField(min_value=0, max_value=86_400, required=False)
    email = serializers.EmailField(max_length=254, required=False)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)

    REQUIRED = {"page": ("url",), "leave": ("time_on_page",), "identify": ("email",)}

    def validate(self, attrs):
        missing = [field for field in self.REQUIRED[attrs["type"]] if field not in attrs]
        if missing:
            raise serializers.ValidationError({field: ["Required for this action type."] for field in missing})
        return attrs


class CollectSerializer(serializers.Serializer):
    site_key = serializers.CharField(max_length=64)
    visitor = serializers.CharField(max_length=64, validators=[CLIENT_ID])
    session = serializers.CharField(max_length=64, validators=[CLIENT_ID])
    sent = serializers.IntegerField(min_value=0, max_value=MAX_EPOCH_MS, help_text="Client time of sending, epoch ms.")
    actions = CollectActionSerializer(many=True, min_length=1, max_length=MAX_ACTIONS_PER_BATCH)

    def validate(self, attrs):
        site = Site.objects.select_related("advertiser").filter(key=attrs["site_key"], active=True).first()
        if site is None:
            raise serializers.ValidationError({"site_key": ["Unknown or inactive site key."]})
        for index, action in enumerate(attrs["actions"]):
            if not 0 <= attrs["sent"] - action["at"] <= MAX_CLOCK_SPAN_MS:
                raise serializers.ValidationError({"actions": {index: {"at": ["Not within a day before `sent`."]}}})
            host = urlsplit(action.get("url", "")).hostname
            if host is not None and not site.accepts_host(host):
                raise serializers.ValidationError({"actions": {index: {"url": ["Not on this site's domain."]}}})
        attrs["site"] = site
        return attrs


class CollectAcceptedSerializer(serializers.Serializer):
    accepted = serializers.IntegerField(help_text="Number of actions queued for recording.")
