"""Base classes every API view builds on: the surface it belongs to and tenant scoping."""

from __future__ import annotations

from rest_framework import exceptions, generics, viewsets
from rest_framework.views import APIView

from accounts.principal import Principal, principal_of
from accounts.scoping import TenantScopedQuerySet

from .surfaces import Surface
from .tenancy import scoped_rows


class SurfaceMixin:
    """Declares the view's surface; adds the rate-limit headers to every response."""

    surface: Surface

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
    pass


class TenantGenericAPIView(TenantScopedMixin, SurfaceMixin, generics.GenericAPIView):
    pass


class TenantModelViewSet(TenantScopedMixin, SurfaceMixin, viewsets.ModelViewSet):
    pass


class TenantReadOnlyViewSet(TenantScopedMixin, SurfaceMixin, viewsets.ReadOnlyModelViewSet):
    pass
