"""Campaign app fixtures: a client application and an influencer client that sends both credentials."""
from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from leadplatform.api.access import access_table

from ..factories import application

CAMPAIGN_ACCESS_MODULES = ["accounts.api.access", "campaigns.api.access", "tasks.api.access"]


@pytest.fixture(autouse=True)
def campaign_access_table(settings):
    """Only the access rows these tests exercise, so other apps' work in progress cannot break them."""
    settings.API_ACCESS_MODULES = CAMPAIGN_ACCESS_MODULES
    access_table.cache_clear()
    yield
    access_table.cache_clear()


@pytest.fixture
def app_credentials(db) -> tuple[str, str]:
    app, secret = application()
    return app.client_id, secret


@pytest.fixture
def app_client(app_credentials) -> APIClient:
    """The application alone (register, token)."""
    client = APIClient()
    client.credentials(HTTP_X_CLIENT_ID=app_credentials[0], HTTP_X_CLIENT_SECRET=app_credentials[1])
    return client


@pytest.fixture
def influencer_client(app_credentials, influencer) -> APIClient:
    """The application acting for the `influencer` fixture."""
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0], HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {influencer.token}",
    )
    return client
