"""A member's token acts only while its grant does, on every route of every surface.

For each surface, every route and method is called with: a removed member's token, a
suspended advertiser's owner token, an inactive user's token and a viewer's token. Public
routes (the tracking snippet, the credential exchanges) read no token and are left out.
"""

from __future__ import annotations

import pytest

from accounts import services
from accounts.models import Membership
from leadplatform.api.access import AdvertiserInactive, AdvertiserSuspended
from leadplatform.api.surfaces import ApiError

from ..conftest import Actor
from ..factories import MembershipFactory, token_for
from .surface_routes import SURFACE_KEYS, routes_by_surface, surface_named

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    settings.API_RATES = {key: "100000/hour" for key in settings.API_RATES}


def _actor(advertiser, role=Membership.Role.OWNER) -> Actor:
    membership = MembershipFactory(advertiser=advertiser, role=role)
    return Actor(membership.user, token_for(membership.user, advertiser), advertiser)


def _guarded_routes(surface_key: str):
    routes = [route for route in routes_by_surface()[surface_key] if not route.is_public]
    if not routes:
        pytest.skip(f"{surface_key} has no authenticated routes")
    return routes


def _unauthenticated_everywhere(actor: Actor, surface_key: str) -> list[str]:
    """Routes that did not refuse the actor: 401 where members are admitted, 401 or 403 elsewhere."""
    client = actor.client()
    client.raise_request_exception = False
    wrong = []
    for route in _guarded_routes(surface_key):
        expected = (401,) if route.admits_members else (401, 403)
        status = route.call(client).status_code
        if status not in expected:
            wrong.append(f"{route.method.upper()} {route.name}: {status}")
    return wrong


@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_a_removed_members_token_is_refused(surface_key, advertiser):
    actor = _actor(advertiser)
    services.remove_member(Membership.objects.get(user=actor.user, advertiser=advertiser))
    assert _unauthenticated_everywhere(actor, surface_key) == []


@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_a_token_outliving_its_membership_is_refused_even_unrevoked(surface_key, advertiser, other_advertiser):
    actor = _actor(advertiser)
    # The membership moves elsewhere without revoking anything: the lookup alone must refuse.
    Membership.objects.filter(user=actor.user).update(advertiser=other_advertiser)
    assert _unauthenticated_everywhere(actor, surface_key) == []


@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_an_inactive_users_token_is_refused(surface_key, advertiser):
    actor = _actor(advertiser)
    type(actor.user).objects.filter(pk=actor.user.pk).update(is_active=False)
    assert _unauthenticated_everywhere(actor, surface_key) == []


HOLDS = {
    "suspended": (services.suspend_advertiser, AdvertiserSuspended),
    "inactive": (services.deactivate_advertiser, AdvertiserInactive),
}


@pytest.mark.parametrize("hold", HOLDS)
@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_a_held_advertisers_owner_gets_403_in_the_surfaces_shape(surface_key, hold, advertiser):
    actor = _actor(advertiser)
    change, refusal = HOLDS[hold]
    change(advertiser)
    surface = surface_named(surface_key)
    expected = surface.error_body(ApiError(403, str(refusal.default_detail), refusal.default_code))
    client = actor.client()
    client.raise_request_exception = False
    wrong = []
    for route in _guarded_routes(surface_key):
        response = route.call(client)
        if route.admits_members:
            if (response.status_code, response.json()) != (403, expected):
                wrong.append(f"{route.method.upper()} {route.name}: {response.status_code} {response.content[:120]!r}")
        elif response.status_code not in (401, 403):
            wrong.append(f"{route.method.upper()} {route.name}: {response.status_code}")
    assert wrong == []


@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_a_viewer_is_refused_every_write_in_the_surfaces_shape(surface_key, advertiser):
    viewer = _actor(advertiser, Membership.Role.VIEWER)
    surface = surface_named(surface_key)
    client = viewer.client()
    client.raise_request_exception = False
    wrong = []
    for route in _guarded_routes(surface_key):
        if not route.admits_members or route.viewer_may_call:
            continue
        message = f"This needs the {route.least_role} role or higher; your role is viewer."
        expected = surface.error_body(ApiError(403, message, "role_too_low"))
        response = route.call(client)
        if (response.status_code, response.json()) != (403, expected):
            wrong.append(f"{route.method.upper()} {route.name}: {response.status_code} {response.content[:120]!r}")
    assert wrong == []


@pytest.mark.parametrize("surface_key", SURFACE_KEYS)
def test_a_viewer_still_reads(surface_key, advertiser):
    viewer = _actor(advertiser, Membership.Role.VIEWER)
    client = viewer.client()
    client.raise_request_exception = False
    reads = [route for route in _guarded_routes(surface_key) if route.admits_members and route.viewer_may_call]
    if not reads:
        pytest.skip(f"{surface_key} admits no members")
    wrong = []
    for route in reads:
        status = route.call(client).status_code
        if status in (401, 403) or status >= 500:
            wrong.append(f"{route.method.upper()} {route.name}: {status}")
    assert wrong == []


def test_every_surface_with_member_routes_has_writes_a_viewer_may_not_make():
    surfaces_with_writes = {
        key
        for key, routes in routes_by_surface().items()
        if any(route.admits_members and not route.viewer_may_call for route in routes)
    }
    assert surfaces_with_writes == {"web", "leads", "social", "intel", "campaign-backend"}
