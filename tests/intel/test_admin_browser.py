"""Admin in headless Chromium: a member logs in and copies their site's tracking snippet."""

import pytest

from accounts.models import Membership

from ..factories import PASSWORD, MembershipFactory
from .factories import SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_copies_the_snippet_of_their_site(page, live_server, settings):
    settings.SITE_URL = live_server.url
    membership = MembershipFactory(role=Membership.Role.OWNER)
    site = SiteFactory(advertiser=membership.advertiser, name="Outdoor shop", domain="shop.example")
    SiteFactory(name="Someone else's shop", domain="else.example")

    page.goto(f"{live_server.url}/admin/login/?next=/admin/intel/site/")
    page.fill("input[name=username]", membership.user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#result_list")
    assert "Outdoor shop" in page.content()
    assert "Someone else's shop" not in page.content()

    page.click("text=Outdoor shop")
    snippet = page.input_value("textarea[readonly]")
    assert f'data-site-key="{site.key}"' in snippet
    assert f'src="{live_server.url}/static/intel/tracker.js"' in snippet
    assert f'data-endpoint="{live_server.url}/api/intel/v1/collect/"' in snippet
