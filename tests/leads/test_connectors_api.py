"""/api/v1/connectors: create, list, get, check and delete credentials; secrets write-only; tenancy; roles."""

from __future__ import annotations

import pytest

from accounts.models import Membership
from leads.models import ConnectorCredential, ScrapeJob
from tests.factories import MembershipFactory, token_for

from .conftest import actor_credential, graph_credential
from .factories import JobFactory
from .fakes import FakeActorAPI, FakeGraphAPI, Reply
from .test_api_v1 import envelope

GRAPH_BODY = {
    "name": "Shop account",
    "provider": "instagram_graph",
    "account_id": "17841400000000001",
    "secret": "EAAG-long-lived-token-value",
    "app_id": "1234567890",
    "app_secret": "app-secret-value",
}


def sandbox_credential(advertiser, name="sandbox", **extra) -> ConnectorCredential:
    return ConnectorCredential.objects.create(
        advertiser=advertiser, name=name, provider=ConnectorCredential.Provider.SANDBOX, **extra
    )


@pytest.fixture
def viewer(advertiser):
    from tests.conftest import Actor

    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER)
    return Actor(membership.user, token_for(membership.user, advertiser), advertiser)


def test_create_stores_the_secrets_encrypted_and_never_returns_them(owner):
    response = owner.client().post("/api/v1/connectors", GRAPH_BODY, format="json")
    data = envelope(response, 201)["data"]
    credential = ConnectorCredential.objects.get(pk=data["id"])
    assert credential.secret == GRAPH_BODY["secret"] and credential.app_secret == GRAPH_BODY["app_secret"]
    assert GRAPH_BODY["secret"] not in credential.secret_encrypted
    assert GRAPH_BODY["secret"] not in response.content.decode()
    assert GRAPH_BODY["app_secret"] not in response.content.decode()
    assert data["has_secret"] is True and data["has_app_secret"] is True
    assert "secret" not in data and "app_secret" not in data


def test_create_for_another_advertiser_answers_like_a_missing_one(owner, other_advertiser):
    foreign = owner.client().post(
        "/api/v1/connectors", {**GRAPH_BODY, "advertiser_id": other_advertiser.pk}, format="json"
    )
    missing = owner.client().post("/api/v1/connectors", {**GRAPH_BODY, "advertiser_id": 999_999}, format="json")
    assert (foreign.status_code, foreign.json()) == (missing.status_code, missing.json()) == (404, missing.json())


def test_create_for_another_advertiser_stores_nothing(owner, other_advertiser):
    owner.client().post("/api/v1/connectors", {**GRAPH_BODY, "advertiser_id": other_advertiser.pk}, format="json")
    assert not ConnectorCredential.objects.exists()


def test_staff_create_for_a_named_advertiser(staff, advertiser):
    data = envelope(
        staff.client().post("/api/v1/connectors", {**GRAPH_BODY, "advertiser_id": advertiser.pk}, format="json"), 201
    )["data"]
    assert ConnectorCredential.objects.get(pk=data["id"]).advertiser_id == advertiser.pk


