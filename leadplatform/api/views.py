"""Base classes every API view builds on: its surface, its access rule and tenant scoping.

Two kinds of view, one base each (and the viewset form of the first):

- tenant data, rows of a tenant-owned model listed and fetched through the model's
  `for_principal`: `TenantGenericAPIView`, or `TenantViewSet` with the DRF mixins it serves;
- views that name no queryset (platform and credential calls, the POST-only campaign
  surfaces), which reach any rows they need through `scoped`: `SurfaceAPIView`.

Every concrete view declares `surface` and `access` (a rule of `leadplatform.api.access`);
a view without a rule is refused for everyone.
"""

from __future__ import annotations

from rest_framework import exceptions, generics, viewsets
from rest_framework.views import APIView

from accounts.principal import Principal, principal_of
from accounts.scoping import TenantScopedQuerySet

from .access import Rule
from .surfaces import Surface
from .tenancy import scoped_rows


class SurfaceMixin:
    """Declares the view's surface and access rule; adds the rate-limit headers to every response."""

    surface: Surface
    #: Who may call the view. None, the default, refuses everyone (deny by default).
    access: Rule | None = None

    @property
    def principal(self) -> Principal:
        return principal_of(self.request)

    def scoped(self, model) -> TenantScopedQuerySet:
        """The one way a view reaches tenant-owned rows: the caller's rows of `model`, nothing else.

        Advertisers get their own rows, influencers the rows their model grants them (their own
        tasks, published campaigns), platform principals all rows.
        """
        return scoped_rows(model, self.principal)

    def initial(self, request, *args, **kwargs):
        # A wrong method is a 405 whoever asks: decided before authentication, throttling and parsing.
        if request.method not in self.allowed_methods:
            self.http_method_not_allowed(request)
        super().initial(request, *args, **kwargs)

    def http_method_not_allowed(self, request, *args, **kwargs):
        allowed = ", ".join(self.allowed_methods)
        raise exceptions.MethodNotAllowed(request.method, f'Method "{request.method}" not allowed. Allowed: {allowed}.')

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        state = getattr(request, "_ratelimit", None)
        if state is not None:
            for header, value in state.headers().items():
                response[header] = value
        return response


class TenantScopedMixin:
    """`get_queryset` is final: every row comes through the model's `for_principal`.

    Subclasses refine the scoped queryset in `refine_queryset` (select_related, filters);
    they cannot widen it by accident.
    """

    queryset: TenantScopedQuerySet

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "get_queryset" in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides get_queryset; override refine_queryset instead.")

    def get_queryset(self):
        return self.refine_queryset(self.queryset.all().for_principal(self.principal))

    def refine_queryset(self, queryset):
        return queryset


class SurfaceAPIView(SurfaceMixin, APIView):
    """Views without a queryset (platform, credential and campaign calls): rows, if any, through `scoped`."""


class TenantGenericAPIView(TenantScopedMixin, SurfaceMixin, generics.GenericAPIView):
    """Tenant data served by method handlers (`get`, `post`, …)."""


class TenantViewSet(TenantScopedMixin, SurfaceMixin, viewsets.GenericViewSet):
    """Tenant data served by actions: add the DRF mixins (`ListModelMixin`, …) the routes use."""
