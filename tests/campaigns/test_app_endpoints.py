"""The campaign app endpoints (the campaign API): documented shapes, authentication, full views, bad input."""

import base64
import itertools
from datetime import UTC, datetime

import pytest
from rest_framework.test import APIClient

from accounts.jwt import issue_access_token
from accounts.models import ApiToken, Publisher, SocialAccount
from campaigns.api.app.authentication import JWT_REFUSED
from campaigns.models import Campaign
from tasks.models import Task

from ..factories import PASSWORD, PublisherFactory, SocialAccountFactory, UserFactory, token_for
from .factories import CampaignFactory, CategoryFactory, CountryFactory, TaskFactory

pytestmark = pytest.mark.django_db

CAMPAIGN_KEYS = {
    "id",
    "type",
    "name",
    "tagline",
    "description",
    "image_logo",
    "image_post",
    "hashtags",
    "date_end",
    "networks",
    "currency",
    "tasks",
    "tasks_featured",
    "tasks_leaderboard",
}
DATE_KEYS = {"year", "month", "day", "hour", "minute", "second"}


def post(client, path, data=None, **extra):
    return client.post(path, data or {}, format="json", **extra)


# ------------------------------------------------------------------------------
# Shapes
# ------------------------------------------------------------------------------
def test_get_campaigns_shape(publisher_client):
    end = datetime(2024, 8, 31, 23, 59, 59, tzinfo=UTC)
    campaign = CampaignFactory(date_start=None, date_end=end)
    response = post(publisher_client, "/api/get/campaigns/")
    assert response.status_code == 200
    item = response.json()["campaigns"][0]
    assert set(item) == CAMPAIGN_KEYS
    assert item["id"] == campaign.pk and isinstance(item["id"], int)
    assert item["date_end"] == {"year": 2024, "month": 8, "day": 31, "hour": 23, "minute": 59, "second": 59}
    assert item["tasks"] == {
        "time": 72,
        "time_type": "hours",
        "minimum_reward": 25,
        "bonus": {"active": True, "promo_reach": 50, "promo_engagement_rate": 25, "promo_best_post": 100},
    }
    assert item["hashtags"] == ["#summer", "#fashion"] and item["networks"] == ["instagram", "facebook"]
    assert item["tasks_featured"] is True and item["currency"] == "USD"


def test_get_campaigns_hides_drafts_cancelled_and_untargeted(publisher_client):
    visible = CampaignFactory()
    CampaignFactory(status=Campaign.Status.DRAFT)
    CampaignFactory(status=Campaign.Status.CANCELLED)
    elsewhere = CampaignFactory()
    elsewhere.target_countries.add(CountryFactory())
    ids = [c["id"] for c in post(publisher_client, "/api/get/campaigns/").json()["campaigns"]]
    assert ids == [visible.pk]


def test_get_campaigns_filters(publisher_client, publisher):
    fashion = CategoryFactory(name="Fashion", slug="fashion")
    active = CampaignFactory(category=fashion, networks=["instagram"])
    pending = CampaignFactory(status=Campaign.Status.PENDING, networks=["facebook"])
    joined = CampaignFactory(category=fashion)
    TaskFactory(campaign=joined, publisher=publisher.user.publisher)

    def ids(**params):
        return sorted(c["id"] for c in post(publisher_client, "/api/get/campaigns/", params).json()["campaigns"])

    assert ids(filter="active") == sorted([active.pk, joined.pk])
    assert ids(filter="upcoming") == [pending.pk]
    assert ids(filter="joined") == [joined.pk]
    assert ids(category="fashion") == sorted([active.pk, joined.pk])
    assert ids(category=str(fashion.pk), network="facebook") == [joined.pk]
    assert ids(network="facebook") == sorted([pending.pk, joined.pk])


def test_get_campaign_shape_with_publisher_availability(publisher_client, publisher):
    profile = publisher.user.publisher
    SocialAccountFactory(publisher=profile, network="facebook", kind=SocialAccount.Kind.PAGE)
    SocialAccountFactory(
        publisher=profile, network="facebook", kind=SocialAccount.Kind.WALL, approval=SocialAccount.Approval.PENDING
    )
    campaign = CampaignFactory()
    response = post(publisher_client, "/api/get/campaign/", {"id": campaign.pk})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == CAMPAIGN_KEYS | {"publisher", "attachment"}
    assert body["publisher"] == {
        "social_users_available": {"instagram": True, "facebook": False},
        "social_pages_available": {"instagram": False, "facebook": True},
        "social_walls_available": {"instagram": False, "facebook": False},
        "social_channels_available": {"instagram": False, "facebook": False},
    }
    assert body["attachment"] is None


