"""schemathesis over every operation an advertiser's member can call (the campaign backend, the
lead, social and web surfaces), as an owner with rows of their own to find: no 500, responses as
documented. Intel has its own run (tests/intel/test_fuzz.py), the campaign app its own as an
influencer (tests/campaigns/test_app_fuzz.py), and the platform token fuzzes everything
(tests/api/test_schema.py)."""

import pytest
from hypothesis import settings

from ..factories import MembershipFactory, token_for
from ..fuzzing import RESPONSE_CHECKS, SUPPRESSED_HEALTH_CHECKS, lift_rate_limits, platform_schema

OTHER_RUNS = ("/api/intel/v1/", "/api/get/", "/api/action/", "/api/app/")

schema = platform_schema(lambda path: not path.startswith(OTHER_RUNS))


@pytest.fixture
def owner_token(db, settings) -> str:
    lift_rate_limits(settings)
    membership = MembershipFactory()
    return token_for(membership.user, membership.advertiser)


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=6, deadline=None, suppress_health_check=SUPPRESSED_HEALTH_CHECKS)
def test_advertiser_fuzz(case, owner_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token}"}, checks=RESPONSE_CHECKS)
