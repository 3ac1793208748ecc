"""Admin in headless Chromium: a member runs a job and watches its bar move without a reload, then
cancels it; a web job's read-only fields follow the live panel to completion; and downloads selected
tasks as CSV."""

import csv
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from leads.jobs import claim, run
from leads.models import ConnectorCredential, ScrapeJob

from .campaigns.factories import TaskFactory
from .factories import PASSWORD, MembershipFactory
from .leads.factories import JobFactory, TargetFactory
from .web.factories import WebJobFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user, next_path: str) -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_path.split("?")[0])))


def advance_one_target(job: ScrapeJob) -> None:
    """What a worker does, through the job services: claim, start, finish the first of two targets."""
    assert claim.claim_next_job("browser-worker").pk == job.pk
    run.start_job(job.pk, "browser-worker")
    run.finish_unit(run.claim_unit(job.pk, 0), failed=False)


def test_member_runs_a_job_sees_it_move_then_cancels_it(page, live_server, advertiser):
    member = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user
    ConnectorCredential.objects.create(
        advertiser=advertiser, name="sandbox", provider=ConnectorCredential.Provider.SANDBOX, platform="instagram"
    )
    job = JobFactory(advertiser=advertiser, name="Nike followers")
    job.targets.set([TargetFactory(advertiser=advertiser) for _ in range(2)])
    log_in(page, live_server, member, f"/admin/leads/socialjob/{job.pk}/change/")

    page.click("form[data-transition=run] button")
    expect(page.locator(".messagelist")).to_contain_text("The job is queued.")
    expect(page.locator("form[data-transition=run]")).to_be_hidden()
    page.evaluate("window.notReloaded = true")

    advance_one_target(job)
    expect(page.locator("#job-status")).to_have_text("Running")
    expect(page.locator("#job-progress-text")).to_have_text("50%")
    expect(page.locator("#job-targets tr")).to_have_count(2)
    expect(page.locator("#job-targets")).to_contain_text("done")
    assert page.evaluate("window.notReloaded") is True

    page.click("form[data-transition=cancel] button")
    expect(page.locator(".messagelist")).to_contain_text("The job is cancelled.")
    expect(page.locator("#job-status")).to_have_text("Cancelled")
    expect(page.locator("form[data-transition=retry]")).to_be_visible()
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.CANCELLED


def test_a_web_jobs_fields_below_the_panel_follow_it_to_completion(page, live_server, advertiser):
    member = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user
    job = WebJobFactory(advertiser=advertiser, name="Shop catalogue", status=ScrapeJob.Status.RUNNING)
    log_in(page, live_server, member, f"/admin/leads/webjob/{job.pk}/change/")
    expect(page.locator(".field-status .readonly")).to_have_text("Running")
    page.evaluate("window.notReloaded = true")

    # What the crawl runner writes when the run ends.
    ScrapeJob.objects.filter(pk=job.pk).update(
        status=ScrapeJob.Status.COMPLETED, progress=100.0, items_scraped=12, completed_at=timezone.now()
    )

    expect(page.locator("#job-summary")).to_contain_text("12 pages scraped")
    expect(page.locator(".field-status .readonly")).to_have_text("Completed")
    expect(page.locator(".field-progress_bar .readonly")).to_contain_text("100%")
    expect(page.locator(".field-items_scraped .readonly")).to_have_text("12")
    expect(page.locator(".field-completed_at .readonly")).not_to_have_text("-")
    assert page.evaluate("window.notReloaded") is True


def test_member_downloads_selected_tasks_as_csv(page, live_server, advertiser, other_advertiser):
    member = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user
    chosen = TaskFactory(campaign__advertiser=advertiser, title="Summer post")
    TaskFactory(campaign__advertiser=advertiser, title="Not chosen")
    TaskFactory(campaign__advertiser=other_advertiser, title="Their post")
    log_in(page, live_server, member, "/admin/tasks/task/")

    page.check(f"input[name=_selected_action][value='{chosen.pk}']")
    page.select_option("select[name=action]", "export_csv")
    with page.expect_download() as download_info:
        page.click("button[name=index]")
    download = download_info.value

    assert download.suggested_filename == "tasks.csv"
    with open(download.path(), encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    assert rows[0][:2] == ["id", "title"] and rows[1:] == [rows[1]] and rows[1][1] == "Summer post"
