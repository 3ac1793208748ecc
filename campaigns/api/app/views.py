"""Campaign app endpoints (the campaign API App Endpoints): campaigns, leaderboard, joining, networks, accounts.

Every endpoint but the public list needs the client application's credentials; those acting
for an influencer also need the influencer's token. A request that asks for `text/html`
gets the full view (a template rendering the same data) instead of JSON.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer, TemplateHTMLRenderer
from rest_framework.response import Response

from accounts import publishers
from accounts import services as account_services
from accounts.models import Publisher
from campaigns import services
from campaigns.models import Campaign
from leadplatform.api.access import ANYONE, APPLICATION, PUBLISHER
from leadplatform.api.authentication import ApiTokenAuthentication
from leadplatform.api.schema import SurfaceAutoSchema
from leadplatform.api.surfaces import CAMPAIGN_APP
from leadplatform.api.throttling import CredentialAccountThrottle, CredentialIPThrottle, SurfaceRateThrottle
from leadplatform.api.views import SurfaceAPIView
from tasks.services import join_campaign, leaderboard

from . import serializers as s
from .authentication import ClientApplicationAuthentication


class CampaignAppSchema(SurfaceAutoSchema):
    def get_auth(self):
        """The application's credentials and the influencer's token together (AND), not either one."""
        requirements = super().get_auth()
        if len(self.view.get_authenticators()) < 2:
            return requirements
        combined: dict = {}
        for requirement in requirements:
            combined.update(requirement)
        return [combined] if combined else []


class CampaignAppView(SurfaceAPIView):
    surface = CAMPAIGN_APP
    schema = CampaignAppSchema()
    authentication_classes = [ClientApplicationAuthentication, ApiTokenAuthentication]
    renderer_classes = [JSONRenderer]

    def success(self, message: str, **extra) -> Response:
        return Response(self.surface.success_body(message, **extra))

    def visible_campaign(self, campaign_id: int) -> Campaign:
        """A campaign the caller may see; anything else (draft, cancelled, unknown) is 404."""
        campaign = self.scoped(Campaign).filter(pk=campaign_id).first()
        if campaign is None:
            raise exceptions.NotFound("Campaign not found.")
        return campaign


class JsonOrHtmlView(CampaignAppView):
    """Answers `Accept: text/html` with the template, anything else with JSON. A refusal is always
    the surface's JSON error with its own message, as the schema documents (the influencer's HTML
    pages with their error pages are the app under /app/)."""

    renderer_classes = [JSONRenderer, TemplateHTMLRenderer]

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        self.request.accepted_renderer, self.request.accepted_media_type = JSONRenderer(), "application/json"
        return response


class LeaderboardView(JsonOrHtmlView):
    access = PUBLISHER
    template_name = "campaigns/app/leaderboard.html"

    @extend_schema(
        request=s.CampaignIdRequestSerializer,
        responses=s.LeaderboardSerializer,
    )
    def post(self, request):
        campaign = self.visible_campaign(self.surface.parse(s.CampaignIdRequestSerializer, request.data)["campaign_id"])
        if not campaign.tasks_leaderboard:
            raise services.RuleBroken("This campaign has no leaderboard.")
        return Response({"leaderboard": leaderboard(campaign)})


class CampaignListView(JsonOrHtmlView):
    access = PUBLISHER
    template_name = "campaigns/app/campaign_list.html"

    @extend_schema(request=s.CampaignListRequestSerializer, responses=s.CampaignListSerializer)
    def post(self, request):
        params = self.surface.parse(s.CampaignListRequestSerializer, request.data)
        campaigns = services.campaigns_for_publisher(
            self.scoped(Campaign),
            self.principal.publisher,
            listing=params["filter"],
            category=params.get("category"),
            network=params.get("network"),
        )
        page = self.surface.paginate(campaigns, params)
        return Response({"campaigns": s.CampaignSerializer(page, many=True, context={"request": request}).data})


class CampaignDetailView(JsonOrHtmlView):
    access = PUBLISHER
    template_name = "campaigns/app/campaign_detail.html"

    @extend_schema(request=s.CampaignRequestSerializer, responses=s.CampaignDetailSerializer)
    def post(self, request):
        campaign = self.visible_campaign(self.surface.parse(s.CampaignRequestSerializer, request.data)["id"])
        context = {"request": request, "accounts": services.approved_accounts(self.principal.publisher)}
        return Response(s.CampaignDetailSerializer(campaign, context=context).data)


class JoinCampaignView(CampaignAppView):
    access = PUBLISHER

    @extend_schema(request=s.CampaignIdRequestSerializer, responses=s.JoinResponseSerializer)
    def post(self, request):
        campaign = self.visible_campaign(self.surface.parse(s.CampaignIdRequestSerializer, request.data)["campaign_id"])
        task = join_campaign(campaign, self.principal.publisher)
        return self.success("Successfully joined campaign", task_id=task.pk)


class NetworkApprovalView(CampaignAppView):
    access = PUBLISHER

    @extend_schema(request=s.NetworkApprovalRequestSerializer, responses=s.StatusMessageSerializer)
    def post(self, request):
        params = self.surface.parse(s.NetworkApprovalRequestSerializer, request.data)
        services.submit_network_for_approval(
            self.principal.publisher,
            params["network_type"],
            params["network_id"],
            params["network_url"],
            params["kind"],
        )
        return self.success("Network submitted for approval")


class PublicCampaignListView(CampaignAppView):
    access = ANYONE
    authentication_classes: list = []

    @extend_schema(
        request=s.PublicCampaignListRequestSerializer,
        responses=s.PublicCampaignListSerializer,
        auth=[],
    )
    def post(self, request):
        params = self.surface.parse(s.PublicCampaignListRequestSerializer, request.data)
        campaigns = Campaign.objects.public()
        if params.get("category"):
            campaigns = campaigns.in_category(params["category"])
        page = self.surface.paginate(campaigns.order_by("-id"), params)
        return Response({"campaigns": s.PublicCampaignSerializer(page, many=True, context={"request": request}).data})


# ------------------------------------------------------------------------------
# Influencer accounts: the application registers an influencer and obtains their token.
# ------------------------------------------------------------------------------
class CredentialView(CampaignAppView):
    access = APPLICATION
    authentication_classes = [ClientApplicationAuthentication]
    throttle_classes = [SurfaceRateThrottle, CredentialAccountThrottle, CredentialIPThrottle]


def token_body(user, application) -> dict:
    token, plaintext = publishers.issue_app_token(user, application)
    return {"token": plaintext, "token_type": "bearer", "user_id": user.pk, "expires_at": token.expires_at}


class RegisterView(CredentialView):
    @extend_schema(
        request=s.RegisterRequestSerializer,
        responses={201: s.RegisterResponseSerializer},
    )
    def post(self, request):
        params = self.surface.parse(s.RegisterRequestSerializer, request.data)
        user = publishers.register_publisher(**params)
        body = self.surface.success_body("Influencer registered", **token_body(user, self.principal.application))
        return Response(s.RegisterResponseSerializer(body).data, status=status.HTTP_201_CREATED)


class InvalidLogin(exceptions.APIException):
    """401 even though the view authenticates the application, not a user."""

    status_code = status.HTTP_401_UNAUTHORIZED
    default_detail = "Incorrect username or password."
    default_code = "authentication_failed"


class TokenView(CredentialView):
    @extend_schema(
        request=s.TokenRequestSerializer,
        responses=s.TokenResponseSerializer,
    )
    def post(self, request):
        params = self.surface.parse(s.TokenRequestSerializer, request.data)
        user = authenticate(request._request, username=params["username"], password=params["password"])
        if user is None:
            raise InvalidLogin()
        publisher = Publisher.objects.filter(user=user).first()
        services.ensure_publisher_can_act(publisher)
        return Response(s.TokenResponseSerializer(token_body(user, self.principal.application)).data)


class NotificationListView(CampaignAppView):
    access = PUBLISHER

    @extend_schema(request=s.NotificationListRequestSerializer, responses=s.NotificationListSerializer)
    def post(self, request):
        params = self.surface.parse(s.NotificationListRequestSerializer, request.data)
        user = self.principal.user
        notifications = account_services.notifications_of(user, unread_only=params["unread"])
        return Response(
            {
                "notifications": s.NotificationSerializer(self.surface.paginate(notifications, params), many=True).data,
                "total": notifications.count(),
                "unread": account_services.notifications_of(user, unread_only=True).count(),
            }
        )


class NotificationReadView(CampaignAppView):
    access = PUBLISHER

    @extend_schema(
        request=s.NotificationReadRequestSerializer,
        responses=s.NotificationReadResponseSerializer,
    )
    def post(self, request):
        params = self.surface.parse(s.NotificationReadRequestSerializer, request.data)
        marked = account_services.mark_notifications_read(self.principal.user, params.get("ids"))
        return self.success("Notifications marked read", marked=marked)