@pytest.mark.parametrize(
    "body, field",
    [
        ({**GRAPH_BODY, "secret_encrypted": "x"}, "secret_encrypted"),
        ({**GRAPH_BODY, "colour": "blue"}, "colour"),
        ({**GRAPH_BODY, "secret": ""}, "secret"),
        ({key: value for key, value in GRAPH_BODY.items() if key != "account_id"}, "account_id"),
        ({**GRAPH_BODY, "provider": "myspace"}, "provider"),
        ({**GRAPH_BODY, "base_url": "ftp://example.com/api"}, "base_url"),
        ({**GRAPH_BODY, "base_url": "https://example.com/\u200eapi"}, "base_url"),
        ({**GRAPH_BODY, "app_secret": ""}, "app_secret"),
        ({"name": "a", "provider": "hosted_scraper", "secret": "t", "actors": {"dance": {"actor_id": "x"}}}, "actors"),
        ({"name": "a", "provider": "hosted_scraper", "secret": "t", "actors": {"followers": {}}}, "actors"),
        ({"name": "a", "provider": "sandbox", "requests_per_second": 0}, "requests_per_second"),
    ],
    ids=[
        "read-only-column",
        "unknown",
        "graph-without-token",
        "graph-without-account",
        "unknown-provider",
        "not-http",
        "invisible-character-in-url",
        "app-id-without-secret",
        "unknown-job-kind",
        "actor-without-id",
        "zero-rate",
    ],
)
def test_bad_bodies_are_refused_naming_the_field(owner, body, field):
    response = owner.client().post("/api/v1/connectors", body, format="json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"error", "message", "errors"} and field in body["errors"]
    assert not ConnectorCredential.objects.exists()


def test_a_second_credential_with_the_same_provider_and_name_is_a_400(owner):
    sandbox_credential(owner.advertiser, name="main")
    response = owner.client().post("/api/v1/connectors", {"name": "main", "provider": "sandbox"}, format="json")
    assert response.status_code == 400 and "name" in response.json()["errors"]


def test_list_and_retrieve_show_own_credentials_only(owner, outsider):
    mine = sandbox_credential(owner.advertiser)
    theirs = sandbox_credential(outsider.advertiser)
    body = envelope(owner.client().get("/api/v1/connectors"))
    assert [row["id"] for row in body["data"]] == [mine.pk]
    assert body["pagination"]["total"] == 1
    assert envelope(owner.client().get(f"/api/v1/connectors/{mine.pk}"))["data"]["provider"] == "sandbox"
    assert owner.client().get(f"/api/v1/connectors/{theirs.pk}").status_code == 404


@pytest.mark.parametrize("method, suffix", [("get", ""), ("delete", ""), ("post", "/test")])
def test_another_tenants_credential_is_not_found(owner, outsider, method, suffix):
    theirs = sandbox_credential(outsider.advertiser)
    response = getattr(owner.client(), method)(f"/api/v1/connectors/{theirs.pk}{suffix}")
    assert response.status_code == 404
    assert ConnectorCredential.objects.filter(pk=theirs.pk).exists()


def test_a_viewer_reads_but_cannot_create_check_or_delete(viewer):
    credential = sandbox_credential(viewer.advertiser)
    client = viewer.client()
    assert client.get("/api/v1/connectors").status_code == 200
    assert client.get(f"/api/v1/connectors/{credential.pk}").status_code == 200
    assert client.post("/api/v1/connectors", {"name": "x", "provider": "sandbox"}, format="json").status_code == 403
    assert client.post(f"/api/v1/connectors/{credential.pk}/test").status_code == 403
    assert client.delete(f"/api/v1/connectors/{credential.pk}").status_code == 403
    assert ConnectorCredential.objects.count() == 1


def test_list_query_count_is_constant(owner, django_assert_max_num_queries):
    for index in range(30):
        credential = ConnectorCredential(advertiser=owner.advertiser, name=f"c{index}", provider="hosted_scraper")
        credential.set_secret(f"token-{index}")
        credential.save()
    client = owner.client()
    client.get("/api/v1/connectors")  # warm the token's last-used write
    with django_assert_max_num_queries(6):
        body = envelope(client.get("/api/v1/connectors", {"per_page": 100}))
    assert len(body["data"]) == 30


# ---------------------------------------------------------------------------------------
# Delete
# ---------------------------------------------------------------------------------------
def test_delete_removes_the_credential(owner):
    credential = sandbox_credential(owner.advertiser)
    body = envelope(owner.client().delete(f"/api/v1/connectors/{credential.pk}"))
    assert body["message"] == "Connector credential deleted successfully"
    assert not ConnectorCredential.objects.filter(pk=credential.pk).exists()


def test_delete_is_refused_while_a_running_job_may_use_the_credential(owner):
    credential = sandbox_credential(owner.advertiser)
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.RUNNING)
    response = owner.client().delete(f"/api/v1/connectors/{credential.pk}")
    assert response.status_code == 409 and "running job" in response.json()["message"]
    assert ConnectorCredential.objects.filter(pk=credential.pk).exists()


def test_a_running_job_on_another_platform_does_not_hold_a_platform_credential(owner, serve):
    credential = actor_credential(owner.advertiser, serve(FakeActorAPI({})), platform="instagram")
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.RUNNING, platform="tiktok")
    envelope(owner.client().delete(f"/api/v1/connectors/{credential.pk}"))


def test_finished_jobs_do_not_hold_a_credential(owner):
    credential = sandbox_credential(owner.advertiser)
    JobFactory(advertiser=owner.advertiser, status=ScrapeJob.Status.COMPLETED)
    envelope(owner.client().delete(f"/api/v1/connectors/{credential.pk}"))


# ---------------------------------------------------------------------------------------
# Check ("test"): one real call through the connector
# ---------------------------------------------------------------------------------------
def check(actor, credential) -> dict:
    return envelope(actor.client().post(f"/api/v1/connectors/{credential.pk}/test"))["data"]


def test_sandbox_answers_locally(owner):
    result = check(owner, sandbox_credential(owner.advertiser))
    assert result["ok"] is True and result["http_status"] is None


