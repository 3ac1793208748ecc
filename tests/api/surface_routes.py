"""Every API route and method, grouped by surface, with its access-table rule.

Built from the URLconf (the same walk as the access-table tests) so that a new route joins
every test that loops over a surface's routes. A call's path fills ids with 1: the
grant checks answer before any row is looked up. The campaign backend's valid bodies live
in `tests/backend/routes.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.urls import get_resolver

from accounts.models import Membership
from accounts.principal import Kind
from leadplatform.api.access import Rule, access_table
from leadplatform.api.surfaces import SURFACES, Surface, surface_for_path

from .test_access_matrix import _concrete_path, _methods
from .test_access_table import _api_routes

PLACEHOLDER_UUID = "00000000-0000-0000-0000-000000000001"


@dataclass(frozen=True)
class SurfaceRoute:
    name: str
    path: str
    method: str
    rule: Rule

    @property
    def admits_members(self) -> bool:
        return Kind.ADVERTISER in self.rule

    @property
    def is_public(self) -> bool:
        return Kind.ANONYMOUS in self.rule

    @property
    def least_role(self) -> str:
        return self.rule.least_role(self.method.upper())

    @property
    def viewer_may_call(self) -> bool:
        return self.least_role == Membership.Role.VIEWER

    def path_naming(self, ident) -> str:
        """The path with the row id it names (filled with 1 or the zero UUID) replaced by `ident`."""
        if PLACEHOLDER_UUID in self.path:
            return self.path.replace(PLACEHOLDER_UUID, str(ident))
        return re.sub(r"/1(?=/|$)", f"/{ident}", self.path, count=1)

    def call(self, client):
        return getattr(client, self.method)(self.path, {}, format="json")


@cache
def routes_by_surface() -> dict[str, tuple[SurfaceRoute, ...]]:
    table: dict[str, list[SurfaceRoute]] = {surface.key: [] for surface in SURFACES}
    for pattern, name in _api_routes(get_resolver()):
        rule = access_table().get(name)
        if rule is None:
            continue
        path = _concrete_path(pattern)
        surface = surface_for_path(path)
        # DRF adds "head" to a viewset's actions once it has served a GET: HEAD is GET without a body.
        for method in (method for method in _methods(pattern) if method != "head"):
            table[surface.key].append(SurfaceRoute(name, path, method, rule))
    return {key: tuple(routes) for key, routes in table.items()}


def surface_named(key: str) -> Surface:
    return next(surface for surface in SURFACES if surface.key == key)


SURFACE_KEYS = [surface.key for surface in SURFACES]
