"""The /api/intel/v1 surface (the lead intelligence API): sessions, companies, persons, saved filters, blacklist,
turnovers, magnitudes; and the public endpoint the tracking snippet posts to."""

from __future__ import annotations

import ipaddress

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.routers import APIRootView
from rest_framework.throttling import BaseThrottle

from leadplatform.api.access import ANYONE, TENANT
from leadplatform.api.exceptions import PayloadTooLarge
from leadplatform.api.index import index_of
from leadplatform.api.pagination import IntelCursorPagination
from leadplatform.api.parsers import BoundedJSONParser
from leadplatform.api.surfaces import INTEL
from leadplatform.api.views import SurfaceAPIView, SurfaceMixin, TenantViewSet

from .. import services
from ..beacons import InvalidBeacon, clean_beacon
from ..filters import CompanyFilter, PersonFilter, SessionFilter
from ..models import BlacklistEntry, Company, CompanyAlert, Magnitude, Person, SavedFilter, Turnover, VisitSession
from ..scores import score_rank_of
from ..sites import active_site
from .pagination import CompanyCursorPagination
from .serializers import (
    BlacklistEntrySerializer,
    CollectAcceptedSerializer,
    CollectSerializer,
    CompanyAlertSerializer,
    CompanySerializer,
    MagnitudeSerializer,
    PersonSerializer,
    SavedFilterSerializer,
    TurnoverSerializer,
    VisitSessionSerializer,
)
from .throttling import CollectIPThrottle, CollectSiteKeyThrottle


class IntelRootView(SurfaceMixin, APIRootView):
    """`GET /api/intel/v1/`: links to the resources (the seed's curl example calls it) and the surface's index."""

    surface = INTEL
    # The surface's index: resource links and routes, nothing of any tenant.
    access = ANYONE
    is_surface_index = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data = {**response.data, **index_of((INTEL,))}
        return response


class IntelResource(TenantViewSet):
    """What every tenant resource of the surface shares: cursor pages, numeric ids, its own throttle scope."""

    surface = INTEL
    access = TENANT
    pagination_class = IntelCursorPagination
    lookup_value_converter = "id"


class ListedIntelResource(mixins.RetrieveModelMixin, mixins.ListModelMixin, IntelResource):
    """A resource the surface lists and shows one by one, never writes: each names its rows, their serializer,
    their filters and its throttle scope, and may narrow the rows (`refine_queryset`)."""


class SessionViewSet(ListedIntelResource):
    """Visit sessions on your sites, newest first, with their actions (page views and identifies)."""

    queryset = VisitSession.objects.all()
    serializer_class = VisitSessionSerializer
    filterset_class = SessionFilter
    throttle_scope = "intel-sessions"

    def refine_queryset(self, queryset):
        # Actions are loaded in one query by the serializer (models.load_actions), not prefetch_related.
        return queryset.listable().select_related("company", "person")


class CompanyViewSet(ListedIntelResource):
    """Companies that visited your sites (or employ your identified persons), blacklisted ones left out.

    Newest first, or hottest first with `ordering=-score`; `score_min` keeps the companies scoring at least
    that much now. Each company carries its `score` and the `score_reasons` behind it.
    """

    queryset = Company.objects.all()
    serializer_class = CompanySerializer
    filterset_class = CompanyFilter
    pagination_class = CompanyCursorPagination
    throttle_scope = "intel-companies"

    def refine_queryset(self, queryset):
        return queryset.select_related("turnover", "magnitude").annotate(score_rank=score_rank_of(self.principal))


class AlertViewSet(ListedIntelResource):
    """Alerts your watch rules raised (admin, "Watch rules"), newest first: each also went out as a signed
    `company.alert` webhook and by e-mail."""

    queryset = CompanyAlert.objects.all()
    serializer_class = CompanyAlertSerializer
    filter_backends: list = []
    throttle_scope = "intel-alerts"

    def refine_queryset(self, queryset):
        return queryset.select_related("rule", "company")


