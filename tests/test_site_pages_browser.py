"""The site's error page in headless Chromium: a mistyped link lands on the styled 404."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_missing_page_renders_with_the_site_stylesheet(page, live_server):
    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    # site.css lays the header out as a flex row: only a loaded stylesheet does that.
    assert page.locator(".site-header").evaluate("element => getComputedStyle(element).display") == "flex"
