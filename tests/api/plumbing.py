"""A test URLconf that mounts one small tenant-scoped endpoint on every surface.

It exercises the shared plumbing (authentication, principal, scoping, error shapes,
throttles) without depending on any one surface's business endpoints.
"""

from django.urls import include, path
from rest_framework import mixins, serializers

from leadplatform.api import surfaces
from leadplatform.api.access import TENANT
from leadplatform.api.pagination import LeadsPagination
from leadplatform.api.views import TenantViewSet
from leads.models import Target


class TargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "identifier", "target_type"]


def _viewset(surface):
    return type(
        f"Targets{surface.key.title().replace('-', '')}",
        (mixins.RetrieveModelMixin, mixins.ListModelMixin, TenantViewSet),
        {
            "surface": surface,
            "access": TENANT,
            "queryset": Target.objects.all(),
            "serializer_class": TargetSerializer,
            "pagination_class": LeadsPagination,
        },
    )


BASES = {
    "web": ("api/web/v1/", surfaces.WEB),
    "v1": ("api/v1/", surfaces.LEADS),
    "social": ("api/social/", surfaces.SOCIAL),
    "intel": ("api/intel/v1/", surfaces.INTEL),
    "app": ("api/get/", surfaces.CAMPAIGN_APP),
    "backend": ("api/", surfaces.CAMPAIGN_BACKEND),
}

urlpatterns = []
for namespace, (prefix, surface) in BASES.items():
    viewset = _viewset(surface)
    patterns = [
        path("plumbing/targets", viewset.as_view({"get": "list"}), name="targets"),
        path("plumbing/targets/<id:pk>", viewset.as_view({"get": "retrieve"}), name="target"),
    ]
    urlpatterns.append(path(prefix, include((patterns, namespace))))

urlpatterns.append(path("", include("leadplatform.urls")))