def test_get_campaign_of_a_draft_is_404(publisher_client):
    campaign = CampaignFactory(status=Campaign.Status.DRAFT)
    response = post(publisher_client, "/api/get/campaign/", {"id": campaign.pk})
    assert response.status_code == 404
    assert response.json() == {"status": "error", "message": "Campaign not found."}


def test_get_tasks_shape(publisher_client, publisher):
    # An active campaign past its end date: the influencer may still see their task.
    campaign = CampaignFactory(date_start=None, date_end=datetime(2024, 8, 31, 23, 59, 59, tzinfo=UTC))
    task = TaskFactory(campaign=campaign, publisher=publisher.user.publisher)
    TaskFactory(campaign=campaign)  # someone else's
    response = post(publisher_client, "/api/get/tasks/", {"campaign_id": campaign.pk})
    assert response.status_code == 200
    tasks = response.json()["tasks"]
    assert [t["id"] for t in tasks] == [task.pk]
    item = tasks[0]
    assert {
        "id",
        "type",
        "title",
        "description",
        "requirements",
        "deadline",
        "status",
        "bonus",
        "payments",
        "info",
        "campaign",
    } <= set(item)
    assert item["deadline"].endswith("Z") and len(item["deadline"]) == 20
    assert item["status"] == "pending"
    assert item["bonus"] == {"reach": 50, "engagement_rate": 25, "best_post": 100}
    assert item["payments"] == {"minimum": 25, "post": 30, "total": 55}
    assert item["info"] == {"title": "Task Requirements", "content": "Include hashtags and tag our brand"}
    assert item["campaign"]["date_end_text"] == "August 31, 2024 - 23:59:59"
    assert set(item["campaign"]) == {
        "id",
        "name",
        "type",
        "tagline",
        "description",
        "image_logo",
        "image_post",
        "hashtags",
        "date_end",
        "date_end_text",
        "networks",
        "currency",
    }
    assert set(item["date_end"]) == DATE_KEYS
    assert item["allow_complete"] is True and item["allow_leave"] is True and item["is_disabled"] is False
    assert item["media"] is None


def test_get_leaderboard_shape(publisher_client):
    campaign = CampaignFactory()
    leader = PublisherFactory()
    TaskFactory(campaign=campaign, publisher=leader, status=Task.Status.PAID, reach=1000, engagement=50)
    response = post(publisher_client, "/api/get/leaderboard/", {"campaign_id": campaign.pk})
    assert response.status_code == 200
    assert response.json() == {
        "leaderboard": [
            {"user_id": leader.user_id, "username": leader.user.username, "score": 160, "rank": 1, "completed_tasks": 1}
        ]
    }


def test_leaderboard_of_a_campaign_without_one_is_409(publisher_client):
    campaign = CampaignFactory(tasks_leaderboard=False)
    response = post(publisher_client, "/api/get/leaderboard/", {"campaign_id": campaign.pk})
    assert response.status_code == 409
    assert response.json()["message"] == "This campaign has no leaderboard."


def test_join_shape_and_rule_messages(publisher_client):
    campaign = CampaignFactory()
    response = post(publisher_client, "/api/action/campaign/join/", {"campaign_id": campaign.pk})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "success" and body["message"] == "Successfully joined campaign"
    assert Task.objects.get(pk=body["task_id"]).campaign == campaign
    again = post(publisher_client, "/api/action/campaign/join/", {"campaign_id": campaign.pk})
    assert again.status_code == 409
    assert again.json() == {"status": "error", "message": "You have already joined this campaign."}


def test_join_by_form_fields(publisher_client):
    campaign = CampaignFactory()
    response = publisher_client.post("/api/action/campaign/join/", {"campaign_id": str(campaign.pk)})
    assert response.status_code == 200


def test_join_without_an_approved_network_is_403(app_credentials):
    publisher = PublisherFactory()
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {token_for(publisher.user)}",
    )
    response = post(client, "/api/action/campaign/join/", {"campaign_id": CampaignFactory().pk})
    assert response.status_code == 403
    assert "approved account" in response.json()["message"]


