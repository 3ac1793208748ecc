"""Web-surface login/register (JWT) and intel api-token-get/reset."""

import time

import jwt
import pytest
from django.conf import settings

from accounts import services
from accounts.models import ApiToken

from ..factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/api/web/v1/auth/login"
REGISTER = "/api/web/v1/auth/register"
TOKEN_GET = "/api/intel/v1/api-token-get/"
TOKEN_RESET = "/api/intel/v1/api-token-reset/"


def test_login_by_form_returns_bearer_access_token(api_client):
    user = UserFactory()
    response = api_client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert set(response.json()) == {"access_token", "token_type"}
    assert response.json()["token_type"] == "bearer"


def test_login_by_json_with_email(api_client):
    user = UserFactory()
    response = api_client.post(LOGIN, {"username": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_login_with_wrong_password_is_401_in_web_shape(api_client):
    user = UserFactory()
    response = api_client.post(LOGIN, {"username": user.username, "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json()["type"] == "authentication_error"
    assert "detail" in response.json()


def test_login_without_fields_is_422_validation_error(api_client):
    response = api_client.post(LOGIN, {}, format="json")
    assert response.status_code == 422
    assert response.json()["type"] == "validation_error"
    assert "username" in response.json()["errors"]


def test_register_creates_account_and_returns_token(api_client):
    response = api_client.post(
        REGISTER,
        {"username": "newbie", "email": "newbie@example.com", "password": "a-long-enough-passphrase"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["token_type"] == "bearer"


def test_register_refuses_taken_email(api_client):
    user = UserFactory()
    response = api_client.post(
        REGISTER,
        {"username": "other", "email": user.email.upper(), "password": "a-long-enough-passphrase"},
        format="json",
    )
    assert response.status_code == 422
    assert "email" in response.json()["errors"]


def member_user():
    return MembershipFactory().user


def test_intel_token_get_refuses_user_without_advertiser(api_client):
    user = UserFactory()
    response = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 403


def test_intel_token_get_returns_token_stored_hashed(api_client):
    user = member_user()
    response = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    plaintext = response.json()["token"]
    assert not ApiToken.objects.filter(digest=plaintext).exists()
    assert ApiToken.objects.get(user=user).prefix == plaintext[:11]


def test_intel_token_get_gives_a_new_token_each_call(api_client):
    user = member_user()
    first = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}).json()["token"]
    second = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}).json()["token"]
    assert first != second


def test_intel_token_get_keeps_one_token_per_user(api_client):
    user = member_user()
    for _ in range(3):
        api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD})
    assert ApiToken.objects.filter(user=user).count() == 1


def test_intel_token_get_revokes_tokens_piled_up_before(api_client):
    user = member_user()
    for _ in range(2):
        services.issue_token(user, advertiser=user.primary_advertiser(), source=ApiToken.Source.INTEL)
    api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD})
    assert ApiToken.objects.filter(user=user).usable().count() == 1


def test_intel_token_reset_keeps_one_token_per_user(api_client):
    user = member_user()
    token = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    api_client.post(TOKEN_RESET)
    assert ApiToken.objects.filter(user=user).count() == 1


def test_intel_token_get_revokes_the_token_it_replaces(api_client):
    user = member_user()
    old = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}).json()["token"]
    api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD})
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api_client.get("/api/intel/v1/sessions/").status_code == 401


def test_intel_token_get_keeps_tokens_made_elsewhere(api_client):
    user = member_user()
    _, settings_token = services.issue_token(user, advertiser=user.primary_advertiser())
    api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD})
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {settings_token}")
    assert api_client.get("/api/intel/v1/sessions/").status_code == 200


def test_intel_token_get_with_wrong_password_names_the_e_mail_address(api_client):
    user = member_user()
    response = api_client.post(TOKEN_GET, {"email": user.email, "password": "nope"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Incorrect e-mail address or password"}


def test_intel_token_reset_revokes_old_token_on_next_request(api_client):
    user = member_user()
    old = api_client.post(TOKEN_GET, {"email": user.email, "password": PASSWORD}).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    new = api_client.post(TOKEN_RESET).json()["token"]
    assert api_client.post(TOKEN_RESET).status_code == 401
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert api_client.post(TOKEN_RESET).status_code == 200


def _jwt(payload: dict, key: str | None = None, algorithm: str = "HS256") -> str:
    return jwt.encode(payload, key or settings.JWT_SIGNING_KEY, algorithm=algorithm)


def test_expired_jwt_is_401(api_client):
    user = member_user()
    now = int(time.time())
    token = _jwt({"sub": str(user.pk), "iat": now - 7200, "exp": now - 3600, "typ": "access"})
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.post(TOKEN_RESET).status_code == 401


def test_alg_none_jwt_is_401(api_client):
    user = UserFactory()
    now = int(time.time())
    token = jwt.encode({"sub": str(user.pk), "iat": now, "exp": now + 600, "typ": "access"}, None, algorithm="none")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.post(TOKEN_RESET).status_code == 401


def test_jwt_signed_with_other_key_is_401(api_client):
    user = UserFactory()
    now = int(time.time())
    token = _jwt({"sub": str(user.pk), "iat": now, "exp": now + 600, "typ": "access"}, key="x" * 40)
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api_client.post(TOKEN_RESET).status_code == 401


def test_login_is_throttled_per_account(api_client, settings):
    settings.API_RATES = {**settings.API_RATES, "credentials": "3/minute", "credentials-ip": "100/minute"}
    user = UserFactory()
    statuses = [api_client.post(LOGIN, {"username": user.username, "password": "bad"}).status_code for _ in range(4)]
    assert statuses == [401, 401, 401, 429]


def test_login_is_throttled_per_address_across_accounts(api_client, settings):
    settings.API_RATES = {**settings.API_RATES, "credentials": "100/minute", "credentials-ip": "2/minute"}
    statuses = [api_client.post(LOGIN, {"username": f"someone{i}", "password": "bad"}).status_code for i in range(3)]
    assert statuses == [401, 401, 429]
