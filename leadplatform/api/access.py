"""Deny by default: who may call each API route, declared once in a table.

Each app lists its routes in `<app>/api/access.py` as `ACCESS = {view_name: Rule}`; the
modules are named in settings.API_ACCESS_MODULES. A route missing from the table is
refused for everyone (and a test walks the URLconf to catch it).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import import_module

from django.conf import settings
from rest_framework.permissions import BasePermission

from accounts.principal import Kind, principal_of

Rule = frozenset[Kind]

ANYONE: Rule = frozenset(Kind)
AUTHENTICATED: Rule = frozenset({Kind.STAFF, Kind.ADVERTISER, Kind.INFLUENCER})
PLATFORM: Rule = frozenset({Kind.STAFF})
TENANT: Rule = frozenset({Kind.STAFF, Kind.ADVERTISER})
INFLUENCER: Rule = frozenset({Kind.INFLUENCER})


@lru_cache(maxsize=1)
def access_table() -> dict[str, Rule]:
    table: dict[str, Rule] = {}
    for module_path in settings.API_ACCESS_MODULES:
        for view_name, rule in import_module(module_path).ACCESS.items():
            if view_name in table:
                raise ValueError(f"{view_name} appears twice in the access table")
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
        return principal_of(request).kind in rule


# The plumbing's own routes: each surface's index at its base URL (leadplatform.urls).
ACCESS = {name: ANYONE for name in ("campaign-index", "v1-index", "social-index", "web-index")}
