"""The influencer app's whole journey on a 390 × 844 phone screen in Chromium, never wider than the screen."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from tasks.models import Task
from tasks.services import approve_task

from ..factories import PASSWORD, MembershipFactory, PublisherFactory, SocialAccountFactory
from .factories import CampaignFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot_png(tmp_path):
    path = tmp_path / "post.png"
    Image.new("RGB", (64, 48), (30, 120, 200)).save(path, format="PNG")
    return path


def assert_fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide"


def test_publisher_journey_on_a_phone(live_server, phone, screenshot_png):
    publisher = PublisherFactory(user__username="phoebe")
    SocialAccountFactory(publisher=publisher)
    owner = MembershipFactory().user
    open_call = CampaignFactory(name="Open Call: a fairly long campaign name that has to wrap", tasks_leaderboard=True)
    to_leave = TaskFactory(publisher=publisher, campaign=CampaignFactory(name="Summer Style"), title="Summer post")
    page = phone

    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", publisher.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/app/")
    expect(page.locator("h1")).to_have_text("Campaigns")
    assert_fits(page)

    page.click(f"[data-campaign-id='{open_call.pk}'] h2 a")
    expect(page.locator("h1")).to_have_text(open_call.name)
    assert_fits(page)

    page.get_by_role("button", name="Join").click()
    expect(page.locator("[role=status]")).to_contain_text("You joined")
    expect(page.locator("article [data-badge]")).to_have_text("pending")
    assert_fits(page)

    page.fill("#id_post_url", "https://instagram.com/p/phoebe1")
    page.set_input_files("#id_screenshot", str(screenshot_png))
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator("article [data-badge]")).to_have_text("under review")
    expect(page.locator("[role=status]")).to_contain_text("under review")
    assert_fits(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    card = page.locator(f"[data-task-id='{to_leave.pk}']")
    card.get_by_role("link", name="Leave").click()
    page.get_by_role("button", name="Yes, leave the task").click()
    expect(page.locator("[role=status]")).to_contain_text("You left")
    expect(page.locator(f"[data-task-id='{to_leave.pk}'] [data-badge]")).to_have_text("left")
    assert_fits(page)

    # The advertiser approves the post: the influencer now counts on the campaign's leaderboard.
    approve_task(Task.objects.get(campaign=open_call, publisher=publisher), owner, {"reach": 1200})
    page.goto(f"{live_server.url}/app/campaigns/{open_call.pk}/")
    page.get_by_role("link", name="Leaderboard").click()
    expect(page.locator("h1")).to_have_text("Leaderboard")
    expect(page.locator("main")).to_contain_text(open_call.name)
    expect(page.locator("li.me[aria-current=true]")).to_contain_text("phoebe")
    assert_fits(page)


def sign_in(page, live_server, publisher) -> None:
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", publisher.user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/app/")


def test_leave_asks_first_and_keeping_the_task_changes_nothing(live_server, phone):
    publisher = PublisherFactory()
    task = TaskFactory(publisher=publisher, title="Summer post")
    sign_in(phone, live_server, publisher)

    phone.goto(f"{live_server.url}/app/tasks/{task.pk}/")
    phone.get_by_role("link", name="Leave task").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Leave “Summer post”?")
    expect(phone.get_by_role("button", name="Yes, leave the task")).to_be_visible()
    phone.get_by_role("link", name="Keep the task").click()

    expect(phone.locator("article [data-badge]")).to_have_text("pending")
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_the_completed_task_shows_its_screenshot(live_server, phone, screenshot_png, settings):
    settings.SERVE_MEDIA = True
    publisher = PublisherFactory()
    SocialAccountFactory(publisher=publisher)
    task = TaskFactory(publisher=publisher)
    sign_in(phone, live_server, publisher)

    phone.goto(f"{live_server.url}/app/tasks/{task.pk}/")
    phone.fill("#id_post_url", "https://instagram.com/p/shot")
    phone.set_input_files("#id_screenshot", str(screenshot_png))
    phone.get_by_role("button", name="Complete task").click()

    thumbnail = phone.get_by_role("img", name="Screenshot 1 of your post")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("image => image.complete && image.naturalWidth") == 64
    assert_fits(phone)
