"""How API code reaches tenant-owned rows, and which advertiser a new row belongs to.

Views use `scoped` of their base class (`leadplatform.api.views.SurfaceMixin`), which calls
`scoped_rows`; serializers use `scoped_rows` with the principal of their context, or
`advertiser_rows` for the rows of the advertiser a new row goes to. Nothing in an `api/`
package touches `<TenantModel>.objects` itself (tests/api/test_tenant_access.py).
"""

from __future__ import annotations

from rest_framework.exceptions import NotFound, ValidationError

from accounts.models import Advertiser
from accounts.principal import Principal
from accounts.scoping import TenantScopedQuerySet

ADVERTISER_NOT_FOUND = "Advertiser not found."


def _tenant_rows(model) -> TenantScopedQuerySet:
    queryset = model._default_manager.all()
    if not isinstance(queryset, TenantScopedQuerySet):
        raise TypeError(f"{model.__name__} is not tenant-owned; query it directly.")
    return queryset


def scoped_rows(model, principal: Principal) -> TenantScopedQuerySet:
    """The rows of `model` the principal may see: its advertiser's, an influencer's own, all for the platform."""
    return _tenant_rows(model).for_principal(principal)


def advertiser_rows(model, advertiser_id: int) -> TenantScopedQuerySet:
    """The rows of `model` owned by one advertiser: the one `advertiser_for_new_row` chose for a new row."""
    return _tenant_rows(model).for_advertiser(advertiser_id)


def advertiser_for_new_row(
    principal: Principal, requested_advertiser_id: int | None, *, required: bool = True
) -> Advertiser | None:
    """The advertiser a new row (or an advertiser-wide question) belongs to.

    A tenant gets its own advertiser; naming any other id is a 404, the same answer as an
    id that does not exist, so nobody learns which ids belong to someone else. A platform
    principal may name any existing advertiser (a missing one is a 404); when it names none
    the request is invalid if `required`, otherwise it is about every advertiser (None).
    """
    if not principal.is_platform:
        if requested_advertiser_id is not None and requested_advertiser_id != principal.advertiser_id:
            raise NotFound(ADVERTISER_NOT_FOUND)
        return principal.advertiser
    if requested_advertiser_id is None:
        if required:
            raise ValidationError({"advertiser_id": ["Platform principals must name the advertiser."]})
        return None
    advertiser = Advertiser.objects.filter(pk=requested_advertiser_id).first()
    if advertiser is None:
        raise NotFound(ADVERTISER_NOT_FOUND)
    return advertiser
