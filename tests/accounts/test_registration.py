"""Self-registration on the web surface: each account gets its own advertiser and can work at once."""

from __future__ import annotations

from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.models import Advertiser, Membership, User
from leads.outbound import guard

from ..factories import UserFactory
from ..tasks.test_concurrency import race

BASE = "/api/web/v1"
REGISTER = f"{BASE}/auth/register"
PASSPHRASE = "a-long-enough-passphrase"
JOB_BODY = {"url": "https://shop.example/products", "engine": "auto", "selectors": {"title": "h1::text"}}


def register(client: APIClient, username: str = "newbie", email: str | None = None):
    body = {"username": username, "email": email or f"{username}@example.com", "password": PASSPHRASE}
    return client.post(REGISTER, body, format="json")


@pytest.fixture
def roomy_credential_rates(settings):
    settings.API_RATES = {**settings.API_RATES, "credentials": "1000/minute", "credentials-ip": "1000/minute"}


@pytest.mark.django_db
def test_register_makes_the_user_owner_of_an_advertiser_named_after_them(api_client):
    register(api_client, "newbie")
    membership = Membership.objects.get(user__username="newbie")
    assert (membership.role, membership.advertiser.name, membership.advertiser.contact_email) == (
        Membership.Role.OWNER,
        "newbie",
        "newbie@example.com",
    )


@pytest.mark.django_db
def test_register_login_create_and_list_jobs(api_client):
    assert register(api_client, "newbie").status_code == 201
    login = api_client.post(f"{BASE}/auth/login", {"username": "newbie", "password": PASSPHRASE})
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {login.json()['access_token']}")
    with guard.override_resolver(lambda host, port: ["93.184.216.34"]), mock.patch("leads.tasks.run_web_job.delay"):
        created = api_client.post(f"{BASE}/jobs", JOB_BODY, format="json")
    listed = api_client.get(f"{BASE}/jobs")
    assert (created.status_code, listed.status_code) == (201, 200)
    assert [job["id"] for job in listed.json()] == [created.json()["id"]]


@pytest.mark.django_db
def test_the_token_returned_by_register_works_on_the_webhooks_endpoint(api_client):
    token = register(api_client).json()["access_token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.get(f"{BASE}/webhooks").status_code == 200


@pytest.mark.django_db
def test_taken_username_is_422_naming_the_field(api_client):
    UserFactory(username="taken")
    response = register(api_client, "taken", "fresh@example.com")
    assert (response.status_code, list(response.json()["errors"])) == (422, ["username"])


@pytest.mark.django_db
def test_email_of_an_existing_advertiser_is_422_naming_the_field(api_client):
    Advertiser.objects.create(name="Acme", contact_email="billing@acme.example")
    response = register(api_client, "acme", "billing@acme.example")
    assert (response.status_code, list(response.json()["errors"])) == (422, ["email"])
    assert not User.objects.filter(username="acme").exists()


@pytest.mark.django_db
def test_closed_signup_is_403_in_the_web_error_shape(api_client, settings):
    settings.SIGNUP_OPEN = False
    response = register(api_client)
    assert (response.status_code, response.json()["type"]) == (403, "permission_error")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_is_limited_per_address(api_client, settings):
    settings.API_RATES = {**settings.API_RATES, "credentials-ip": "2/minute"}
    statuses = [register(api_client, f"user{i}").status_code for i in range(3)]
    assert statuses == [201, 201, 429]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_registrations_of_one_name_make_one_account(roomy_credential_rates):
    count = 20
    statuses = race(count, lambda index: register(APIClient(), "racer", f"racer{index}@example.com").status_code)
    assert (statuses.count(201), statuses.count(422)) == (1, count - 1)
    assert Advertiser.objects.count() == Membership.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_of_spellings_of_one_name_make_one_account(roomy_credential_rates):
    spellings = ["racer", "RACER", "Racer", "ｒａｃｅｒ", "rаcer", "ＲＡＣＥＲ"] * 3  # the fifth has a Cyrillic а
    statuses = race(
        len(spellings),
        lambda index: register(APIClient(), spellings[index], f"racer{index}@example.com").status_code,
    )
    assert (statuses.count(201), statuses.count(422)) == (1, len(spellings) - 1)
