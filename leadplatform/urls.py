"""Root URLconf: admin, account pages, API docs and every API surface at its base URL."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularRedocView, SpectacularSwaggerView

from . import errors, pages
from .api.index import index_view
from .api.surfaces import CAMPAIGN_APP, CAMPAIGN_BACKEND, LEADS, SOCIAL, WEB

handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="accounts:tokens", permanent=False)),
    path("admin/", admin.site.urls),
    path("favicon.ico", pages.favicon, name="favicon"),
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.+)$", pages.media_file, name="media"),
    path("demo-site/", include("leads.demo_site")),  # served only when DEMO_SITE_ENABLED
    path("", include("accounts.urls")),
    path("app/", include("campaigns.page_urls")),  # the influencer app's pages
    # API documentation (the web scraper API's paths).
    path("api/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="swagger-ui"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="openapi-schema"), name="redoc"),
    # Each surface's index of its routes at its base URL (intel's is its router's root).
    path("api/", index_view(CAMPAIGN_BACKEND, CAMPAIGN_APP), name="campaign-index"),
    path("api/v1/", index_view(LEADS), name="v1-index"),
    path("api/social/", index_view(SOCIAL), name="social-index"),
    path("api/web/v1/", index_view(WEB), name="web-index"),
    # Surfaces, most specific base URL first.
    path("api/web/v1/", include("accounts.api.urls_web")),
    path("api/web/v1/", include("leads.api.web.urls", namespace="web")),
    path("api/intel/v1/", include("accounts.api.urls_intel")),
    path("api/v1/", include("leads.api.v1.urls", namespace="v1")),
    path("api/social/", include("leads.api.social.urls", namespace="social")),
    path("api/", include("campaigns.api.app.urls")),  # campaign app: /api/get/…, /api/action/…, /api/app/…
    path("api/intel/v1/", include("leads.intel.api.urls", namespace="intel")),
    # Campaign backend (the campaign API Backend Endpoints): last, it owns whatever else is under /api/.
    path("api/", include("campaigns.api.backend.urls")),
]
