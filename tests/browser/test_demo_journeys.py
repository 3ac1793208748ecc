"""The page journeys as people run them on `make run`, with the demo data and credentials.

The platform runs as `make run` starts it (bin/run: the web server, a real Celery worker and beat
on the embedded database), driven in Chromium:
- the advertiser's owner reads the dashboard, edits a campaign through its widgets, runs a crawl
  and watches its bar move to the end without a reload, runs it again and cancels it, and exports
  tasks;
- an influencer, on a 390 × 844 phone screen, signs in, joins a campaign, completes the task with
  a screenshot, sees it under review, and leaves another task.
Every page on the way has no serious accessibility violation (axe-core). The README's two
screenshots come from here: `make screenshots` writes them to docs/screenshots/.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from ..platform_run import ROOT, running_demo
from .accessibility import serious_violations

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
CRAWL_WITHIN_MS = 120_000


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """(base URL, the credentials `seed_demo --json` prints) of the running platform."""
    with running_demo(tmp_path_factory.mktemp("pages")) as running:
        yield running


@pytest.fixture
def screenshots(tmp_path):
    """Where the screenshots go: docs/screenshots/ when SCREENSHOTS_DIR says so, else a temporary folder."""
    folder = tmp_path / "screenshots"
    folder.mkdir()
    yield folder
    target = os.environ.get("SCREENSHOTS_DIR")
    if target:
        for shot in folder.glob("*.png"):
            shutil.copy(shot, (ROOT / target) / shot.name)


def new_page(browser, viewport: dict, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def accessible(page) -> None:
    assert serious_violations(page) == [], page.url


def take_screenshot(page, path: Path) -> None:
    page.wait_for_timeout(1000)  # lets the charts' entry animation end, for the picture only
    page.screenshot(path=str(path))
    with Image.open(path) as image:
        assert image.size == (page.viewport_size["width"], page.viewport_size["height"])


def test_the_advertisers_journey(demo, browser, screenshots):
    base, credentials = demo
    advertiser = credentials["advertisers"][0]
    context, page = new_page(browser, DESKTOP, accept_downloads=True)

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", advertiser["owner"]["username"])
    page.fill("#id_password", advertiser["owner"]["password"])
    page.click("input[type=submit]")
    page.wait_for_function("window.Chart && Object.keys(Chart.instances).length >= 7")
    accessible(page)
    take_screenshot(page, screenshots / "dashboard.png")

    # A campaign, through the tag, network and rich-text widgets.
    page.goto(f"{base}/admin/campaigns/campaign/")
    page.get_by_role("link", name=f"{advertiser['name']}: Summer Style").click()
    page.fill("input.tag-input-entry#id_hashtags", "trailready")  # the entry the widget's script puts in
    page.keyboard.press("Enter")
    expect(page.locator(".tag-input-tag", has_text="trailready")).to_have_count(1)
    page.check("input[name=networks][value=tiktok]")
    page.locator("#id_description_editor").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Tag us in your reel.")
    expect(page.locator("#id_description_preview")).to_contain_text("Tag us in your reel.")
    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_have_count(1)
    expect(page.locator(".tag-input-tag", has_text="#trailready")).to_have_count(1)
    expect(page.locator("input[name=networks][value=tiktok]")).to_be_checked()
    accessible(page)

    # A crawl of the demo shop: run, watch the bar without a reload, then run again and cancel.
    page.goto(f"{base}/admin/leads/webjob/?q=outdoor+catalogue")
    page.locator("#result_list th a", has_text="Demo: outdoor catalogue").click()
    page.click("form[data-transition=run] button")
    expect(page.locator(".messagelist")).to_contain_text("The job is queued.")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#job-status")).to_have_text("Completed", timeout=CRAWL_WITHIN_MS)
    expect(page.locator("#job-progress-text")).to_have_text("100%")
    assert page.evaluate("window.notReloaded") is True
    expect(page.locator("#job-results-link")).to_be_visible()
    accessible(page)

    # The real worker may finish the second run before the page is drawn or while the cancel runs:
    # then the refusal says why.
    # (tests/test_admin_job_page_browser.py cancels a job that cannot finish meanwhile.)
    page.click("form[data-transition=run] button")
    expect(page.locator(".messagelist")).to_contain_text("The job is queued.")
    page.click("form[data-transition=cancel] button")
    expect(page.locator(".messagelist")).to_contain_text(
        re.compile(
            r"The job is cancelled\."
            r"|The job is completed: it cannot be cancelled now\."
            r"|The job finished meanwhile: nothing to cancel\."
        )
    )
    expect(page.locator("#job-status")).to_have_text(re.compile("Cancelled|Completed"))

    # Tasks, exported as CSV.
    page.goto(f"{base}/admin/tasks/task/")
    accessible(page)
    page.check("#action-toggle")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download:
        page.click("button[name=index]")
    with open(download.value.path(), encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["id", "title"] and len(rows) > 1
    context.close()


def test_the_publishers_journey_on_a_phone(demo, browser, screenshots, tmp_path):
    base, credentials = demo
    publisher = next(p for p in credentials["publishers"] if p["username"] == "anna")
    upload = tmp_path / "post.png"
    Image.new("RGB", (320, 240), (40, 140, 90)).save(upload, format="PNG")
    context, page = new_page(browser, PHONE, is_mobile=True, has_touch=True)

    page.goto(f"{base}/login/")
    accessible(page)
    page.fill("#id_username", publisher["username"])
    page.fill("#id_password", publisher["password"])
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/app/")
    accessible(page)
    take_screenshot(page, screenshots / "influencer-app.png")

    page.locator("[data-campaign-id] h2 a", has_text="Open Call").first.click()
    page.get_by_role("button", name="Join").click()
    expect(page.locator("[role=status]")).to_contain_text("You joined")
    page.fill("#id_post_url", "https://instagram.com/p/anna-open-call")
    page.set_input_files("#id_screenshot", str(upload))
    page.get_by_role("button", name="Complete task").click()
    expect(page.locator("article [data-badge]")).to_have_text("under review")
    accessible(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    pending = page.locator("[data-task-id]", has=page.locator("[data-badge]", has_text="pending")).first
    left_id = pending.get_attribute("data-task-id")
    pending.get_by_role("link", name="Leave").click()
    accessible(page)
    page.get_by_role("button", name="Yes, leave the task").click()
    expect(page.locator("[role=status]")).to_contain_text("You left")
    expect(page.locator(f"[data-task-id='{left_id}'] [data-badge]")).to_have_text("left")
    accessible(page)
    context.close()