def test_network_approval(publisher_client, publisher):
    body = {"network_type": "tiktok", "network_id": "user123", "network_url": "https://tiktok.com/@user123"}
    response = post(publisher_client, "/api/action/network/approval/", body)
    assert response.status_code == 200
    assert response.json() == {"status": "success", "message": "Network submitted for approval"}
    account = SocialAccount.objects.get(network_id="user123")
    assert account.approval == SocialAccount.Approval.PENDING
    assert account.publisher == publisher.user.publisher
    again = post(publisher_client, "/api/action/network/approval/", body)
    assert again.status_code == 409
    unknown = post(publisher_client, "/api/action/network/approval/", {**body, "network_type": "myspace"})
    assert unknown.status_code == 400


def test_a_network_url_with_an_invisible_character_is_refused(publisher_client):
    body = {"network_type": "tiktok", "network_id": "user123", "network_url": "https://tiktok.com/@user\u200d123"}
    response = post(publisher_client, "/api/action/network/approval/", body)
    assert (response.status_code, SocialAccount.objects.filter(network_id="user123").exists()) == (400, False)


def test_public_campaigns_need_no_authentication_and_show_public_fields(api_client):
    active = CampaignFactory()
    CampaignFactory(status=Campaign.Status.PENDING)
    response = post(api_client, "/api/get/public/campaigns/")
    assert response.status_code == 200
    assert response.json() == {
        "campaigns": [
            {
                "id": active.pk,
                "name": active.name,
                "tagline": active.tagline,
                "image_logo": None,
                "networks": ["instagram", "facebook"],
                "currency": "USD",
                "minimum_reward": 25,
            }
        ]
    }


def test_public_campaigns_by_category(api_client):
    fashion = CategoryFactory(slug="fashion", name="Fashion")
    match = CampaignFactory(category=fashion)
    CampaignFactory()
    response = post(api_client, "/api/get/public/campaigns/", {"filter": "active", "category": "fashion"})
    assert [c["id"] for c in response.json()["campaigns"]] == [match.pk]


# ------------------------------------------------------------------------------
# Authentication
# ------------------------------------------------------------------------------
PUBLISHER_ROUTES = [
    "/api/get/leaderboard/",
    "/api/get/campaigns/",
    "/api/get/campaign/",
    "/api/get/tasks/",
    "/api/action/campaign/join/",
    "/api/action/task/complete/",
    "/api/action/task/leave/",
    "/api/action/network/approval/",
]


@pytest.mark.parametrize("path", PUBLISHER_ROUTES)
def test_publisher_routes_need_the_application(path, publisher):
    response = post(publisher.client(), path)
    assert response.status_code == 401
    assert response.json()["status"] == "error"
    assert "Client application credentials" in response.json()["message"]


@pytest.mark.parametrize("path", PUBLISHER_ROUTES)
def test_publisher_routes_need_the_publisher(path, app_client):
    response = post(app_client, path)
    assert response.status_code == 401


def app_client_with(app_credentials, token: str) -> APIClient:
    """A client sending the application's credentials and `token` as the influencer's."""
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    return client


@pytest.mark.parametrize("path", PUBLISHER_ROUTES)
def test_advertiser_tokens_are_refused(path, app_credentials, owner):
    assert post(app_client_with(app_credentials, owner.token), path).status_code == 403


@pytest.mark.parametrize("path", ["/api/get/campaigns/", "/api/action/campaign/join/", "/api/get/notifications/"])
def test_an_influencers_jwt_is_refused_naming_the_app_token(path, app_credentials, publisher):
    response = post(app_client_with(app_credentials, issue_access_token(publisher.user)), path)
    assert (response.status_code, response.json()) == (401, {"status": "error", "message": JWT_REFUSED})


def test_wrong_client_secret_is_401(app_credentials, publisher):
    client = APIClient()
    client.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET="wrong",
        HTTP_AUTHORIZATION=f"Bearer {publisher.token}",
    )
    response = post(client, "/api/get/campaigns/")
    assert response.status_code == 401
    assert response.json() == {"status": "error", "message": "Invalid client application credentials."}


def test_http_basic_application_credentials_register_and_token(app_credentials):
    basic = base64.b64encode(f"{app_credentials[0]}:{app_credentials[1]}".encode()).decode()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Basic {basic}")
    response = post(
        client,
        "/api/app/register/",
        {"username": "newbie", "email": "newbie@example.com", "password": "a-long-enough-passphrase", "sex": "female"},
    )
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"status", "message", "token", "token_type", "user_id", "expires_at"}
    publisher = Publisher.objects.get(user_id=body["user_id"])
    assert publisher.sex == "female"
    token = ApiToken.objects.get(user_id=body["user_id"])
    assert token.digest != body["token"] and body["token"].startswith(token.prefix)

    login = post(client, "/api/app/token/", {"username": "newbie@example.com", "password": "a-long-enough-passphrase"})
    assert login.status_code == 200
    app = APIClient()
    app.credentials(
        HTTP_X_CLIENT_ID=app_credentials[0],
        HTTP_X_CLIENT_SECRET=app_credentials[1],
        HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}",
    )
    assert post(app, "/api/get/campaigns/").status_code == 200


