"""schemathesis over the campaign app operations, sent with the application's credentials and an
influencer's token so the fuzzing reaches the views: no 5xx, responses as documented."""

import pytest
from hypothesis import settings

from ..fuzzing import RESPONSE_CHECKS, SUPPRESSED_HEALTH_CHECKS, lift_rate_limits, platform_schema
from .factories import CampaignFactory, TaskFactory

APP_PATHS = ("/api/get/", "/api/action/", "/api/app/")

schema = platform_schema(lambda path: path.startswith(APP_PATHS))


@pytest.fixture
def app_headers(app_credentials, publisher, settings) -> dict:
    lift_rate_limits(settings)
    campaign = CampaignFactory(pk=1)
    TaskFactory(pk=1, campaign=campaign, publisher=publisher.user.publisher)
    return {
        "X-Client-Id": app_credentials[0],
        "X-Client-Secret": app_credentials[1],
        "Authorization": f"Bearer {publisher.token}",
    }


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@settings(deadline=None, max_examples=10, suppress_health_check=SUPPRESSED_HEALTH_CHECKS)
def test_campaign_app_fuzz(case, app_headers, keep_test_connection):
    case.call_and_validate(headers=app_headers, checks=RESPONSE_CHECKS)
