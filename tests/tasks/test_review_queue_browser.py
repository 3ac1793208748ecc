"""The review queue in headless Chromium: an advertiser member approves one task, then pays it."""

import re

import pytest

from accounts.models import Membership
from tasks.models import Payment, Task

from ..campaigns.factories import CampaignFactory, SubmissionFactory
from ..factories import PASSWORD, MembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_member_approves_then_pays_a_task(page, live_server, advertiser):
    member = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user
    campaign = CampaignFactory(advertiser=advertiser, name="Summer Style")
    task = SubmissionFactory(task__campaign=campaign, task__title="Post about summer").task
    other = SubmissionFactory(task__campaign=campaign, task__title="Another post").task

    page.goto(f"{live_server.url}/admin/login/?next=/admin/tasks/task/?status__exact=under_review")
    page.fill("#id_username", member.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(re.compile(r"/admin/tasks/task/"))

    # Bulk action with one task selected: approve it.
    page.check(f"input[name=_selected_action][value='{task.pk}']")
    page.select_option("select[name=action]", "approve_selected")
    page.click("button[name=index]")
    page.wait_for_selector("text=1 task(s) approved.")

    # One by one from the task's page: pay it.
    page.goto(f"{live_server.url}/admin/tasks/task/{task.pk}/change/")
    page.click("form.review-action button[value=pay]")
    page.wait_for_selector("text=1 task(s) paid.")

    task.refresh_from_db()
    other.refresh_from_db()
    assert task.status == Task.Status.PAID
    assert other.status == Task.Status.UNDER_REVIEW
    assert Payment.objects.get(task=task).paid_by == member
