"""An owner invites a colleague in admin; the colleague follows the e-mailed link and signs up, in headless Chromium."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from accounts.models import Membership

from ..browser.accessibility import serious_violations
from ..factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_invited_colleague_signs_up_through_the_emailed_link(live_server, browser, page, smtp_inbox):
    owner = MembershipFactory(role=Membership.Role.OWNER)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", owner.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto(f"{live_server.url}/admin/accounts/membership/")
    page.click("text=Invite by e-mail")
    page.fill("input[name=email]", "colleague@example.com")
    page.select_option("select[name=role]", "manager")
    page.click("input[name=_save]")
    expect(page.locator(".messagelist")).to_contain_text("Invitation e-mailed to colleague@example.com")

    [link] = smtp_inbox.links(smtp_inbox.messages[-1], "/invitations/")
    invitee = browser.new_context().new_page()
    invitee.goto(live_server.url + urlsplit(link).path)
    assert serious_violations(invitee) == []
    invitee.fill("#id_username", "colleague")
    invitee.fill("#id_password1", PASSWORD)
    invitee.fill("#id_password2", PASSWORD)
    invitee.click("#signup-and-accept button[type=submit]")
    expect(invitee.locator(".message")).to_have_text(f"You joined {owner.advertiser.name} as manager.")
    assert Membership.objects.get(user__username="colleague").advertiser == owner.advertiser
