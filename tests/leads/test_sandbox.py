"""The sandbox connector: deterministic fake data through the same job path as the real connectors."""

from __future__ import annotations

import pytest

from leads.connectors import Capability, FetchRequest, PermanentConnectorError, SpeedLimits, connector_for
from leads.connectors.sandbox import PAGE_SIZE, SandboxConnector
from leads.jobs import group_post_tasks, lifecycle
from leads.models import ConnectorCredential, ContentItem, Lead, ScrapeJob

from .factories import TargetFactory
from .test_jobs import run_to_end

pytestmark = pytest.mark.django_db


def sandbox_credential(advertiser, **extra) -> ConnectorCredential:
    return ConnectorCredential.objects.create(
        advertiser=advertiser, name=extra.pop("name", "sandbox"), provider=ConnectorCredential.Provider.SANDBOX, **extra
    )


@pytest.fixture
def sandbox(advertiser) -> SandboxConnector:
    return SandboxConnector(sandbox_credential(advertiser), SpeedLimits.for_mode("normal"))


def all_pages(connector, request: FetchRequest) -> list:
    pages, cursor = [], ""
    while True:
        page = connector.fetch_page(FetchRequest(**{**request.__dict__, "cursor": cursor}))
        pages.append(page)
        if page.is_last:
            return pages
        cursor = page.next_cursor


def followers_request(identifier: str = "nike", limit: int | None = None) -> FetchRequest:
    return FetchRequest(capability=Capability.FOLLOWERS, identifier=identifier, platform="instagram", limit=limit)


def test_the_same_target_gives_the_same_profiles(sandbox):
    first = [page.profiles for page in all_pages(sandbox, followers_request())]
    again = [page.profiles for page in all_pages(sandbox, followers_request())]
    assert first == again and first[0]


def test_different_targets_give_different_profiles(sandbox):
    nike = {profile.username for profile in sandbox.fetch_page(followers_request("nike")).profiles}
    adidas = {profile.username for profile in sandbox.fetch_page(followers_request("adidas")).profiles}
    assert nike != adidas


def test_pages_are_at_most_a_page_size_and_chain_by_cursor(sandbox):
    pages = all_pages(sandbox, followers_request())
    assert len(pages) > 1
    assert all(len(page.profiles) <= PAGE_SIZE for page in pages)
    usernames = [profile.username for page in pages for profile in page.profiles]
    assert len(usernames) >= 40


def test_the_unit_limit_caps_what_a_target_yields(sandbox):
    pages = all_pages(sandbox, followers_request(limit=30))
    assert sum(len(page.profiles) for page in pages) == 30


def test_some_profiles_have_outreach_contacts_and_all_look_real(sandbox):
    profiles = [profile for page in all_pages(sandbox, followers_request()) for profile in page.profiles]
    assert any(profile.emails for profile in profiles) and any(not profile.emails for profile in profiles)
    assert all(profile.full_name and profile.bio and profile.followers for profile in profiles)


def test_a_fail_target_answers_a_permanent_error(sandbox):
    with pytest.raises(PermanentConnectorError, match="fail-"):
        sandbox.fetch_page(followers_request("@fail-private-account"))


def test_an_empty_target_answers_one_empty_last_page(sandbox):
    page = sandbox.fetch_page(followers_request("empty-new-account"))
    assert page.is_last and not page.profiles


def test_hashtag_posts_come_with_their_authors(sandbox):
    request = FetchRequest(capability=Capability.HASHTAG_POSTS, identifier="#fitness", platform="instagram")
    page = sandbox.fetch_page(request)
    assert page.posts and [post.username for post in page.posts] == [profile.username for profile in page.profiles]
    assert all("#fitness" in post.text for post in page.posts)


def test_group_posts_have_no_profiles(sandbox):
    request = FetchRequest(capability=Capability.GROUP_POSTS, identifier="123456789", platform="facebook")
    page = sandbox.fetch_page(request)
    assert page.posts and not page.profiles
    assert all(post.platform == "facebook" and post.author for post in page.posts)


def test_a_profile_is_the_same_for_the_same_username(sandbox):
    assert sandbox.profile("instagram", "coach_anna") == sandbox.profile("instagram", "coach_anna")


def test_the_sandbox_serves_every_platform_and_kind(advertiser):
    sandbox_credential(advertiser)
    for kind, platform in (("followers", "tiktok"), ("likers", "instagram"), ("group_posts", "facebook")):
        assert isinstance(connector_for(advertiser.pk, kind, platform, "normal"), SandboxConnector)


def test_a_real_credential_is_preferred_to_the_sandbox(advertiser):
    sandbox_credential(advertiser)
    graph = ConnectorCredential(
        advertiser=advertiser, name="graph", provider=ConnectorCredential.Provider.INSTAGRAM_GRAPH, account_id="1784"
    )
    graph.set_secret("token")
    graph.save()
    assert connector_for(advertiser.pk, "hashtag", "instagram", "normal").name == "Instagram Graph API"


# ---------------------------------------------------------------------------------------
# Whole jobs through the job service, as the Celery tasks run them
# ---------------------------------------------------------------------------------------
def run_followers_job(advertiser, identifier: str, **fields) -> ScrapeJob:
    sandbox_credential(advertiser)
    target = TargetFactory(advertiser=advertiser, identifier=identifier)
    job = lifecycle.create_job(advertiser_id=advertiser.pk, kind="followers", targets=[target], **fields)
    lifecycle.queue_job(job)
    return run_to_end(job)


def test_a_followers_job_finishes_with_leads(advertiser):
    job = run_followers_job(advertiser, "nike", max_leads=60)
    assert job.status == ScrapeJob.Status.COMPLETED
    assert Lead.objects.filter(advertiser=advertiser, job=job).count() == job.leads_stored == 60


def test_a_job_of_fail_targets_only_ends_failed_with_the_reason(advertiser):
    job = run_followers_job(advertiser, "fail-suspended", max_retries=0)
    assert job.status == ScrapeJob.Status.FAILED and "fail-suspended" in job.error


def test_a_group_post_task_finishes_with_posts(advertiser):
    sandbox_credential(advertiser)
    job = group_post_tasks.create_group_post_task(advertiser_id=advertiser.pk, group_id="123456789", max_posts=40)
    job = run_to_end(job)
    assert job.status == ScrapeJob.Status.COMPLETED
    assert ContentItem.objects.filter(advertiser=advertiser, job=job, platform="facebook").count() == 40
