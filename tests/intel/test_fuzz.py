"""schemathesis over the /api/intel/v1 operations alone, as an advertiser:
no 500, responses as documented."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings

from ..api.test_schema import CHECKS
from ..factories import MembershipFactory, token_for
from .factories import BlacklistEntryFactory, PersonFactory, SavedFilterFactory, SiteFactory, VisitSessionFactory

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
# `include(path_regex=…)` does not narrow the pytest collection in this schemathesis version: keep the paths here.
schema.raw_schema["paths"] = {
    path: item for path, item in schema.raw_schema["paths"].items() if path.startswith("/api/intel/v1/")
}


@pytest.fixture
def advertiser_token(db, settings) -> str:
    settings.API_RATES = {key: "100000/hour" for key in settings.API_RATES}
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
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_intel_fuzz(case, advertiser_token, keep_test_connection):
    case.call_and_validate(headers={"Authorization": f"Token {advertiser_token}"}, checks=CHECKS)
