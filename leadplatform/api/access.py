"""Deny by default: who may call each API route, declared on the route's view class.

Each API view names its rule as a class attribute, `access = TENANT` (see
`leadplatform.api.views.SurfaceMixin`). A view that declares none is refused for everyone.
`access_table()` reads the declared rules off the URLconf as `{view_name: Rule}`, the table
a test walks to catch a route without a rule.

A rule names the kinds of caller a route admits and, for advertiser members, the least
role each request needs: `read_role` for safe methods (GET, HEAD, OPTIONS), `write_role`
for the others. The campaign backend is POST-only, so its rows say what each route does
(`TENANT_READ` or `TENANT_WRITE`) instead of leaving it to the method. A member of a
suspended advertiser is refused every route, in the surface's error shape. The grant itself
(active user, advertiser not held, role) is `accounts.grants.refusal`, the rule admin asks too.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import get_resolver
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.grants import Refusal, refusal
from accounts.models import Membership
from accounts.principal import Kind, principal_of

VIEWER = Membership.Role.VIEWER
MANAGER = Membership.Role.MANAGER
OWNER = Membership.Role.OWNER


@dataclass(frozen=True)
class Rule:
    kinds: frozenset[Kind]
    #: Least member role for safe methods and for the others (advertiser principals only).
    read_role: str = VIEWER
    write_role: str = MANAGER

    def __or__(self, other: Rule) -> Rule:
        if (self.read_role, self.write_role) != (other.read_role, other.write_role):
            raise ValueError("Only rules that ask the same roles can be combined")
        return Rule(self.kinds | other.kinds, self.read_role, self.write_role)

    def __contains__(self, kind: Kind) -> bool:
        return kind in self.kinds

    def least_role(self, method: str) -> str:
        return self.read_role if method in SAFE_METHODS else self.write_role


_TENANT_KINDS = frozenset({Kind.STAFF, Kind.ADVERTISER})

ANYONE = Rule(frozenset(Kind), VIEWER, VIEWER)
# Any signed-in caller, acting on their own account (a viewer may reset their own token).
AUTHENTICATED = Rule(frozenset({Kind.STAFF, Kind.ADVERTISER, Kind.PUBLISHER}), VIEWER, VIEWER)
PLATFORM = Rule(frozenset({Kind.STAFF}))
PUBLISHER = Rule(frozenset({Kind.PUBLISHER}))
# The client application alone, before any user signs in.
APPLICATION = Rule(frozenset({Kind.APPLICATION}))
# Tenant routes on REST surfaces: safe methods read (viewer), the others write (manager).
TENANT = Rule(_TENANT_KINDS, read_role=VIEWER, write_role=MANAGER)
# Tenant routes that only read, whatever their method (the POST-only campaign backend).
TENANT_READ = Rule(_TENANT_KINDS, read_role=VIEWER, write_role=VIEWER)
# Tenant routes that change state, move money or show money settings, whatever their method.
TENANT_WRITE = Rule(_TENANT_KINDS, read_role=MANAGER, write_role=MANAGER)


class AdvertiserSuspended(exceptions.PermissionDenied):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "The advertiser is suspended: its members cannot use the API until it is reactivated."
    default_code = "advertiser_suspended"


class AdvertiserInactive(exceptions.PermissionDenied):
    status_code = status.HTTP_403_FORBIDDEN
    default_detail = "The advertiser is inactive: its account is closed until the platform reactivates it."
    default_code = "advertiser_inactive"


class RoleTooLow(exceptions.PermissionDenied):
    default_code = "role_too_low"


def declared_rule(view) -> Rule | None:
    """The rule a view (class or instance) declares; None, refused for everyone, when it declares none."""
    rule = getattr(view, "access", None)
    if rule is not None and not isinstance(rule, Rule):
        raise TypeError(f"{view!r}: `access` takes a Rule, not {type(rule).__name__}")
    return rule


def access_table() -> dict[str, Rule]:
    """`{view_name: Rule}` of every route of the URLconf whose view declares a rule."""
    return _table_of(settings.ROOT_URLCONF)


@lru_cache
def _table_of(urlconf: str) -> dict[str, Rule]:
    from .index import iter_routes

    table: dict[str, Rule] = {}
    for route in iter_routes(get_resolver(urlconf).url_patterns):
        rule = route.access
        if rule is None:
            continue
        if table.get(route.name, rule) != rule:
            raise ValueError(f"{route.name} is routed to views that declare different rules")
        table[route.name] = rule
    return table


class AccessTablePermission(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        rule = declared_rule(view)
        if rule is None:
            return False
        principal = principal_of(request)
        if principal.kind not in rule:
            return False
        least_role = rule.least_role(request.method)
        refused = refusal(principal, least_role)
        if refused is Refusal.ADVERTISER_INACTIVE:
            raise AdvertiserInactive()
        if refused is Refusal.ADVERTISER_SUSPENDED:
            raise AdvertiserSuspended()
        if refused is Refusal.ROLE_TOO_LOW:
            raise RoleTooLow(f"This needs the {least_role} role or higher; your role is {principal.role}.")
        return refused is None
