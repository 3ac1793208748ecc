"""API tokens on every surface: header forms, revoked, expired, banned, usage counting."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.jwt import issue_access_token
from accounts.models import ApiToken

from ..factories import PublisherFactory, token_for
from ..leads_factories import TargetFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("plumbing_urls")]

URLS = {
    "web": "/api/web/v1/plumbing/targets",
    "v1": "/api/v1/plumbing/targets",
    "social": "/api/social/plumbing/targets",
    "intel": "/api/intel/v1/plumbing/targets",
    "app": "/api/get/plumbing/targets",
    "backend": "/api/plumbing/targets",
}

UNAUTHENTICATED_SHAPES = {
    "web": {"detail", "type"},
    "v1": {"error", "message"},
    "social": {"message"},
    "intel": {"detail"},
    "app": {"status", "message"},
    "backend": {"status", "message"},
}


def get(path: str, header: str | None = None):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    return client.get(path)


@pytest.mark.parametrize("form", ["Bearer {}", "Token {}", "{}"])
def test_token_accepted_in_each_header_form(owner, form):
    assert get(URLS["v1"], form.format(owner.token)).status_code == 200


@pytest.mark.parametrize("surface", sorted(URLS))
def test_missing_token_is_401_in_the_surface_shape(db, surface):
    response = get(URLS[surface])
    assert response.status_code == 401
    assert set(response.json()) == UNAUTHENTICATED_SHAPES[surface]


@pytest.mark.parametrize("surface", sorted(URLS))
def test_wrong_token_is_401_in_the_surface_shape(db, surface):
    response = get(URLS[surface], "Bearer lp_not-a-real-token")
    assert response.status_code == 401
    assert set(response.json()) == UNAUTHENTICATED_SHAPES[surface]


def test_leads_surface_names_an_invalid_token(db):
    assert get(URLS["v1"], "Bearer lp_nope").json()["error"] == "Invalid token"


def test_social_surface_says_unauthenticated(db):
    assert get(URLS["social"]).json() == {"message": "Unauthenticated"}


def test_revoked_token_is_refused_on_the_next_request(owner):
    assert get(URLS["v1"], f"Bearer {owner.token}").status_code == 200
    services.revoke_token(ApiToken.objects.get(user=owner.user))
    assert get(URLS["v1"], f"Bearer {owner.token}").status_code == 401


def test_expired_token_is_401(owner):
    expired = token_for(owner.user, owner.advertiser, expires_at=timezone.now() - timedelta(seconds=1))
    assert get(URLS["v1"], f"Bearer {expired}").status_code == 401


def test_banned_publisher_token_stops_working_at_once(db):
    publisher = PublisherFactory()
    token = token_for(publisher.user)
    publisher.banned = True
    publisher.save()
    assert get(URLS["v1"], f"Bearer {token}").status_code == 401


def test_publisher_may_not_call_a_tenant_route(publisher):
    assert get(URLS["v1"], f"Bearer {publisher.token}").status_code == 403


def test_jwt_access_token_works(owner):
    TargetFactory(advertiser=owner.advertiser)
    # A JWT carries no advertiser of its own: the member acts for their advertiser.
    response = get(URLS["v1"], f"Bearer {issue_access_token(owner.user)}")
    assert response.status_code == 200
    assert response.json()["pagination"]["total"] == 1


def test_force_logout_revokes_tokens_and_access_tokens(owner):
    access_token = issue_access_token(owner.user)
    services.force_logout(owner.user)
    assert get(URLS["v1"], f"Bearer {owner.token}").status_code == 401
    assert get(URLS["v1"], f"Bearer {access_token}").status_code == 401


def test_force_logout_ends_browser_sessions(owner, client):
    client.force_login(owner.user)
    assert client.get("/settings/tokens/").status_code == 200
    services.force_logout(owner.user)
    assert client.get("/settings/tokens/").status_code == 302


def test_requests_are_counted_per_token(owner):
    for _ in range(3):
        get(URLS["v1"], f"Bearer {owner.token}")
    token = ApiToken.objects.get(user=owner.user)
    assert services.token_request_count(token) == 3


def test_counts_survive_the_flush_exactly(owner):
    for _ in range(3):
        get(URLS["v1"], f"Bearer {owner.token}")
    services.flush_usage_counters()
    token = ApiToken.objects.get(user=owner.user)
    assert (token.request_count, services.token_request_count(token)) == (3, 3)


def test_platform_totals_count_today(owner):
    for _ in range(2):
        get(URLS["v1"], f"Bearer {owner.token}")
    services.flush_usage_counters()
    get(URLS["v1"], f"Bearer {owner.token}")
    assert services.platform_request_counts() == (3, 3)


def test_last_used_is_recorded(owner):
    get(URLS["v1"], f"Bearer {owner.token}")
    assert ApiToken.objects.get(user=owner.user).last_used_at is not None
