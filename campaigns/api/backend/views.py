"""Campaign backend endpoints (the campaign API, Backend Endpoints): POST, form or JSON bodies, API tokens.

Views parse, resolve ids inside the caller's scope, call a service and render. Each view
declares who may call it (`access`):

- TENANT_READ and TENANT_WRITE: platform tokens for everything, advertiser tokens limited to
  their own advertiser (the views resolve every id through `for_principal`: a foreign id is a
  404 and lists without one return only their rows). Every route is a POST, so each says
  whether it reads (any member, viewers too) or writes (owners and managers): changing a
  campaign, acting on tasks, and everything about money (the spending limit, invoices) is a write.
- PLATFORM: platform-wide routes, 403 for advertiser tokens.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from accounts import moderation, notifications, publishers
from accounts.models import Advertiser, Publisher, SocialAccount, User
from campaigns import backend_services as backend
from campaigns.models import Campaign, Category, City, Country, Invoice
from campaigns.services import AVAILABILITY_KEYS, approved_accounts, change_campaign_status, network_availability
from campaigns.stats import figures
from leadplatform.api.access import PLATFORM, TENANT_READ, TENANT_WRITE
from leadplatform.api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from leadplatform.api.surfaces import CAMPAIGN_BACKEND
from leadplatform.api.tenancy import advertiser_for_new_row
from leadplatform.api.views import SurfaceAPIView
from tasks import backend_services as task_backend
from tasks import services as task_services
from tasks.models import Task

from . import serializers as s

EXTRAS_KEY = "social_extras_available"


class BackendView(SurfaceAPIView):
    surface = CAMPAIGN_BACKEND

    def success(self, message: str, **extra) -> Response:
        return Response(self.surface.success_body(message, **extra))

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Parse the body up front: a malformed one is a 400 even where no field is read.
        _ = request.data

    # Everything below resolves ids inside the caller's scope: another tenant's id is "not found".
    def advertiser(self, advertiser_id: int | None, *, required: bool = False) -> Advertiser | None:
        """The advertiser named (platform) or the token's own; another advertiser's id is a 404."""
        return advertiser_for_new_row(self.principal, advertiser_id, required=required)

    def campaigns(self):
        return self.scoped(Campaign)

    def campaign(self, campaign_id: int) -> Campaign:
        campaign = self.campaigns().filter(pk=campaign_id).first()
        if campaign is None:
            raise exceptions.NotFound("Campaign not found.")
        return campaign

    def task(self, task_id: int) -> Task:
        task = self.scoped(Task).select_related("campaign").filter(pk=task_id).first()
        if task is None:
            raise exceptions.NotFound("Task not found.")
        return task

    def user(self, user_id: int) -> User:
        """Platform: any user. Advertiser: an influencer with a task in one of its campaigns."""
        users = User.objects.select_related("publisher")
        if not self.principal.is_platform:
            users = users.filter(publisher__tasks__campaign__in=self.campaigns()).distinct()
        user = users.filter(pk=user_id).first()
        if user is None:
            raise exceptions.NotFound("User not found.")
        return user

    def scoped_campaigns(self, advertiser_id: int | None):
        advertiser = self.advertiser(advertiser_id)
        campaigns = self.campaigns()
        return campaigns.filter(advertiser=advertiser) if advertiser is not None else campaigns


def empty_availability(campaign) -> dict:
    return {key: {} for key in [*AVAILABILITY_KEYS.values(), EXTRAS_KEY]}


# ------------------------------------------------------------------------------
# Campaigns and tasks lists
# ------------------------------------------------------------------------------
class CampaignListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignListRequestSerializer, responses=s.BackendCampaignSerializer(many=True))
    def post(self, request):
        params = self.surface.parse(s.BackendCampaignListRequestSerializer, request.data)
        campaigns = self.campaigns().order_by("-id")
        availability = empty_availability
        if params.get("advertiser_id"):
            campaigns = campaigns.filter(advertiser=self.advertiser(params["advertiser_id"]))
        elif params.get("user_id"):
            publisher = Publisher.objects.filter(user=self.user(params["user_id"])).first()
            if publisher is None:
                raise exceptions.NotFound("User not found.")
            campaigns = campaigns.filter(status__in=Campaign.PUBLISHED_STATUSES).targeting(publisher)
            accounts = approved_accounts(publisher)

            def availability(campaign):
                networks = list(campaign.networks or [])
                extras = {n: (n, SocialAccount.Kind.EXTRA) in set(accounts) for n in networks}
                return {**network_availability(networks, accounts), EXTRAS_KEY: extras}

        page = self.surface.paginate(campaigns, params)
        context = {"request": request, "availability": availability}
        return Response(s.BackendCampaignSerializer(page, many=True, context=context).data)


class CampaignTaskListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendTaskListRequestSerializer, responses=s.BackendTaskSerializer(many=True))
    def post(self, request):
        params = self.surface.parse(s.BackendTaskListRequestSerializer, request.data)
        tasks = (
            self.scoped(Task)
            .select_related("campaign", "payment", "submission", "publisher__user")
            .prefetch_related(Prefetch("submission__screenshots"))
            .order_by("-id")
        )
        if params.get("advertiser_id"):
            tasks = tasks.filter(campaign__advertiser=self.advertiser(params["advertiser_id"]))
        elif params.get("campaign_id"):
            tasks = tasks.filter(campaign=self.campaign(params["campaign_id"]))
        elif params.get("status"):
            tasks = tasks.filter(status=params["status"])
        context = {"request": request, "now": timezone.now()}
        return Response(s.BackendTaskSerializer(self.surface.paginate(tasks, params), many=True, context=context).data)


# ------------------------------------------------------------------------------
# Look-ups by e-mail
# ------------------------------------------------------------------------------
class AdvertiserCheckView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendEmailRequestSerializer, responses=s.CheckResponseSerializer)
    def post(self, request):
        email = self.surface.parse(s.BackendEmailRequestSerializer, request.data)["email"]
        advertiser = self.scoped(Advertiser).filter(contact_email__iexact=email).first()
        if advertiser is None:
            raise exceptions.NotFound("Advertiser not found.")
        return Response(s.CheckResponseSerializer({"id": advertiser.pk, "message": "Advertiser already exists"}).data)


class UserCheckView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendEmailRequestSerializer, responses=s.CheckResponseSerializer)
    def post(self, request):
        email = self.surface.parse(s.BackendEmailRequestSerializer, request.data)["email"]
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise exceptions.NotFound("User not found.")
        return Response(s.CheckResponseSerializer({"id": user.pk, "message": "User already exists"}).data)


# ------------------------------------------------------------------------------
# Advertiser
# ------------------------------------------------------------------------------
class AdvertiserFinancialView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendAdvertiserRangeRequestSerializer, responses=s.AdvertiserFinancialSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendAdvertiserRangeRequestSerializer, request.data)
        advertiser = self.advertiser(params.get("advertiser_id"), required=True)
        return Response(figures.advertiser_financial(advertiser, params.get("date_from"), params.get("date_to")))


class MaximumLimitView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendAdvertiserRequestSerializer, responses=s.MaximumLimitSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendAdvertiserRequestSerializer, request.data)
        advertiser = self.advertiser(params.get("advertiser_id"), required=True)
        return Response(s.MaximumLimitSerializer(advertiser).data)


class InvoiceListView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendInvoiceListRequestSerializer, responses=s.InvoiceListSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendInvoiceListRequestSerializer, request.data)
        advertiser = self.advertiser(params.get("advertiser_id"))
        invoices = self.scoped(Invoice).order_by("-date", "-id")
        if advertiser is not None:
            invoices = invoices.filter(advertiser=advertiser)
        if params.get("invoice_status"):
            invoices = invoices.filter(status=params["invoice_status"])
        if params.get("date_from"):
            invoices = invoices.filter(date__gte=params["date_from"])
        if params.get("date_to"):
            invoices = invoices.filter(date__lte=params["date_to"])
        return Response({"invoices": s.InvoiceSerializer(invoices, many=True).data})


# ------------------------------------------------------------------------------
# Campaign statistics (all campaigns in scope) and single-campaign statistics
# ------------------------------------------------------------------------------
class CampaignsGeneralStatsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignStatsRequestSerializer, responses=s.CampaignOverviewSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendCampaignStatsRequestSerializer, request.data)
        campaigns = self.scoped_campaigns(params.get("advertiser_id"))
        return Response(figures.campaign_overview(campaigns, params.get("date_from"), params.get("date_to")))


class CampaignsStatusStatsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignScopeRequestSerializer, responses=s.CampaignStatusCountsSerializer)
    def post(self, request):
        campaigns = self.scoped_campaigns(
            self.surface.parse(s.BackendCampaignScopeRequestSerializer, request.data).get("advertiser_id")
        )
        return Response(figures.campaign_status_counts(campaigns))


class CampaignsNetworkStatsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignScopeRequestSerializer, responses=s.CampaignNetworkCountsSerializer)
    def post(self, request):
        campaigns = self.scoped_campaigns(
            self.surface.parse(s.BackendCampaignScopeRequestSerializer, request.data).get("advertiser_id")
        )
        return Response(figures.campaign_network_counts(campaigns))


class CampaignNetworkStatsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignIdRequestSerializer, responses=s.CampaignNetworkActivitySerializer)
    def post(self, request):
        campaign = self.campaign(self.surface.parse(s.BackendCampaignIdRequestSerializer, request.data)["campaign_id"])
        return Response(figures.network_activity(campaign))


class CampaignCostStatsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignIdRequestSerializer, responses=s.CampaignCostsSerializer)
    def post(self, request):
        campaign = self.campaign(self.surface.parse(s.BackendCampaignIdRequestSerializer, request.data)["campaign_id"])
        return Response(figures.campaign_costs(campaign))


# ------------------------------------------------------------------------------
# Campaign management
# ------------------------------------------------------------------------------
class CampaignSettingsView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendCampaignSettingsRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        campaign = self.campaign(
            self.surface.parse(s.BackendCampaignSettingsTargetSerializer, request.data)["campaign_id"]
        )
        values = s.CampaignSettingsSerializer(data=s.settings_from_body(request.data))
        if not values.is_valid():
            raise exceptions.ValidationError({"settings": values.errors})
        backend.update_campaign_settings(campaign, values.validated_data)
        return self.success("Settings updated successfully")


class CampaignStatusView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendCampaignStatusRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendCampaignStatusRequestSerializer, request.data)
        change_campaign_status(self.campaign(params["campaign_id"]), params["status"])
        return self.success("Campaign status updated")


class PreRegisterView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendCampaignIdRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        backend.open_pre_registration(
            self.campaign(self.surface.parse(s.BackendCampaignIdRequestSerializer, request.data)["campaign_id"])
        )
        return self.success("Campaign pre-registered")


class PostRegisterView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendCampaignIdRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        backend.open_post_registration(
            self.campaign(self.surface.parse(s.BackendCampaignIdRequestSerializer, request.data)["campaign_id"])
        )
        return self.success("Campaign post-registered")


# ------------------------------------------------------------------------------
# Publisher statistics
# ------------------------------------------------------------------------------
class PublisherStatusStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.PublisherStatusCountsSerializer)
    def post(self, request):
        return Response(figures.publisher_status_counts())


class PublisherActivityStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendDateRangeRequestSerializer, responses=s.PublisherActivitySerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendDateRangeRequestSerializer, request.data)
        return Response(figures.publisher_activity(params.get("date_from"), params.get("date_to")))


# ------------------------------------------------------------------------------
# User management (platform)
# ------------------------------------------------------------------------------
class UserStatusView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendUserIdRequestSerializer, responses=s.UserStatusSerializer)
    def post(self, request):
        return Response(
            backend.user_status(
                self.user(self.surface.parse(s.BackendUserIdRequestSerializer, request.data)["user_id"])
            )
        )


class UserBanView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendBanRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendBanRequestSerializer, request.data)
        moderation.set_user_ban(
            self.user(params["user_id"]), params["banned"], params["reason"], acting_user=self.principal.user
        )
        return self.success("User ban status updated")


class UserNotificationView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendNotificationRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendNotificationRequestSerializer, request.data)
        notifications.notify_user(self.user(params["user_id"]), params["message"], params["type"])
        return self.success("Notification sent")


class ForceLogoutView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendUserIdRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        user = self.user(self.surface.parse(s.BackendUserIdRequestSerializer, request.data)["user_id"])
        moderation.force_logout_user(user, acting_user=self.principal.user)
        return self.success("User logged out")


class CustomSocialWallView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendSocialWallRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendSocialWallRequestSerializer, request.data)
        publishers.add_custom_social_wall(self.user(params["user_id"]), params["network"], params["wall_url"])
        return self.success("Custom social wall added")


# ------------------------------------------------------------------------------
# Task management
# ------------------------------------------------------------------------------
class TaskStatusView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendTaskIdRequestSerializer, responses=s.TaskStatusSerializer)
    def post(self, request):
        task = self.task(self.surface.parse(s.BackendTaskIdRequestSerializer, request.data)["task_id"])
        dates = {"assigned_date": timezone.localdate(task.joined_at), "deadline": timezone.localdate(task.deadline)}
        return Response(s.TaskStatusSerializer({"status": task.status, **dates}).data)


class TaskPaymentsView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendTaskIdRequestSerializer, responses=s.TaskPaymentSerializer)
    def post(self, request):
        task = self.task(self.surface.parse(s.BackendTaskIdRequestSerializer, request.data)["task_id"])
        payment = getattr(task, "payment", None) if task.status == Task.Status.PAID else None
        amounts = payment if payment is not None else task_services.payment_breakdown(task)
        return Response(
            s.TaskPaymentSerializer(
                {
                    "payment": amounts.total,
                    "payment_minimum": amounts.minimum,
                    "payment_post": amounts.post,
                    "payment_bonus_reach": amounts.bonus_reach,
                    "payment_bonus_engagement_rate": amounts.bonus_engagement_rate,
                    "payment_bonus_best_post": amounts.bonus_best_post,
                    "paid": payment is not None,
                    "currency": amounts.currency,
                }
            ).data
        )


TASK_ACTION_MESSAGES = {
    "approve": "Task approved",
    "reject": "Task rejected",
    "pay": "Task paid",
    "reopen": "Task reopened",
}


class TaskActionView(BackendView):
    access = TENANT_WRITE

    @extend_schema(
        request=s.BackendTaskActionRequestSerializer,
        responses=s.StatusMessageSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @idempotent
    def post(self, request):
        params = self.surface.parse(s.BackendTaskActionRequestSerializer, request.data)
        task, actor, action = self.task(params["task_id"]), self.principal.user, params["action"]
        if action == "approve":
            metrics = {field: params[field] for field in task_services.METRIC_FIELDS if field in params}
            task_services.approve_task(task, actor, metrics)
        elif action == "reject":
            task_services.reject_task(task, actor, params["reason"])
        elif action == "pay":
            task_services.pay_task(task, actor)
        else:
            task_backend.reopen_task(task, actor, params["reason"])
        return self.success(TASK_ACTION_MESSAGES[action])


class CustomTaskView(BackendView):
    access = TENANT_WRITE

    @extend_schema(request=s.BackendCustomTaskRequestSerializer, responses=s.CustomTaskResponseSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendCustomTaskRequestSerializer, request.data)
        campaign = self.campaign(params["campaign_id"])
        publisher = None
        if params.get("user_id"):
            publisher = Publisher.objects.filter(user=self.user(params["user_id"])).first()
            if publisher is None:
                raise exceptions.NotFound("User not found.")
        task = task_backend.create_custom_task(
            campaign,
            self.principal.user,
            title=params["title"],
            description=params["description"],
            requirements=params["requirements"],
            publisher=publisher,
            networks=params.get("networks"),
            deadline=params.get("deadline"),
        )
        return self.success("Custom task created", task_id=task.pk)


# ------------------------------------------------------------------------------
# User statistics (platform)
# ------------------------------------------------------------------------------
class SexStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.SexSharesSerializer)
    def post(self, request):
        return Response(figures.sex_shares())


class AgeStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.AgeSharesSerializer)
    def post(self, request):
        return Response(figures.age_shares())


class PreferenceStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses={200: s.PREFERENCE_SHARES_SCHEMA})
    def post(self, request):
        return Response(figures.preference_shares())


# ------------------------------------------------------------------------------
# General statistics (platform)
# ------------------------------------------------------------------------------
class PendingStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.PendingCountsSerializer)
    def post(self, request):
        return Response(figures.pending_counts())


class GeneralFinancialStatsView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendDateRangeRequestSerializer, responses=s.GeneralFinancialSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendDateRangeRequestSerializer, request.data)
        return Response(figures.general_financial(params.get("date_from"), params.get("date_to")))


class EstimatedPublishersView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.EstimatedPublishersSerializer)
    def post(self, request):
        return Response(figures.estimated_publishers())


class PotentialPublishersView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.PotentialPublishersSerializer)
    def post(self, request):
        return Response(figures.potential_publishers())


# ------------------------------------------------------------------------------
# Lists
# ------------------------------------------------------------------------------
class LocationListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=None, responses=s.LocationsSerializer)
    def post(self, request):
        countries = Country.objects.prefetch_related(Prefetch("cities", queryset=City.objects.order_by("name")))
        return Response({"countries": s.CountryWithCitiesSerializer(countries, many=True).data})


class AdvertiserListView(BackendView):
    access = PLATFORM

    @extend_schema(request=None, responses=s.AdvertiserListSerializer)
    def post(self, request):
        advertisers = self.scoped(Advertiser).order_by("name", "id")
        return Response({"advertisers": s.AdvertiserItemSerializer(advertisers, many=True).data})


class AllowedCountryListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=None, responses=s.AllowedCountriesSerializer)
    def post(self, request):
        countries = Country.objects.filter(allowed=True)
        return Response({"countries": s.AllowedCountrySerializer(countries, many=True).data})


class AllowedCityListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCitiesRequestSerializer, responses=s.CitiesSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendCitiesRequestSerializer, request.data)
        cities = City.objects.filter(allowed=True, country__allowed=True).order_by("name", "id")
        if params.get("country_id"):
            cities = cities.filter(country_id=params["country_id"])
        return Response({"cities": s.NamedSerializer(cities, many=True).data})


class AllowedCategoryListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=None, responses=s.CategoriesSerializer)
    def post(self, request):
        return Response({"categories": s.NamedSerializer(Category.objects.all(), many=True).data})


class AllowedCampaignListView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendCampaignScopeRequestSerializer, responses=s.CampaignNamesSerializer)
    def post(self, request):
        campaigns = self.scoped_campaigns(
            self.surface.parse(s.BackendCampaignScopeRequestSerializer, request.data).get("advertiser_id")
        )
        campaigns = campaigns.filter(status=Campaign.Status.ACTIVE).order_by("name", "id")
        return Response({"campaigns": s.NamedSerializer(campaigns, many=True).data})


# ------------------------------------------------------------------------------
# Tools
# ------------------------------------------------------------------------------
class ExchangeView(BackendView):
    access = TENANT_READ

    @extend_schema(request=s.BackendExchangeRequestSerializer, responses=s.ExchangeResponseSerializer)
    def post(self, request):
        params = self.surface.parse(s.BackendExchangeRequestSerializer, request.data)
        base, converted = backend.exchange(params["amount"], params["from"], params["to"])
        return Response(s.ExchangeResponseSerializer({"base": base, "exchange": converted}).data)


class CheckUserView(BackendView):
    access = PLATFORM

    @extend_schema(request=s.BackendUserIdRequestSerializer, responses=s.CheckUserResponseSerializer)
    def post(self, request):
        user_id = self.surface.parse(s.BackendUserIdRequestSerializer, request.data)["user_id"]
        user = User.objects.select_related("publisher").filter(pk=user_id).first()
        if user is None:
            answer = {"exists": False, "status": None, "joined_date": None}
        else:
            answer = {"exists": True, "status": moderation.user_state(user), "joined_date": user.date_joined.date()}
        return Response(s.CheckUserResponseSerializer(answer).data)


class ToolsUserBanView(UserBanView):
    pass
