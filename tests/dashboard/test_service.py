"""The dashboard's figures: right for the member's advertiser, blind to the others, everything for staff."""

from __future__ import annotations

from decimal import Decimal

import pytest

from leadplatform import dashboard

from ..campaigns.factories import CampaignFactory, PaymentFactory
from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def panels_of(user) -> dict:
    _, panels = dashboard.for_user(user)
    return {panel.key: panel for panel in panels}


def values(panel, label: str) -> list:
    return next(dataset["data"] for dataset in panel.datasets if dataset["label"] == label)


def test_spend_is_the_campaigns_payments_against_their_budget(owner, mine, theirs):
    total = panels_of(owner.user)["spend"].table
    assert total == [
        {"name": "Total USD", "currency": "USD", "budget": Decimal("200.00"), "spent": Decimal("55.00"), "progress": 27}
    ]


def test_spend_chart_lists_only_the_members_campaigns(owner, mine, theirs):
    panel = panels_of(owner.user)["spend"]
    assert panel.labels == [f"{mine['campaign'].name} (USD)"]


def test_tasks_by_state_count_the_members_tasks(owner, mine, theirs):
    panel = panels_of(owner.user)["tasks"]
    counts = dict(zip(panel.labels, panel.datasets[0]["data"], strict=True))
    assert (counts["Paid"], counts["Pending"], sum(counts.values())) == (1, 1, 2)


def test_reach_per_day_sums_the_members_approved_posts(owner, mine, theirs):
    panel = panels_of(owner.user)["reach"]
    assert (sum(values(panel, "Reach")), values(panel, "Reach")[-1]) == (1000, 1000)


def test_reach_by_network_sums_the_members_posts(owner, mine, theirs):
    panel = panels_of(owner.user)["networks"]
    assert (panel.labels, values(panel, "Reach")) == (["Instagram"], [1000])


def test_leads_per_day_by_source(owner, mine, theirs):
    panel = panels_of(owner.user)["leads"]
    assert {dataset["label"]: sum(dataset["data"]) for dataset in panel.datasets} == {
        "TikTok leads": 1,
        "Web pages scraped": 1,
    }


def test_job_success_counts_social_and_web_jobs(owner, mine, theirs):
    rows = panels_of(owner.user)["jobs"].table
    assert [(row["succeeded"], row["failed"], row["rate"]) for row in rows] == [(0, 1, 0), (1, 0, 100)]


def test_visits_and_companies_per_day(owner, mine, theirs):
    panel = panels_of(owner.user)["visits"]
    assert (sum(values(panel, "Visits")), sum(values(panel, "Identified companies"))) == (1, 1)


def test_staff_see_every_advertiser(staff, mine, theirs):
    panels = panels_of(staff.user)
    assert (panels["spend"].table[0]["spent"], sum(values(panels["reach"], "Reach"))) == (Decimal("125.00"), 4000)


def test_a_member_of_two_advertisers_sees_both_combined(owner, mine, theirs, outsider):
    MembershipFactory(user=owner.user, advertiser=outsider.advertiser)
    assert sum(values(panels_of(owner.user)["visits"], "Visits")) == 2


def test_an_advertiser_without_data_has_empty_panels(outsider):
    assert all(panel.empty for panel in panels_of(outsider.user).values())


def test_budget_used_counts_only_the_campaigns_with_a_budget(owner, mine):
    uncapped = CampaignFactory(advertiser=owner.advertiser, budget=None)
    PaymentFactory(task__campaign=uncapped, total=Decimal("500.00"))
    total = panels_of(owner.user)["spend"].table[0]
    assert (total["spent"], total["progress"]) == (Decimal("555.00"), 27)
