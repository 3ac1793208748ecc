"""The campaign change form in headless Chromium: a member adds a hashtag chip, ticks a network, writes in the editor."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership

from ..factories import PASSWORD, MembershipFactory
from .factories import CampaignFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_edits_tags_networks_and_description_in_the_widgets(live_server, page):
    membership = MembershipFactory(role=Membership.Role.MANAGER)
    campaign = CampaignFactory(
        advertiser=membership.advertiser, hashtags=["#summer"], networks=["instagram"], description="<p>Old text</p>"
    )
    page.goto(f"{live_server.url}/admin/login/?next=/admin/campaigns/campaign/{campaign.pk}/change/")
    page.fill("#id_username", membership.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator(".tag-input-tag")).to_have_count(1)

    page.fill("input.tag-input-entry#id_hashtags", "acmeoutdoor")  # the entry the widget's script puts in
    page.keyboard.press("Enter")
    expect(page.locator(".tag-input-tag")).to_have_count(2)
    page.check("input[name=networks][value=tiktok]")
    editor = page.locator("#id_description_editor")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Tag us in your reel")
    expect(page.locator("#id_description_preview")).to_contain_text("Tag us in your reel")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)

    campaign.refresh_from_db()
    assert campaign.hashtags == ["#summer", "#acmeoutdoor"]
    assert campaign.networks == ["instagram", "tiktok"]
    assert campaign.description == "<p>Old text</p><p>Tag us in your reel</p>"
