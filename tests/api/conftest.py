import pytest

from ..backend.conftest import world  # noqa: F401
from ..campaigns.conftest import app_client, app_credentials, publisher_client  # noqa: F401


@pytest.fixture
def plumbing_urls(settings):
    """Route through tests.api.plumbing (its views declare their access rule)."""
    settings.ROOT_URLCONF = "tests.api.plumbing"
