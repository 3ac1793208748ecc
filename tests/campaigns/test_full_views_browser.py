"""The app's full views on a phone-sized screen in Chromium: styled, no sideways scrolling."""

import pytest

from tasks.models import Task

from .factories import CampaignFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}


def serve(html: str):
    def handler(route) -> None:
        route.fulfill(body=html, content_type="text/html")

    return handler


def test_full_views_fit_a_phone(browser, live_server, app_credentials, publisher):
    campaign = CampaignFactory(
        name="A rather long campaign name that has to wrap on a small screen",
        hashtags=["#averyveryverylonghashtagthatmustwrap", "#summer"],
        description="<p>" + "Long description words " * 40 + "</p>",
    )
    TaskFactory(campaign=campaign, publisher=publisher.user.publisher)
    TaskFactory(campaign=campaign, status=Task.Status.PAID, reach=900)
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    page = context.new_page()
    headers = {
        "X-Client-Id": app_credentials[0],
        "X-Client-Secret": app_credentials[1],
        "Authorization": f"Bearer {publisher.token}",
        "Accept": "text/html",
    }
    views = {
        "/api/get/campaigns/": {},
        "/api/get/campaign/": {"id": campaign.pk},
        "/api/get/tasks/": {},
        "/api/get/leaderboard/": {"campaign_id": campaign.pk},
    }
    try:
        for path, body in views.items():
            # The app posts and shows the answer in its web view: do the same through a routed URL.
            answer = page.request.post(
                live_server.url + path, headers=headers, form={k: str(v) for k, v in body.items()}
            )
            assert answer.status == 200, path
            html = answer.text()
            shown = f"{live_server.url}/app-view{path}"
            page.route(shown, serve(html))
            page.goto(shown)
            assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui"), path
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    finally:
        context.close()
