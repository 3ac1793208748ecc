"""Bad input is a 4xx in the surface's error shape, never a 500; list endpoints use a constant number of queries."""

from __future__ import annotations

import pytest

from ..campaigns.factories import CampaignFactory, InvoiceFactory, SubmissionFactory, TaskFactory
from .routes import ROUTES

PARAMETERLESS = {
    "publishers-stats-status",
    "users-stats-sex",
    "users-stats-age",
    "users-stats-preferences",
    "general-stats-pending",
    "general-stats-estimated-publishers",
    "general-stats-potential-publishers",
    "lists-locations",
    "lists-advertisers",
    "lists-allowed-countries",
    "lists-allowed-categories",
}
GARBAGE = [
    {
        "advertiser_id": "abc",
        "campaign_id": "-1",
        "task_id": "1e9",
        "user_id": "x",
        "status": "nope",
        "country_id": "y",
    },
    {"advertiser_id": "9" * 40, "campaign_id": "9" * 40, "task_id": "9" * 40, "user_id": "9" * 40},
    {"advertiser_id": 10**12, "campaign_id": 10**12, "task_id": 10**12, "user_id": 10**12, "email": "a@b.co"},
    {"date_from": "2024-13-45", "date_to": "yesterday", "amount": "NaN", "from": "€€€", "to": None},
    {"date_from": "2024-12-31", "date_to": "2024-01-01", "settings": "post_rate=1", "banned": "maybe"},
    {
        "settings": {"post_rate": {"nested": True}},
        "action": "explode",
        "wall_url": "javascript:alert(1)",
        "network": "myspace",
        "message": "",
        "title": "x" * 500,
        "deadline": "soon",
        "networks": "instagram",
    },
    {"email": "not-an-email", "amount": 1e300, "from": "USD", "to": "EUR", "page": 0, "per_page": 100000},
]


@pytest.mark.parametrize("name", sorted(ROUTES))
@pytest.mark.parametrize("body", range(len(GARBAGE)))
def test_bad_input_is_never_a_500(name, body, staff, world):
    response = staff.client().post(ROUTES[name].path, GARBAGE[body], format="json")
    # Endpoints without parameters ignore fields they do not read (200); everything else is a 4xx.
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code != 200:
        assert {"status", "message"} <= set(response.json()) <= {"status", "message", "errors"}
        assert response.json()["status"] == "error"


@pytest.mark.parametrize("name", sorted(set(ROUTES) - PARAMETERLESS))
def test_every_parameterised_endpoint_refuses_garbage(name, staff, world):
    statuses = {staff.client().post(ROUTES[name].path, body, format="json").status_code for body in GARBAGE}
    assert statuses <= {200, 400, 404, 409} and 400 in statuses, statuses


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_malformed_json_and_get_are_4xx(name, staff, world):
    client = staff.client()
    assert client.post(ROUTES[name].path, "{not json", content_type="application/json").status_code == 400
    assert client.get(ROUTES[name].path).status_code == 405


def _grow(advertiser, publisher_factory, rows: int):
    for _ in range(rows):
        campaign = CampaignFactory(advertiser=advertiser)
        SubmissionFactory(task__campaign=campaign)
        TaskFactory(campaign=campaign, status="paid")
        InvoiceFactory(advertiser=advertiser)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/campaigns/", {}),
        ("/api/tasks/", {}),
        ("/api/advertiser/invoices/", {}),
        ("/api/general/lists/allowed-campaigns/", {}),
        ("/api/general/lists/locations/", {}),
        ("/api/campaigns/stats/networks/", {}),
    ],
)
def test_list_endpoints_use_a_constant_number_of_queries(path, body, owner, advertiser, django_assert_max_num_queries):
    from ..factories import PublisherFactory

    _grow(advertiser, PublisherFactory, 2)
    client = owner.client()
    client.post(path, body)  # warm caches (token lookup paths, content types)
    with django_assert_max_num_queries(12) as small:
        client.post(path, body)
    _grow(advertiser, PublisherFactory, 18)
    with django_assert_max_num_queries(len(small.captured_queries)) as large:
        answer = client.post(path, body)
    assert answer.status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)


def test_user_availability_list_uses_a_constant_number_of_queries(
    staff, world, advertiser, django_assert_max_num_queries
):
    client = staff.client()
    body = {"user_id": world.publisher.user_id}
    CampaignFactory.create_batch(2, advertiser=advertiser)
    with django_assert_max_num_queries(12) as small:
        client.post("/api/campaigns/", body)
    CampaignFactory.create_batch(18, advertiser=advertiser)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.post("/api/campaigns/", body).json()) == 22
