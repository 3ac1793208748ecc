"""The one way tenant-owned rows are scoped: `Model.objects.for_principal(principal)`.

Every tenant-owned model uses a queryset derived from `TenantScopedQuerySet` and names
the path from itself to its `Advertiser` in `tenant_path`. Views and admin call
`for_principal`; nothing filters by advertiser by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

if TYPE_CHECKING:
    from .principal import Principal


class TenantScopedQuerySet(models.QuerySet):
    #: Lookup path from the model to its Advertiser ("advertiser", "campaign__advertiser", …).
    tenant_path = "advertiser"

    def for_principal(self, principal: Principal) -> TenantScopedQuerySet:
        if principal.is_platform:
            return self.all()
        if principal.advertiser_id is not None:
            return self.for_advertiser(principal.advertiser_id)
        return self.none()

    def for_advertiser(self, advertiser_id: int) -> TenantScopedQuerySet:
        # "<fk>__pk" compiles to the foreign-key column itself: no join for the direct case.
        return self.filter(**{f"{self.tenant_path}__pk": advertiser_id})


def scoped_queryset(tenant_path: str) -> type[TenantScopedQuerySet]:
    """A TenantScopedQuerySet subclass whose rows reach their advertiser through `tenant_path`."""
    return type(f"ScopedBy_{tenant_path}", (TenantScopedQuerySet,), {"tenant_path": tenant_path})
