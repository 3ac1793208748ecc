"""The dashboard and the campaign list in headless Chromium: charts drawn, the list fits 1366 px."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.models import Membership

from ..campaigns.factories import CampaignFactory, PaymentFactory
from ..factories import PASSWORD, MembershipFactory, StaffFactory
from .conftest import activity

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LAPTOP = {"width": 1366, "height": 768}
SHOTS = os.environ.get("DASHBOARD_SCREENSHOTS")  # a folder: keep screenshots to look at


def log_in(page, live_server, user, next_url: str) -> None:
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/admin/login/?next={next_url}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")


def test_member_sees_the_charts_drawn(page, live_server):
    membership = MembershipFactory(role=Membership.Role.OWNER)
    activity(membership.advertiser)
    log_in(page, live_server, membership.user, "/admin/")
    expect(page.locator("#dashboard canvas[data-chart]")).to_have_count(7)
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 7")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard.png", full_page=True)


def test_campaign_list_fits_a_1366_px_screen(page, live_server):
    staff = StaffFactory()  # staff see the advertiser column too: the widest list
    for n in range(5):
        campaign = CampaignFactory(
            name=f"Autumn outdoor collection launch {n}",
            budget=Decimal("1250000.00"),
            advertiser__name="Acme Outdoor Equipment International",
        )
        PaymentFactory(task__campaign=campaign, total=Decimal("312500.00"))
    log_in(page, live_server, staff, "/admin/campaigns/campaign/")
    expect(page.locator("#result_list tbody tr")).to_have_count(5)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/campaigns.png", full_page=True)
    widths = page.evaluate("""() => ({
        page: document.documentElement.scrollWidth,
        table: document.querySelector('#result_list').scrollWidth,
        room: document.querySelector('#changelist-form .results').clientWidth,
        columns: [...document.querySelectorAll('#result_list tbody tr:first-child > *')].map(
            cell => cell.className + ':' + cell.offsetWidth + ':' + getComputedStyle(cell).whiteSpace).join(' '),
    })""")
    assert widths["page"] <= LAPTOP["width"], widths
    assert widths["table"] <= widths["room"], widths  # the list's own scroll box does not scroll either


def test_campaign_page_draws_its_statistics(page, live_server):
    membership = MembershipFactory(role=Membership.Role.VIEWER)
    campaign = activity(membership.advertiser)["campaign"]
    log_in(page, live_server, membership.user, f"/admin/campaigns/campaign/{campaign.pk}/change/")
    expect(page.locator("#dashboard canvas[data-chart]")).to_have_count(3)
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 3")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/campaign.png", full_page=False)
