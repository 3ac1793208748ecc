"""URLs of the /api/intel/v1 surface (the credential calls live in accounts.api.urls_intel)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "intel"


class IntelRouter(DefaultRouter):
    APIRootView = views.IntelRootView
    include_format_suffixes = False


router = IntelRouter(use_regex_path=False)
router.register("sessions", views.SessionViewSet, basename="session")
router.register("companies", views.CompanyViewSet, basename="company")
router.register("persons", views.PersonViewSet, basename="person")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("saved-filters", views.SavedFilterViewSet, basename="saved-filter")
router.register("blacklist", views.BlacklistViewSet, basename="blacklist")
router.register("turnovers", views.TurnoverViewSet, basename="turnover")
router.register("magnitudes", views.MagnitudeViewSet, basename="magnitude")

urlpatterns = [
    path("collect/", views.CollectView.as_view(), name="collect"),
    *router.urls,
]
