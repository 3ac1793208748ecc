import pytest

from leadplatform.api.access import access_table

from ..backend.conftest import world  # noqa: F401
from ..campaigns.conftest import app_client, app_credentials, influencer_client  # noqa: F401


@pytest.fixture
def plumbing_urls(settings):
    """Route through tests.api.plumbing and add its rows to the access table."""
    settings.ROOT_URLCONF = "tests.api.plumbing"
    settings.API_ACCESS_MODULES = ["accounts.api.access", "tests.api.plumbing"]
    access_table.cache_clear()
    yield
    access_table.cache_clear()
