"""The API token settings page, driven in headless Chromium: log in, create, see once, revoke."""

import pytest
import requests
from playwright.sync_api import expect

from ..factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN_RESET = "/api/intel/v1/api-token-reset/"


def test_tokens_page_create_show_once_and_revoke(live_server, page):
    user = MembershipFactory().user
    page.goto(f"{live_server.url}/login/?next=/settings/tokens/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/settings/tokens/")

    page.fill("#id_name", "ci token")
    page.click("#create-token button[type=submit]")
    secret = page.text_content("#new-token").strip()
    assert secret.startswith("lp_")
    assert (
        requests.post(live_server.url + TOKEN_RESET, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    )

    page.reload()
    assert page.locator("#new-token").count() == 0
    assert secret not in page.content()

    row = page.locator(f"tr[data-token-prefix='{secret[:11]}']")
    row.locator("button", has_text="Revoke").click()
    expect(page.locator(f"tr[data-token-prefix='{secret[:11]}'] .status")).to_have_text("revoked")
    assert (
        requests.post(live_server.url + TOKEN_RESET, headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    )


def test_login_page_refuses_a_wrong_password(live_server, page):
    user = MembershipFactory().user
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    expect(page.locator("[role=alert]")).to_have_count(1)