class PersonViewSet(ListedIntelResource):
    """Persons identified on your sites by the e-mail they submitted."""

    queryset = Person.objects.all()
    serializer_class = PersonSerializer
    filterset_class = PersonFilter
    throttle_scope = "intel-persons"

    def refine_queryset(self, queryset):
        return queryset.listable()


class OwnRowsViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    IntelResource,
):
    """Writable rows of the caller's advertiser; the advertiser is never taken from the body."""

    filter_backends: list = []

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "principal": self.principal}


class SavedFilterViewSet(OwnRowsViewSet):
    """Your saved filters: apply one to any list with `?saved_filter=ID`."""

    queryset = SavedFilter.objects.all()
    serializer_class = SavedFilterSerializer
    throttle_scope = "intel-saved-filters"

    def refine_queryset(self, queryset):
        principal = self.principal
        return queryset if principal.is_platform else queryset.filter(user=principal.user)

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)


class BlacklistViewSet(OwnRowsViewSet):
    """Companies and domains never recorded nor listed for your advertiser."""

    queryset = BlacklistEntry.objects.all()
    serializer_class = BlacklistEntrySerializer
    throttle_scope = "intel-blacklist"

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


class LookupPagination(IntelCursorPagination):
    ordering = ("id",)


class LookupViewSet(SurfaceMixin, viewsets.ReadOnlyModelViewSet):
    """Platform reference tables, the same for every advertiser."""

    surface = INTEL
    access = TENANT
    pagination_class = LookupPagination
    lookup_value_converter = "id"
    filter_backends: list = []
    throttle_scope = "intel-lookups"


class TurnoverViewSet(LookupViewSet):
    """Annual turnover ranges of companies."""

    queryset = Turnover.objects.all()
    serializer_class = TurnoverSerializer


class MagnitudeViewSet(LookupViewSet):
    """Headcount ranges of companies."""

    queryset = Magnitude.objects.all()
    serializer_class = MagnitudeSerializer


class PlainTextJSONParser(BoundedJSONParser):
    """`navigator.sendBeacon` posts text/plain (no CORS preflight); the body is still JSON."""

    media_type = "text/plain"


def client_ip(request) -> str | None:
    return valid_ip(BaseThrottle().get_ident(request))  # honours NUM_PROXIES, never a client-chosen header alone


def valid_ip(ident: str) -> str | None:
    try:
        return str(ipaddress.ip_address(ident))
    except ValueError:
        return None


class CollectView(SurfaceAPIView):
    """Public: the tracking snippet posts batches of actions here. Validated, bounded, throttled, queued.

    Most beacons are answered before they reach it (`collect.CollectFastLaneMiddleware`); it answers the rest.
    """

    surface = INTEL
    # Public: the tracking snippet on advertisers' sites (bounded and throttled per key and address).
    access = ANYONE
    authentication_classes: list = []
    parser_classes = [BoundedJSONParser, PlainTextJSONParser]
    throttle_classes = [CollectIPThrottle, CollectSiteKeyThrottle]
    max_body_bytes = 64 * 1024

    def initial(self, request, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            raise PayloadTooLarge(f"At most {self.max_body_bytes} bytes.")
        super().initial(request, *args, **kwargs)

    @extend_schema(
        request=CollectSerializer,
        responses={202: CollectAcceptedSerializer},
        auth=[],
    )
    def post(self, request):
        # Checked by hand with CollectSerializer's rules and messages (the serializer documents the body).
        try:
            site, batch = clean_beacon(request.data, active_site)
        except InvalidBeacon as invalid:
            raise serializers.ValidationError(invalid.errors) from None
        services.accept_collected_batch(site, client_ip(request), request.META.get("HTTP_USER_AGENT", ""), batch)
        return Response({"accepted": len(batch["actions"])}, status=status.HTTP_202_ACCEPTED)
