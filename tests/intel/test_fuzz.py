"""schemathesis over the /api/intel/v1 operations alone, as an advertiser:
no 500, responses as documented."""

import pytest
from hypothesis import settings

from ..factories import MembershipFactory, token_for
from ..fuzzing import RESPONSE_CHECKS, SUPPRESSED_HEALTH_CHECKS, lift_rate_limits, platform_schema
from .factories import BlacklistEntryFactory, PersonFactory, SavedFilterFactory, SiteFactory, VisitSessionFactory

schema = platform_schema(lambda path: path.startswith("/api/intel/v1/"))


@pytest.fixture
def advertiser_token(db, settings) -> str:
    lift_rate_limits(settings)
    membership = MembershipFactory()
    site = SiteFactory(advertiser=membership.advertiser)
    session = VisitSessionFactory(site=site)
    session.person = PersonFactory(advertiser=site.advertiser, company=session.company)
    session.save()
    SavedFilterFactory(advertiser=site.advertiser, user=membership.user)
    BlacklistEntryFactory(advertiser=site.advertiser)
    return token_for(membership.user, membership.advertiser)


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=SUPPRESSED_HEALTH_CHECKS)
def test_intel_fuzz(case, advertiser_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {advertiser_token}"}, checks=RESPONSE_CHECKS)