def test_register_refuses_taken_names_and_weak_passwords(app_client, publisher):
    taken = post(
        app_client,
        "/api/app/register/",
        {"username": publisher.user.username, "email": "x@example.com", "password": "a-long-enough-passphrase"},
    )
    assert taken.status_code == 400
    weak = post(app_client, "/api/app/register/", {"username": "fresh", "email": "f@example.com", "password": "123"})
    assert weak.status_code == 400
    assert "password" in weak.json()["errors"]


@pytest.mark.parametrize(
    "spelling",
    [str.upper, lambda name: name.upper().translate({code: code + 0xFEE0 for code in range(0x21, 0x7F)})],
    ids=["upper case", "fullwidth"],
)
def test_register_refuses_another_spelling_of_a_taken_name(app_client, publisher, spelling):
    body = {
        "username": spelling(publisher.user.username),
        "email": "x@example.com",
        "password": "a-long-enough-passphrase",
    }
    response = post(app_client, "/api/app/register/", body)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["username"])


def test_register_refuses_another_users_email_as_the_username(app_client, publisher):
    body = {"username": publisher.user.email, "email": "x@example.com", "password": "a-long-enough-passphrase"}
    response = post(app_client, "/api/app/register/", body)
    assert (response.status_code, list(response.json()["errors"])) == (400, ["username"])


def test_token_refuses_wrong_password_non_publishers_and_banned(app_client, publisher):
    wrong = post(app_client, "/api/app/token/", {"username": publisher.user.username, "password": "nope"})
    assert wrong.status_code == 401
    member = UserFactory()
    assert post(app_client, "/api/app/token/", {"username": member.username, "password": PASSWORD}).status_code == 403
    Publisher.objects.filter(user=publisher.user).update(banned=True)
    banned = post(app_client, "/api/app/token/", {"username": publisher.user.username, "password": PASSWORD})
    assert banned.status_code in (401, 403)
    assert "token" not in banned.json()


def test_register_and_token_need_the_application(api_client):
    assert post(api_client, "/api/app/register/", {"username": "a"}).status_code == 401
    assert post(api_client, "/api/app/token/", {"username": "a", "password": "b"}).status_code == 401


def test_banned_publisher_token_is_refused(publisher_client, publisher):
    Publisher.objects.filter(user=publisher.user).update(banned=True)
    assert post(publisher_client, "/api/get/campaigns/").status_code == 401


# ------------------------------------------------------------------------------
# Full views
# ------------------------------------------------------------------------------
def test_full_views_render_html(publisher_client, publisher):
    campaign = CampaignFactory(name="Summer <Style>", description="<p>Our <b>summer</b> line</p>")
    TaskFactory(campaign=campaign, publisher=publisher.user.publisher, title="Post about summer")
    TaskFactory(campaign=campaign, status=Task.Status.PAID, reach=500)
    html = {"HTTP_ACCEPT": "text/html"}
    pages = {
        "/api/get/campaigns/": ({}, "Summer &lt;Style&gt;"),
        "/api/get/campaign/": ({"id": campaign.pk}, "<p>Our <b>summer</b> line</p>"),
        "/api/get/tasks/": ({}, "Post about summer"),
        "/api/get/leaderboard/": ({"campaign_id": campaign.pk}, "points"),
    }
    for path, (body, expected) in pages.items():
        response = publisher_client.post(path, body, **html)
        assert response.status_code == 200, path
        assert response["Content-Type"].startswith("text/html"), path
        content = response.content.decode()
        assert expected in content, path
        assert 'name="viewport"' in content


def test_full_view_errors_are_not_json_500(publisher_client):
    response = publisher_client.post("/api/get/campaign/", {"id": 999999}, HTTP_ACCEPT="text/html")
    assert response.status_code == 404


def test_a_full_views_refusal_asked_as_html_is_the_json_error_with_its_own_message(publisher_client):
    json_answer = post(publisher_client, "/api/get/campaign/", {"id": 999999}).json()
    page = publisher_client.post("/api/get/campaign/", {"id": 999999}, HTTP_ACCEPT="text/html")
    assert page["Content-Type"].startswith("application/json") and page.json() == json_answer


