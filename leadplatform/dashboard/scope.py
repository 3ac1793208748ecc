"""Whose data a dashboard shows: every advertiser the member belongs to, combined, or one of them the
member picked; all of them for staff.

Each tenant-owned query goes through `for_principal` of one principal per membership (or of the staff
principal), ORed together: the same scoping method every admin page and API view uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import QuerySet

from accounts.models import Advertiser, Membership
from accounts.principal import Kind, Principal


@dataclass(frozen=True)
class Scope:
    principals: tuple[Principal, ...]
    label: str
    #: The advertiser picked out of the member's several (None: all of them combined).
    picked: int | None = None

    @property
    def is_platform(self) -> bool:
        return any(principal.is_platform for principal in self.principals)

    @property
    def advertisers(self) -> list[Advertiser]:
        """The advertisers of the scope's memberships, in membership order (none for staff)."""
        return [principal.advertiser for principal in self.principals if principal.advertiser is not None]

    def narrowed_to(self, advertiser_id: str) -> Scope | None:
        """The dashboard of one of the scope's advertisers; None for an id that is not one of them."""
        for principal in self.principals:
            if principal.advertiser is not None and str(principal.advertiser.pk) == advertiser_id.strip():
                return Scope((principal,), principal.advertiser.name, picked=principal.advertiser.pk)
        return None

    def rows(self, queryset: QuerySet) -> QuerySet:
        """The rows of a tenant-scoped queryset this scope may see."""
        if not self.principals:
            return queryset.none()
        return reduce(or_, (queryset.for_principal(principal) for principal in self.principals))

    def advertiser_ids(self) -> QuerySet:
        """The scope's advertisers as a subquery, for the rollup tables that carry a bare advertiser id."""
        return self.rows(Advertiser.objects.all()).values("pk")


def scope_for_user(user) -> Scope:
    """Staff see the platform; a member sees each advertiser they belong to (one query)."""
    if user.is_staff:
        return Scope((Principal(Kind.STAFF, user=user),), "All advertisers")
    memberships = list(Membership.objects.filter(user=user).select_related("advertiser").order_by("id"))
    principals = tuple(
        Principal(Kind.ADVERTISER, user=user, advertiser=membership.advertiser, role=membership.role)
        for membership in memberships
    )
    return Scope(principals, ", ".join(membership.advertiser.name for membership in memberships))


def scope_for_advertiser(advertiser: Advertiser) -> Scope:
    """One advertiser's view, as its members see it (tests and the demo check)."""
    return Scope((Principal(Kind.ADVERTISER, advertiser=advertiser, role=Membership.Role.VIEWER),), advertiser.name)
