"""axe-core finds no serious or critical violation on the pages people sign in to and work in."""

from __future__ import annotations

import pytest

from accounts.models import Membership

from ..factories import PASSWORD, MembershipFactory
from .accessibility import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PUBLIC_PAGES = ["/login/", "/admin/login/"]
MEMBER_PAGES = [
    "/admin/",
    "/admin/campaigns/campaign/",
    "/admin/tasks/task/",
    "/admin/leads/socialjob/",
    "/admin/leads/webjob/",
    "/admin/leads/lead/",
    "/admin/accounts/membership/",
    "/admin/accounts/invitation/add/",
    "/settings/tokens/",
]


@pytest.fixture
def member_page(live_server, page):
    user = MembershipFactory(role=Membership.Role.OWNER).user
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    return page


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_serious_violation(live_server, page, path):
    page.goto(live_server.url + path)
    assert serious_violations(page) == []


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_member_page_has_no_serious_violation(live_server, member_page, path):
    member_page.goto(live_server.url + path)
    assert serious_violations(member_page) == []