def test_a_full_views_bad_input_asked_as_html_names_the_field(publisher_client):
    page = publisher_client.post("/api/get/campaign/", {"id": "abc"}, HTTP_ACCEPT="text/html")
    assert page.status_code == 400 and "id" in page.json()["message"]


# ------------------------------------------------------------------------------
# Bad input is a 4xx, never a 500
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [
        {"id": "abc"},
        {"id": 10**30},
        {"id": -1},
        {"id": None},
        {},
        {"id": [1, 2]},
        {"id": {"x": 1}},
    ],
)
def test_bad_campaign_ids_are_400(publisher_client, body):
    response = post(publisher_client, "/api/get/campaign/", body)
    assert response.status_code == 400
    assert response.json()["status"] == "error"


def test_unknown_campaign_id_is_404(publisher_client):
    assert post(publisher_client, "/api/get/campaign/", {"id": 2**63 - 1}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"filter": "everything"},
        {"network": "myspace"},
        {"per_page": 1000},
        {"page": 0},
        {"category": "x" * 500},
    ],
)
def test_bad_list_parameters_are_400(publisher_client, body):
    assert post(publisher_client, "/api/get/campaigns/", body).status_code == 400


@pytest.mark.parametrize("category", ["9" * 30, "\u0000", "fa\u0000shion", "%", "' OR 1=1 --"])
def test_odd_categories_are_never_a_500(publisher_client, api_client, category):
    assert post(publisher_client, "/api/get/campaigns/", {"category": category}).status_code in (200, 400)
    assert post(api_client, "/api/get/public/campaigns/", {"category": category}).status_code in (200, 400)


def test_a_json_list_body_is_400(publisher_client):
    response = publisher_client.post("/api/action/campaign/join/", [1, 2], format="json")
    assert response.status_code == 400


def test_malformed_json_is_400(publisher_client):
    response = publisher_client.post("/api/get/campaigns/", "{not json", content_type="application/json")
    assert response.status_code == 400


def test_get_is_405(publisher_client):
    assert publisher_client.get("/api/get/campaigns/").status_code == 405


# ------------------------------------------------------------------------------
# Query counts: the same for 2 and 20 rows
# ------------------------------------------------------------------------------
LIST_QUERY_BUDGET = 12


def queries_for_2_and_20(make_row, call, django_assert_max_num_queries) -> list[int]:
    """Queries `call` runs with 2 rows and with 20 (each under the budget)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    call()  # warm up: the first request of a token also records its last use
    for total in (2, 20):
        while make_row.count < total:
            make_row()
        with django_assert_max_num_queries(LIST_QUERY_BUDGET), CaptureQueriesContext(connection) as captured:
            assert call() == total
        counts.append(len(captured))
    return counts


class RowMaker:
    def __init__(self, factory):
        self.factory, self.count = factory, 0

    def __call__(self):
        self.factory()
        self.count += 1


def test_campaign_list_runs_constant_queries(publisher_client, django_assert_max_num_queries):
    counts = queries_for_2_and_20(
        RowMaker(CampaignFactory),
        lambda: len(post(publisher_client, "/api/get/campaigns/").json()["campaigns"]),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]


def test_public_campaign_list_runs_constant_queries(django_assert_max_num_queries):
    counts = queries_for_2_and_20(
        RowMaker(CampaignFactory),
        lambda: len(post(APIClient(), "/api/get/public/campaigns/").json()["campaigns"]),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]


def test_task_list_runs_constant_queries(publisher_client, publisher, django_assert_max_num_queries):
    from .factories import PaymentFactory, SubmissionFactory

    profile = publisher.user.publisher
    kinds = itertools.cycle([SubmissionFactory, PaymentFactory])  # tasks under review and paid ones

    def task_row():
        next(kinds)(task__publisher=profile)

    counts = queries_for_2_and_20(
        RowMaker(task_row),
        lambda: len(post(publisher_client, "/api/get/tasks/").json()["tasks"]),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]


def test_leaderboard_runs_constant_queries(publisher_client, django_assert_max_num_queries):
    campaign = CampaignFactory()
    counts = queries_for_2_and_20(
        RowMaker(lambda: TaskFactory(campaign=campaign, status=Task.Status.ACCEPTED, reach=100)),
        lambda: len(
            post(publisher_client, "/api/get/leaderboard/", {"campaign_id": campaign.pk}).json()["leaderboard"]
        ),
        django_assert_max_num_queries,
    )
    assert counts[0] == counts[1]
