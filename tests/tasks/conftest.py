"""The campaign app fixtures, shared with tests/campaigns."""

from ..campaigns.conftest import app_client, app_credentials, publisher_client  # noqa: F401
