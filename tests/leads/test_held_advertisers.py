"""A held advertiser (suspended or closed) keeps its work waiting, and reactivation resumes it."""

from __future__ import annotations

from unittest import mock

import pytest

from accounts import services
from leads.engine import runner
from leads.jobs import claim, lifecycle
from leads.models import ScrapeJob
from leads.web import jobs as webjobs
from tests.web.factories import WebJobFactory

from .factories import TargetFactory

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HOLDS = [services.suspend_advertiser, services.deactivate_advertiser]


@pytest.fixture
def web_delay():
    with mock.patch("leads.tasks.run_web_job.delay") as delay:
        yield delay


@pytest.mark.parametrize("hold", HOLDS)
def test_a_held_advertisers_crawl_is_not_claimed(advertiser, hold, web_delay):
    job = WebJobFactory(advertiser=advertiser)
    hold(advertiser)
    assert runner.claim(job.pk, worker="worker") is None


@pytest.mark.parametrize("hold", HOLDS)
def test_a_held_crawl_stays_pending(advertiser, hold, web_delay):
    job = WebJobFactory(advertiser=advertiser)
    hold(advertiser)
    runner.claim(job.pk, worker="worker")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (ScrapeJob.Status.PENDING, 0)


@pytest.mark.parametrize("hold", HOLDS)
def test_a_held_advertisers_waiting_crawls_are_not_sent(advertiser, hold, web_delay):
    WebJobFactory(advertiser=advertiser)
    hold(advertiser)
    assert runner.start_waiting_crawls() == 0


@pytest.mark.parametrize("hold", HOLDS)
def test_a_held_advertisers_scheduled_crawl_skips_its_run(advertiser, hold, web_delay):
    job = WebJobFactory(advertiser=advertiser, status=ScrapeJob.Status.COMPLETED)
    hold(advertiser)
    webjobs.rerun_scheduled_web_job(job.pk)
    job.refresh_from_db()
    assert job.status == ScrapeJob.Status.COMPLETED


@pytest.mark.parametrize("hold", HOLDS)
def test_reactivation_dispatches_the_held_work_after_commit(advertiser, hold, django_capture_on_commit_callbacks):
    hold(advertiser)
    with mock.patch("leads.tasks.dispatch_scrape_jobs.delay") as dispatch:
        with django_capture_on_commit_callbacks(execute=True):
            services.reactivate_advertiser(advertiser)
    dispatch.assert_called_once_with()


def test_the_dispatch_sends_a_reactivated_advertisers_crawls(advertiser, web_delay):
    from leads.tasks import dispatch_scrape_jobs

    job = WebJobFactory(advertiser=advertiser)
    services.suspend_advertiser(advertiser)
    services.reactivate_advertiser(advertiser)
    dispatch_scrape_jobs()
    web_delay.assert_called_once_with(job.pk)


def test_a_closed_advertisers_queued_lead_job_is_not_claimed(advertiser):
    job = lifecycle.create_job(
        advertiser_id=advertiser.pk, kind="followers", targets=[TargetFactory(advertiser=advertiser)], name="closed"
    )
    lifecycle.queue_job(job)
    services.deactivate_advertiser(advertiser)
    assert (claim.claim_next_job("w"), claim.due_queued_job_count()) == (None, 0)


def test_a_closed_advertisers_schedule_skips_its_run(advertiser):
    job = lifecycle.create_job(
        advertiser_id=advertiser.pk, kind="followers", targets=[TargetFactory(advertiser=advertiser)], name="scheduled"
    )
    services.deactivate_advertiser(advertiser)
    lifecycle.queue_scheduled_job(job.pk)
    job.dispatch.refresh_from_db()
    assert job.dispatch.queued_at is None


def test_a_reactivated_closed_advertisers_queued_job_is_claimed(advertiser):
    job = lifecycle.create_job(
        advertiser_id=advertiser.pk, kind="followers", targets=[TargetFactory(advertiser=advertiser)], name="reopened"
    )
    lifecycle.queue_job(job)
    services.deactivate_advertiser(advertiser)
    services.reactivate_advertiser(advertiser)
    assert claim.claim_next_job("w").pk == job.pk
