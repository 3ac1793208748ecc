"""Which surfaces take the web scraper's JWT: every advertiser and integrator surface, not the campaign
app (its influencers sign in through the client application; tests/campaigns/test_app_endpoints.py)."""

import pytest
from rest_framework.test import APIClient

from accounts.jwt import issue_access_token

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/web/v1/jobs"),
        ("get", "/api/v1/jobs"),
        ("get", "/api/social/tasks"),
        ("get", "/api/intel/v1/sessions/"),
        ("post", "/api/campaigns/"),
    ],
    ids=["web", "v1", "social", "intel", "backend"],
)
def test_a_jwt_works_on_every_advertiser_surface(owner, method, path):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {issue_access_token(owner.user)}")
    assert getattr(client, method)(path).status_code == 200
