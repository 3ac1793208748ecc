"""Campaign app fixtures: a client application and an influencer client that sends both credentials."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from ..factories import application


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
def publisher_client(app_credentials, publisher) -> APIClient:
    """The application acting for the `publisher` fixture."""
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {publisher.token}",
    )
    return client
