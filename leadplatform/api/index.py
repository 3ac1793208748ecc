"""Every API route read from the URLconf, and the index each surface answers at its root."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from .access import ANYONE, Rule, declared_rule
from .surfaces import Surface
from .views import SurfaceAPIView

METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Route:
    name: str
    path: str
    callback: object

    @property
    def view_class(self) -> type | None:
        return getattr(self.callback, "cls", None) or getattr(self.callback, "view_class", None)

    @property
    def surface(self) -> Surface | None:
        initkwargs = getattr(self.callback, "initkwargs", {})
        return initkwargs.get("surface") or getattr(self.view_class, "surface", None)

    @property
    def access(self) -> Rule | None:
        """The access rule the route's view declares (None: refused for everyone)."""
        initkwargs = getattr(self.callback, "initkwargs", {})
        return initkwargs["access"] if "access" in initkwargs else declared_rule(self.view_class)

    @property
    def methods(self) -> list[str]:
        """The methods the route answers, OPTIONS and HEAD aside."""
        actions = getattr(self.callback, "actions", None)
        if actions is not None:
            declared = {method.upper() for method in actions}
        else:
            declared = {method.upper() for method in METHOD_ORDER if hasattr(self.view_class, method.lower())}
        return [method for method in METHOD_ORDER if method in declared]


def iter_routes(patterns=None, prefix: str = "/", namespace: str = "") -> Iterator[Route]:
    """Each route of the URLconf with its full path as written (`/api/v1/jobs/<id:pk>`) and view name."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, (namespace, pattern.namespace))) if pattern.namespace else namespace
            yield from iter_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield Route(name=name, path=prefix + str(pattern.pattern), callback=pattern.callback)


def surface_routes(surfaces: tuple[Surface, ...]) -> list[Route]:
    return [
        route
        for route in iter_routes()
        if route.surface in surfaces and not getattr(route.view_class, "is_surface_index", False)
    ]


class RouteSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="View name, `namespace:name`.")
    methods = serializers.ListField(child=serializers.CharField())
    path = serializers.CharField(help_text="Path as routed; `<id:pk>` is a numeric id, `<uuid:…>` a UUID.")


class SurfaceIndexSerializer(serializers.Serializer):
    surface = serializers.CharField()
    routes = RouteSerializer(many=True)


class SurfaceIndexView(SurfaceAPIView):
    """`GET` on a surface's base URL: its routes, for anyone (no credentials needed)."""

    access = ANYONE
    is_surface_index = True
    surface: Surface | None = None
    surfaces: tuple[Surface, ...] = ()

    @extend_schema(responses=SurfaceIndexSerializer, auth=[])
    def get(self, request):
        return Response(index_of(self.surfaces))


def index_of(surfaces: tuple[Surface, ...]) -> dict:
    routes = [{"name": route.name, "methods": route.methods, "path": route.path} for route in surface_routes(surfaces)]
    return {"surface": " + ".join(surface.title for surface in surfaces), "routes": routes}


def index_view(*surfaces: Surface):
    return SurfaceIndexView.as_view(surface=surfaces[0], surfaces=surfaces)