def test_graph_check_calls_the_account_through_the_base_url(owner, serve):
    graph = serve(FakeGraphAPI())
    result = check(owner, graph_credential(owner.advertiser, graph))
    assert result == {
        "ok": True,
        "provider": "Instagram Graph API",
        "host": "127.0.0.1",
        "http_status": None,
        "message": "Instagram Graph API accepted the credential.",
    }
    assert graph.count("GET", "/v21.0/17841400000000001") == 1


def test_graph_check_reports_a_refused_token_once_without_retrying(owner, serve):
    graph = serve(FakeGraphAPI())
    graph.queued[("GET", "/v21.0/17841400000000001")].append(
        Reply(401, {"error": {"message": "Error validating access token: Session has expired", "code": 190}})
    )
    result = check(owner, graph_credential(owner.advertiser, graph))
    assert result["ok"] is False and result["http_status"] == 401 and result["host"] == "127.0.0.1"
    assert "refused the credential" in result["message"] and "check its token" in result["message"]
    assert graph.count("GET", "/v21.0/") == 1


def test_a_busy_provider_is_reported_with_its_status(owner, serve):
    graph = serve(FakeGraphAPI())
    graph.queued[("GET", "/v21.0/17841400000000001")].append(Reply(503, {}))
    result = check(owner, graph_credential(owner.advertiser, graph))
    assert result["ok"] is False and result["http_status"] == 503


def test_hosted_scraper_check_asks_for_the_tokens_user(owner, serve):
    actors = serve(FakeActorAPI({}))
    result = check(owner, actor_credential(owner.advertiser, actors))
    assert result["ok"] is True and result["provider"] == "Hosted scraper (Apify-style actors)"
    assert actors.count("GET", "/v2/users/me") == 1


def test_a_private_base_url_is_refused_by_the_outbound_guard(owner, settings, serve):
    settings.SCRAPER_ALLOWED_NETWORKS = ""
    actors = serve(FakeActorAPI({}))
    result = check(owner, actor_credential(owner.advertiser, actors))
    assert result["ok"] is False and "not allowed" in result["message"]
    assert actors.count("GET", "/v2/") == 0


def test_an_incomplete_credential_says_what_is_missing(owner):
    credential = ConnectorCredential.objects.create(
        advertiser=owner.advertiser, name="g", provider="instagram_graph", account_id="1"
    )
    result = check(owner, credential)
    assert result["ok"] is False and "access token" in result["message"]
    assert result["host"] == "graph.facebook.com"


# ---------------------------------------------------------------------------------------
# Update (a new token)
# ---------------------------------------------------------------------------------------
def test_a_new_token_replaces_the_old_one_and_clears_the_renewal_failure(owner, serve):
    credential = graph_credential(owner.advertiser, serve(FakeGraphAPI()), token_refresh_error="HTTP 400")
    data = envelope(
        owner.client().patch(
            f"/api/v1/connectors/{credential.pk}",
            {"secret": "EAAG-new-token", "token_expires_at": "2026-05-01T09:00:00Z"},
            format="json",
        )
    )["data"]
    credential.refresh_from_db()
    assert credential.secret == "EAAG-new-token" and credential.token_refresh_error == ""
    assert data["token_expires_at"] == "2026-05-01T09:00:00Z" and "secret" not in data


def test_an_update_without_a_secret_keeps_the_stored_one(owner, serve):
    credential = graph_credential(owner.advertiser, serve(FakeGraphAPI()))
    envelope(
        owner.client().patch(f"/api/v1/connectors/{credential.pk}", {"active": False, "secret": ""}, format="json")
    )
    credential.refresh_from_db()
    assert credential.secret == "graph-token-secret" and credential.active is False


@pytest.mark.parametrize("body, field", [({"provider": "sandbox"}, "provider"), ({"app_id": "1"}, "app_secret")])
def test_an_update_cannot_change_the_provider_or_leave_the_credential_incomplete(owner, serve, body, field):
    credential = graph_credential(owner.advertiser, serve(FakeGraphAPI()))
    response = owner.client().patch(f"/api/v1/connectors/{credential.pk}", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"]


def test_a_viewer_cannot_update(viewer):
    credential = sandbox_credential(viewer.advertiser)
    assert (
        viewer.client().patch(f"/api/v1/connectors/{credential.pk}", {"active": False}, format="json").status_code
        == 403
    )


def test_an_update_cannot_blank_a_required_field(owner, serve):
    credential = graph_credential(owner.advertiser, serve(FakeGraphAPI()))
    response = owner.client().patch(f"/api/v1/connectors/{credential.pk}", {"account_id": ""}, format="json")
    assert response.status_code == 400 and "account_id" in response.json()["errors"]
