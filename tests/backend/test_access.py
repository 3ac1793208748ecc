"""Every row of the backend permission table × {platform, advertiser, another advertiser}."""

from __future__ import annotations

import pytest
from django.urls import reverse

from leadplatform.api.access import PLATFORM, TENANT_READ, TENANT_WRITE, access_table

from .routes import ROUTES

# The backend's rows of the access table: the rules its views declare.
ACCESS = {name: rule for name, rule in access_table().items() if name.startswith("backend:")}


def test_the_route_table_covers_every_access_row():
    assert {f"backend:{name}" for name in ROUTES} == set(ACCESS)
    assert len(ACCESS) == 43
    for name, route in ROUTES.items():
        assert reverse(f"backend:{name}") == route.path


def _post(actor, route, world):
    body = route.body(world)
    fmt = "json" if any(not isinstance(v, str) for v in body.values()) else None
    return actor.client().post(route.path, body, format=fmt)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_platform_token_calls_every_route(name, staff, world):
    response = _post(staff, ROUTES[name], world)
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_advertiser_token_calls_tenant_routes_and_is_refused_platform_ones(name, owner, world):
    response = _post(owner, ROUTES[name], world)
    if ACCESS[f"backend:{name}"] == PLATFORM:
        assert response.status_code == 403
        assert response.json()["status"] == "error"
    else:
        assert ACCESS[f"backend:{name}"] in (TENANT_READ, TENANT_WRITE)
        assert response.status_code == 200, response.json()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_another_advertisers_token_finds_nothing_of_ours(name, outsider, world):
    route = ROUTES[name]
    response = _post(outsider, route, world)
    if ACCESS[f"backend:{name}"] == PLATFORM:
        assert response.status_code == 403
    elif route.names_tenant_row:
        assert response.status_code == 404, response.json()
        assert response.json() == {"status": "error", "message": response.json()["message"]}
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_anonymous_and_publisher_callers_are_refused(name, api_client, publisher, world):
    assert api_client.post(ROUTES[name].path, {}).status_code == 401
    assert publisher.client().post(ROUTES[name].path, {}).status_code == 403


@pytest.mark.parametrize(
    ("path", "key", "own", "foreign"),
    [
        ("/api/campaigns/", None, "campaign", "foreign_campaign"),
        ("/api/tasks/", None, "review_task", "foreign_task"),
        ("/api/advertiser/invoices/", "invoices", "invoice", "foreign_invoice"),
        ("/api/general/lists/allowed-campaigns/", "campaigns", "campaign", "foreign_campaign"),
    ],
)
def test_lists_without_an_id_return_only_the_callers_rows(path, key, own, foreign, owner, world):
    answer = owner.client().post(path, {}).json()
    ids = {row["id"] for row in (answer[key] if key else answer)}
    assert getattr(world, own).pk in ids
    assert getattr(world, foreign).pk not in ids


def test_platform_may_name_any_advertiser_and_user(staff, world, other_advertiser):
    client = staff.client()
    campaigns = client.post("/api/campaigns/", {"advertiser_id": other_advertiser.pk}).json()
    assert [c["id"] for c in campaigns] == [world.foreign_campaign.pk]
    limit = client.post("/api/advertiser/maximum-limit/", {"advertiser_id": other_advertiser.pk}).json()
    assert limit == {"maximum_limit": 10000.0, "currency": "USD"}


def test_ids_in_bodies_of_another_advertiser_change_nothing(outsider, world):
    response = outsider.client().post("/api/campaign/status/", {"campaign_id": world.campaign.pk, "status": "paused"})
    assert response.status_code == 404
    world.campaign.refresh_from_db()
    assert world.campaign.status == "active"
    response = outsider.client().post("/api/task/actions/", {"task_id": world.review_task.pk, "action": "approve"})
    assert response.status_code == 404
    world.review_task.refresh_from_db()
    assert world.review_task.status == "under_review"


# --- roles: a viewer reads every tenant route, and writes none -------------------------------
@pytest.fixture
def viewer(advertiser):
    from accounts.models import Membership

    from ..conftest import Actor
    from ..factories import MembershipFactory, token_for

    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER)
    return Actor(membership.user, token_for(membership.user, advertiser), advertiser)


@pytest.mark.parametrize("name", sorted(name for name in ROUTES if ACCESS[f"backend:{name}"] == TENANT_READ))
def test_a_viewer_calls_every_reading_route(name, viewer, world):
    response = _post(viewer, ROUTES[name], world)
    assert response.status_code == 200, response.json()


@pytest.mark.parametrize("name", sorted(name for name in ROUTES if ACCESS[f"backend:{name}"] == TENANT_WRITE))
def test_a_viewer_is_refused_every_writing_route(name, viewer, world):
    response = _post(viewer, ROUTES[name], world)
    assert (response.status_code, response.json()) == (
        403,
        {"status": "error", "message": "This needs the manager role or higher; your role is viewer."},
    )


def test_a_viewer_cannot_pay(viewer, world):
    response = viewer.client().post("/api/task/actions/", {"task_id": world.accepted_task.pk, "action": "pay"})
    world.accepted_task.refresh_from_db()
    assert (response.status_code, world.accepted_task.status) == (403, "accepted")
