"""A principal exists only while its grant does: memberships, roles, active users, passwords."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.jwt import issue_access_token
from accounts.models import ApiToken, Membership, User, digest_secret
from accounts.principal import Kind, principal_of
from accounts.token_lookup import token_by_digest

from ..factories import PASSWORD, MembershipFactory, StaffFactory, UserFactory, token_for

pytestmark = pytest.mark.django_db

TARGETS = "/api/v1/targets"
WEB_JOBS = "/api/web/v1/jobs"


def _bearer(credential: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {credential}")
    return client


def _create_target(client: APIClient):
    return client.post(TARGETS, {"target_type": "hashtag", "identifier": "#grants"}, format="json")


# --- the lookup ---------------------------------------------------------------------------
def test_the_token_lookup_reads_the_role_in_its_one_statement(owner, django_assert_num_queries):
    with django_assert_num_queries(1):
        token = token_by_digest(digest_secret(owner.token))
    assert token.member_role == Membership.Role.OWNER


def test_the_token_lookup_finds_no_role_once_the_membership_is_gone(owner):
    Membership.objects.filter(user=owner.user)._raw_delete(Membership.objects.db)
    assert token_by_digest(digest_secret(owner.token)).member_role is None


def test_a_token_request_costs_the_same_statements_for_a_member(owner, django_assert_max_num_queries):
    client = owner.client()
    client.get(TARGETS)  # warm the per-process caches
    with django_assert_max_num_queries(4):  # token lookup, count, page, usage counter bookkeeping
        assert client.get(TARGETS).status_code == 200


def test_the_principal_carries_the_members_role(member, rf):
    request = rf.get("/")
    request.user = member.user
    request.auth = token_by_digest(digest_secret(member.token))
    principal = principal_of(request)
    assert (principal.kind, principal.role) == (Kind.ADVERTISER, Membership.Role.MANAGER)


def test_a_staff_token_scoped_to_an_advertiser_acts_as_its_owner(advertiser):
    staff = StaffFactory()
    response = _create_target(_bearer(token_for(staff, advertiser)))
    assert response.status_code == 201, response.json()


# --- roles ------------------------------------------------------------------------------
def test_a_role_change_takes_effect_on_the_next_request(member):
    client = member.client()
    assert _create_target(client).status_code == 201
    Membership.objects.filter(user=member.user).update(role=Membership.Role.VIEWER)
    assert _create_target(client).status_code == 403


def test_a_promoted_viewer_writes_on_the_next_request(advertiser):
    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER)
    client = _bearer(token_for(membership.user, advertiser))
    assert _create_target(client).status_code == 403
    Membership.objects.filter(pk=membership.pk).update(role=Membership.Role.MANAGER)
    assert _create_target(client).status_code == 201


def test_a_viewers_jwt_reads_but_cannot_write(advertiser):
    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER)
    client = _bearer(issue_access_token(membership.user))
    assert client.get(WEB_JOBS).status_code == 200
    assert client.post(WEB_JOBS, {"url": "https://example.com/"}, format="json").json()["type"] == "permission_error"


# --- removal ------------------------------------------------------------------------------
def test_removing_a_member_revokes_their_tokens_for_that_advertiser_only(owner, other_advertiser):
    MembershipFactory(user=owner.user, advertiser=other_advertiser)
    token_for(owner.user, other_advertiser)
    services.remove_member(Membership.objects.get(user=owner.user, advertiser=owner.advertiser))
    usable = set(ApiToken.objects.filter(user=owner.user).usable().values_list("advertiser_id", flat=True))
    assert usable == {other_advertiser.pk}


def test_deleting_memberships_in_bulk_revokes_the_tokens_too(owner):
    Membership.objects.filter(user=owner.user).delete()
    assert not ApiToken.objects.filter(user=owner.user).usable().exists()


def test_a_removed_member_is_refused_by_the_api(owner):
    services.remove_member(Membership.objects.get(user=owner.user))
    assert owner.client().get(TARGETS).status_code == 401


def test_a_removed_members_jwt_acts_for_no_advertiser(owner):
    access_token = issue_access_token(owner.user)
    services.remove_member(Membership.objects.get(user=owner.user))
    assert _bearer(access_token).get(WEB_JOBS).status_code == 403


# --- inactive users -------------------------------------------------------------------------
def test_an_inactive_users_jwt_is_refused(owner):
    access_token = issue_access_token(owner.user)
    User.objects.filter(pk=owner.user.pk).update(is_active=False)
    assert _bearer(access_token).get(WEB_JOBS).status_code == 401


def test_an_inactive_users_session_is_refused(client, owner):
    client.force_login(owner.user)
    User.objects.filter(pk=owner.user.pk).update(is_active=False)
    assert client.get("/admin/").status_code == 302  # back to the login page


# --- passwords ------------------------------------------------------------------------------
def test_a_password_change_ends_the_jwts_issued_before_it(owner):
    access_token = issue_access_token(owner.user)
    owner.user.set_password("another-long-passphrase")
    owner.user.save()
    assert _bearer(access_token).get(WEB_JOBS).status_code == 401


def test_a_password_saved_alone_still_ends_the_jwts(owner):
    access_token = issue_access_token(owner.user)
    owner.user.set_password("another-long-passphrase")
    owner.user.save(update_fields=["password"])
    assert _bearer(access_token).get(WEB_JOBS).status_code == 401


def test_a_jwt_issued_within_the_same_second_after_the_change_works(owner):
    moment = timezone.now().replace(microsecond=100_000)
    with time_machine.travel(moment, tick=False):
        owner.user.set_password("another-long-passphrase")
        owner.user.save()
    with time_machine.travel(moment + timedelta(milliseconds=1), tick=False):
        assert _bearer(issue_access_token(owner.user)).get(WEB_JOBS).status_code == 200


def test_a_stronger_hash_at_login_is_no_password_change(owner, settings):
    access_token = issue_access_token(owner.user)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher", *settings.PASSWORD_HASHERS]
    assert owner.user.check_password(PASSWORD)  # rehashed with the new first hasher
    assert _bearer(access_token).get(WEB_JOBS).status_code == 200


def test_the_first_password_of_a_new_user_ends_nothing():
    user = User.objects.create_user("fresh", "fresh@example.com", PASSWORD)
    assert user.credentials_valid_after is None


def test_changing_ones_own_password_keeps_ones_session(client):
    staff = StaffFactory()
    client.force_login(staff)
    access_token = issue_access_token(staff)
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert _bearer(access_token).get("/api/web/v1/monitoring/system").status_code == 401


def test_a_password_change_ends_the_other_sessions(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    user.set_password("another-long-passphrase")
    user.save()
    assert client.get("/admin/").status_code == 302
