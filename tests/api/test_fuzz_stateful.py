"""schemathesis's stateful phase over the whole document: sequences of calls that feed one
response's ids into the next request (links schemathesis infers from the document's schemas),
as an advertiser's owner with the campaign app's client credentials too. Every response passes
the response checks, and the cross-step ones: a deleted resource is gone, a created one is found."""

import pytest
from hypothesis import settings

from ..factories import MembershipFactory, application, token_for
from ..fuzzing import STATEFUL_CHECKS, SUPPRESSED_HEALTH_CHECKS, lift_rate_limits, platform_schema

schema = platform_schema()

#: Bounded so the run takes a few tens of seconds: scenarios, and calls in each.
SCENARIOS = 30
STEPS_PER_SCENARIO = 8


@pytest.fixture
def owner_headers(db, settings) -> dict:
    lift_rate_limits(settings)
    membership = MembershipFactory()
    app, secret = application()
    return {
        "Authorization": f"Bearer {token_for(membership.user, membership.advertiser)}",
        "X-Client-Id": app.client_id,
        "X-Client-Secret": secret,
    }


def test_the_document_infers_links_between_operations():
    schema.as_state_machine()  # infers the links into the loaded document
    linked = [
        operation
        for item in schema.raw_schema["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and any("links" in response for response in operation["responses"].values())
    ]
    assert len(linked) >= 20


@pytest.mark.slow
@pytest.mark.fuzz
def test_stateful_sequences_get_documented_responses(owner_headers, keep_test_connection):
    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": owner_headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, checks=STATEFUL_CHECKS, transport_kwargs=kwargs or None, recorder=self.recorder
            )

    Workflow.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=STEPS_PER_SCENARIO,
            deadline=None,
            suppress_health_check=SUPPRESSED_HEALTH_CHECKS,
        )
    )
