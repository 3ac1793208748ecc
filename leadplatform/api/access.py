"""Deny by default: who may call each API route, declared once in a table.

Each app lists its routes in `<app>/api/access.py` as `ACCESS = {view_name: Rule}`; the
modules are named in settings.API_ACCESS_MODULES. A route missing from the table is
refused for everyone (and a test walks the URLconf to catch it).

A rule names the kinds of caller a route admits and, for advertiser members, the least
role each request needs: `read_role` for safe methods (GET, HEAD, OPTIONS), `write_role`
for the others. The campaign backend is POST-only, so its rows say what each route does
(`TENANT_READ` or `TENANT_WRITE`) instead of leaving it to the method. A member of a
suspended advertiser is refused every route, in the surface's error shape.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import import_module

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.permissions import SAFE_METHODS, BasePermission

from accounts.models import Advertiser, Membership
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
AUTHENTICATED = Rule(frozenset({Kind.STAFF, Kind.ADVERTISER, Kind.INFLUENCER}), VIEWER, VIEWER)
PLATFORM = Rule(frozenset({Kind.STAFF}))
INFLUENCER = Rule(frozenset({Kind.INFLUENCER}))
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


@lru_cache(maxsize=1)
def access_table() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for module_path in settings.API_ACCESS_MODULES:
        for view_name, rule in import_module(module_path).ACCESS.items():
            if view_name in table:
                raise ValueError(f"{view_name} appears twice in the access table")
            if not isinstance(rule, Rule):
                raise TypeError(f"{view_name}: the access table takes Rule rows, not {type(rule).__name__}")
            table[view_name] = rule
    return table


def rule_for(request) -> Rule | None:
    match = getattr(request, "resolver_match", None)
    return access_table().get(match.view_name) if match else None


class AccessTablePermission(BasePermission):
    message = "You do not have permission to perform this action."

    def has_permission(self, request, view) -> bool:
        rule = rule_for(request)
        if rule is None:
            return False
        principal = principal_of(request)
        if principal.kind not in rule:
            return False
        if principal.is_held:
            raise (
                AdvertiserInactive()
                if principal.advertiser.status == Advertiser.Status.INACTIVE
                else AdvertiserSuspended()
            )
        least_role = rule.least_role(request.method)
        if not principal.may_act_as(least_role):
            raise RoleTooLow(f"This needs the {least_role} role or higher; your role is {principal.role}.")
        return True


# The plumbing's own routes: each surface's index at its base URL (leadplatform.urls).
ACCESS = {name: ANYONE for name in ("campaign-index", "v1-index", "social-index", "web-index")}
