"""The influencer app's pages (/app/): each step of the journey, the refusals in words, and who may use them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import Campaign
from tasks.models import Screenshot, Task

from ..factories import PASSWORD, MembershipFactory, PublisherFactory, SocialAccountFactory, UserFactory
from .factories import CampaignFactory, TaskFactory
from .images import png_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher():
    publisher = PublisherFactory()
    SocialAccountFactory(publisher=publisher)
    return publisher


@pytest.fixture
def signed_in(client, publisher):
    client.force_login(publisher.user)
    return client


def text(response) -> str:
    return response.content.decode()


def own_task(publisher, **kwargs) -> Task:
    return TaskFactory(publisher=publisher, **kwargs)


# ------------------------------------------------------------------------------
# Signing in and who may use the pages
# ------------------------------------------------------------------------------
def test_a_publisher_signing_in_lands_on_the_campaign_list(client, publisher):
    response = client.post("/login/", {"username": publisher.user.username, "password": PASSWORD})
    assert response.headers["Location"] == "/app/"


def test_an_advertiser_member_signing_in_lands_where_they_did(client):
    member = MembershipFactory().user
    response = client.post("/login/", {"username": member.username, "password": PASSWORD})
    assert response.headers["Location"] == "/settings/tokens/"


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/app/tasks/")
    assert response.status_code == 302 and response.headers["Location"] == "/login/?next=/app/tasks/"


def test_an_advertiser_member_is_not_treated_as_a_publisher(client):
    client.force_login(MembershipFactory().user)
    response = client.get("/app/")
    assert response.status_code == 403 and "These pages are for influencers" in text(response)


def test_the_refusal_for_a_member_links_back_to_their_own_landing_page(client):
    client.force_login(MembershipFactory().user)
    assert 'href="/settings/tokens/">Back' in text(client.get("/app/tasks/"))


def test_login_page_names_the_demo_publisher_once_seeded(client, settings):
    from accounts import demo

    settings.DEBUG = True
    UserFactory(username=demo.PLATFORM_USERNAME)
    PublisherFactory(user__username=demo.PUBLISHERS[0]["username"])
    hint = f"{demo.PUBLISHERS[0]['username']}</strong> / {demo.DEMO_PASSWORD}"
    assert hint in text(client.get("/login/"))


# ------------------------------------------------------------------------------
# Campaigns
# ------------------------------------------------------------------------------
def test_campaign_list_links_each_campaign_with_its_badge(signed_in):
    campaign = CampaignFactory(name="Bright Summer")
    page = text(signed_in.get("/app/"))
    assert f'href="/app/campaigns/{campaign.pk}/"' in page and 'data-badge="active"' in page


def test_a_campaign_whose_end_passed_is_badged_ended(signed_in):
    CampaignFactory(date_start=timezone.now() - timedelta(days=9), date_end=timezone.now() - timedelta(days=1))
    page = text(signed_in.get("/app/"))
    assert 'data-badge="ended"' in page and 'data-badge="active"' not in page


def test_all_lists_running_campaigns_before_ended_ones(signed_in):
    now = timezone.now()
    long_ended = CampaignFactory(date_start=now - timedelta(days=90), date_end=now - timedelta(days=60))
    just_ended = CampaignFactory(date_start=now - timedelta(days=9), date_end=now - timedelta(days=1))
    open_ended = CampaignFactory(date_end=None)
    closing_soon = CampaignFactory(date_end=now + timedelta(days=2))
    upcoming = CampaignFactory(status=Campaign.Status.PENDING, date_start=now + timedelta(days=3))
    cards = [card["campaign"] for card in signed_in.get("/app/?filter=all").context["cards"]]
    assert cards == [closing_soon, open_ended, upcoming, just_ended, long_ended]


def test_a_joined_campaign_is_badged_joined(signed_in, publisher):
    own_task(publisher)
    assert 'data-badge="joined"' in text(signed_in.get("/app/?filter=joined"))


def test_campaign_list_queries_do_not_grow_with_the_page(signed_in, publisher, django_assert_max_num_queries):
    for _ in range(8):
        own_task(publisher)
    with django_assert_max_num_queries(12):
        assert signed_in.get("/app/").status_code == 200


def test_dates_use_one_format(signed_in):
    end = timezone.localtime(timezone.now() + timedelta(days=30))
    campaign = CampaignFactory(date_end=end)
    assert end.strftime("%-d %b %Y, %H:%M") in text(signed_in.get(f"/app/campaigns/{campaign.pk}/"))


def test_campaign_detail_offers_join(signed_in):
    campaign = CampaignFactory()
    assert f'action="/app/campaigns/{campaign.pk}/join/"' in text(signed_in.get(f"/app/campaigns/{campaign.pk}/"))


def test_an_ended_campaign_offers_no_join(signed_in):
    campaign = CampaignFactory(
        date_start=timezone.now() - timedelta(days=9), date_end=timezone.now() - timedelta(days=1)
    )
    page = text(signed_in.get(f"/app/campaigns/{campaign.pk}/"))
    assert 'data-badge="ended"' in page and "/join/" not in page


def test_a_joined_campaign_links_the_task_and_shows_its_status(signed_in, publisher):
    task = own_task(publisher, status=Task.Status.PAID)
    page = text(signed_in.get(f"/app/campaigns/{task.campaign_id}/"))
    assert f'href="/app/tasks/{task.pk}/"' in page and 'data-badge="paid"' in page


def test_an_unknown_campaign_is_a_404_page(signed_in):
    response = signed_in.get("/app/campaigns/999999/")
    assert response.status_code == 404 and "Campaign not found." in text(response)


def test_join_creates_the_task_and_opens_it(signed_in, publisher):
    campaign = CampaignFactory()
    response = signed_in.post(f"/app/campaigns/{campaign.pk}/join/")
    task = Task.objects.get(campaign=campaign, publisher=publisher)
    assert response.headers["Location"] == f"/app/tasks/{task.pk}/"


def test_joining_twice_joins_once_and_says_why(signed_in, publisher):
    campaign = CampaignFactory()
    signed_in.post(f"/app/campaigns/{campaign.pk}/join/")
    second = signed_in.post(f"/app/campaigns/{campaign.pk}/join/")
    assert second.status_code == 409 and "You have already joined this campaign." in text(second)
    assert Task.objects.filter(campaign=campaign, publisher=publisher).count() == 1


def test_join_refusal_shows_the_services_message(client):
    publisher = PublisherFactory()  # no approved network account
    client.force_login(publisher.user)
    campaign = CampaignFactory()
    response = client.post(f"/app/campaigns/{campaign.pk}/join/")
    assert response.status_code == 403
    assert "You need an approved account on one of this campaign&#x27;s networks." in text(response)


def test_join_needs_the_csrf_token(publisher):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(publisher.user)
    assert client.post(f"/app/campaigns/{CampaignFactory().pk}/join/").status_code == 403
    assert not Task.objects.exists()


# ------------------------------------------------------------------------------
# Tasks
# ------------------------------------------------------------------------------
def test_task_list_shows_status_and_deadline(signed_in, publisher):
    task = own_task(publisher, status=Task.Status.UNDER_REVIEW)
    page = text(signed_in.get("/app/tasks/"))
    assert 'data-badge="under_review"' in page
    assert timezone.localtime(task.deadline).strftime("%-d %b %Y, %H:%M") in page


def test_task_list_queries_do_not_grow_with_the_page(signed_in, publisher, django_assert_max_num_queries):
    for _ in range(8):
        own_task(publisher)
    with django_assert_max_num_queries(10):
        assert signed_in.get("/app/tasks/").status_code == 200


def test_another_publishers_task_is_a_404(signed_in):
    task = TaskFactory()
    response = signed_in.get(f"/app/tasks/{task.pk}/")
    assert response.status_code == 404 and "Task not found." in text(response)


def test_another_publishers_task_cannot_be_completed(signed_in):
    task = TaskFactory()
    response = signed_in.post(f"/app/tasks/{task.pk}/complete/", {"post_url": "https://instagram.com/p/1"})
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING


def test_complete_with_a_screenshot_puts_the_task_under_review(signed_in, publisher):
    task = own_task(publisher)
    response = signed_in.post(
        f"/app/tasks/{task.pk}/complete/",
        {
            "post_url": "https://instagram.com/p/abc",
            "screenshot": upload(png_bytes()),
        },
        follow=True,
    )
    assert 'data-badge="under_review"' in text(response)
    assert Screenshot.objects.filter(submission__task=task).exclude(image="").count() == 1


def test_a_bad_upload_shows_the_validation_message(signed_in, publisher):
    task = own_task(publisher)
    response = signed_in.post(
        f"/app/tasks/{task.pk}/complete/",
        {
            "post_url": "https://instagram.com/p/abc",
            "screenshot": upload(b"not an image", "shot.png"),
        },
    )
    assert response.status_code == 400 and "Request failed" not in text(response)
    assert "image" in text(response).split('role="alert">')[1].split("<")[0].lower()


def test_completing_twice_is_refused_with_the_rule(signed_in, publisher):
    task = own_task(publisher)
    signed_in.post(f"/app/tasks/{task.pk}/complete/", {"post_url": "https://instagram.com/p/abc"})
    again = signed_in.post(f"/app/tasks/{task.pk}/complete/", {"post_url": "https://instagram.com/p/abc"})
    assert again.status_code == 409
    assert "Only a pending task can be completed; this one is under review." in text(again)


def test_a_passed_deadline_is_refused_with_the_rule(signed_in, publisher):
    task = own_task(publisher)
    Task.objects.filter(pk=task.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = signed_in.post(f"/app/tasks/{task.pk}/complete/", {"post_url": "https://instagram.com/p/abc"})
    assert response.status_code == 409 and "The deadline of this task has passed." in text(response)


def test_leave_gives_the_task_up(signed_in, publisher):
    task = own_task(publisher)
    response = signed_in.post(f"/app/tasks/{task.pk}/leave/", follow=True)
    task.refresh_from_db()
    assert task.status == Task.Status.LEFT and "You left" in text(response)


def test_leaving_a_task_under_review_is_refused_with_the_rule(signed_in, publisher):
    task = own_task(publisher, status=Task.Status.UNDER_REVIEW)
    response = signed_in.post(f"/app/tasks/{task.pk}/leave/")
    assert response.status_code == 409
    assert "Only a pending task can be left; this one is under review." in text(response)


def test_leave_asks_for_confirmation_and_changes_nothing(signed_in, publisher):
    task = own_task(publisher)
    page = text(signed_in.get(f"/app/tasks/{task.pk}/leave/"))
    task.refresh_from_db()
    assert task.status == Task.Status.PENDING
    assert f'action="/app/tasks/{task.pk}/leave/"' in page and "Yes, leave the task" in page


def test_the_task_pages_link_to_the_confirmation_not_a_leave_button(signed_in, publisher):
    task = own_task(publisher)
    for url in ("/app/tasks/", f"/app/tasks/{task.pk}/"):
        page = text(signed_in.get(url))
        assert f'<a class="button secondary" href="/app/tasks/{task.pk}/leave/">' in page
        assert f'<form method="post" action="/app/tasks/{task.pk}/leave/"' not in page


def test_the_confirmation_of_a_task_that_cannot_be_left_gives_the_rule(signed_in, publisher):
    task = own_task(publisher, status=Task.Status.UNDER_REVIEW)
    response = signed_in.get(f"/app/tasks/{task.pk}/leave/")
    assert response.status_code == 409
    assert "Only a pending task can be left; this one is under review." in text(response)


def test_the_confirmation_of_another_influencers_task_is_a_404(signed_in):
    task = TaskFactory()
    assert signed_in.get(f"/app/tasks/{task.pk}/leave/").status_code == 404


def test_the_completed_task_shows_its_screenshot(signed_in, publisher):
    task = own_task(publisher)
    signed_in.post(
        f"/app/tasks/{task.pk}/complete/",
        {"post_url": "https://instagram.com/p/abc", "screenshot": upload(png_bytes())},
    )
    image = Screenshot.objects.get(submission__task=task).image
    assert f'<img src="{image.url}" alt="Screenshot 1 of your post"' in text(signed_in.get(f"/app/tasks/{task.pk}/"))


# ------------------------------------------------------------------------------
# Leaderboard
# ------------------------------------------------------------------------------
def test_leaderboard_names_the_campaign_and_marks_the_viewer(signed_in, publisher):
    campaign = CampaignFactory(name="Glow Week", tasks_leaderboard=True)
    own_task(publisher, campaign=campaign, status=Task.Status.ACCEPTED)
    TaskFactory(campaign=campaign, status=Task.Status.PAID, reach=900)
    page = text(signed_in.get(f"/app/campaigns/{campaign.pk}/leaderboard/"))
    assert "Glow Week" in page
    assert f'class="me" aria-current="true" data-user-id="{publisher.user.pk}"' in page


def test_a_campaign_without_leaderboard_says_so(signed_in):
    campaign = CampaignFactory(tasks_leaderboard=False)
    response = signed_in.get(f"/app/campaigns/{campaign.pk}/leaderboard/")
    assert response.status_code == 409 and "This campaign has no leaderboard." in text(response)
