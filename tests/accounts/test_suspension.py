"""Suspending or closing an advertiser: a platform decision, logged; its members are refused in admin as on the API."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry

from accounts import services
from accounts.models import Advertiser

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/accounts/advertiser/"


def _act(client, action: str, advertiser):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [advertiser.pk]})


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff.user)
    return client


@pytest.fixture
def owner_client(client, owner):
    client.force_login(owner.user)
    return client


def test_staff_suspend_an_advertiser_and_the_change_is_logged(staff_client, advertiser):
    _act(staff_client, "suspend", advertiser)
    advertiser.refresh_from_db()
    entry = LogEntry.objects.get(object_id=str(advertiser.pk))
    assert (advertiser.status, entry.get_change_message()) == (Advertiser.Status.SUSPENDED, "Suspended the advertiser.")


def test_staff_reactivate_a_suspended_advertiser_and_the_change_is_logged(staff_client, advertiser):
    services.suspend_advertiser(advertiser)
    _act(staff_client, "reactivate", advertiser)
    advertiser.refresh_from_db()
    messages = [entry.get_change_message() for entry in LogEntry.objects.filter(object_id=str(advertiser.pk))]
    assert (advertiser.status, messages) == (Advertiser.Status.ACTIVE, ["Reactivated the advertiser."])


def test_staff_deactivate_an_advertiser_and_the_change_is_logged(staff_client, advertiser):
    _act(staff_client, "deactivate", advertiser)
    advertiser.refresh_from_db()
    entry = LogEntry.objects.get(object_id=str(advertiser.pk))
    assert (advertiser.status, entry.get_change_message()) == (
        Advertiser.Status.INACTIVE,
        "Deactivated the advertiser.",
    )


def test_staff_reactivate_an_inactive_advertiser(staff_client, advertiser):
    services.deactivate_advertiser(advertiser)
    _act(staff_client, "reactivate", advertiser)
    advertiser.refresh_from_db()
    assert advertiser.status == Advertiser.Status.ACTIVE


def test_the_status_changes_only_through_the_logged_actions(staff_client, advertiser):
    response = staff_client.get(f"{CHANGELIST}{advertiser.pk}/change/")
    assert "status" not in response.context["adminform"].form.fields


def test_reactivating_an_active_advertiser_logs_nothing(staff_client, advertiser):
    _act(staff_client, "reactivate", advertiser)
    assert not LogEntry.objects.exists()


def test_members_are_not_offered_the_actions(owner_client):
    response = owner_client.get(CHANGELIST)
    actions = response.context["cl"].model_admin.get_actions(response.wsgi_request)
    assert {"suspend", "deactivate", "reactivate"}.isdisjoint(actions)


def test_a_member_cannot_suspend_by_posting_the_action(owner_client, advertiser):
    _act(owner_client, "suspend", advertiser)
    advertiser.refresh_from_db()
    assert advertiser.status == Advertiser.Status.ACTIVE


@pytest.mark.parametrize("hold", [services.suspend_advertiser, services.deactivate_advertiser])
def test_a_held_advertisers_owner_is_refused_in_admin(owner_client, advertiser, hold):
    hold(advertiser)
    assert owner_client.get(f"{CHANGELIST}{advertiser.pk}/change/").status_code == 403


@pytest.mark.parametrize(
    ("hold", "reason"),
    [(services.suspend_advertiser, "is suspended"), (services.deactivate_advertiser, "is inactive")],
)
def test_the_refusal_says_why(owner_client, advertiser, hold, reason):
    hold(advertiser)
    assert reason in owner_client.get("/admin/").content.decode()


def test_a_suspended_advertisers_owner_cannot_add_tokens_in_admin(owner_client, advertiser):
    services.suspend_advertiser(advertiser)
    assert owner_client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_a_suspended_advertisers_owner_may_still_log_out(owner_client, advertiser):
    services.suspend_advertiser(advertiser)
    owner_client.post("/admin/logout/")
    assert "_auth_user_id" not in owner_client.session


def test_reactivation_gives_the_api_back(owner, advertiser):
    services.suspend_advertiser(advertiser)
    assert owner.client().get("/api/v1/targets").status_code == 403
    services.reactivate_advertiser(advertiser)
    assert owner.client().get("/api/v1/targets").status_code == 200


def test_removing_a_member_in_admin_revokes_their_tokens(staff_client, member):
    from accounts.models import ApiToken, Membership

    membership = Membership.objects.get(user=member.user)
    staff_client.post(f"/admin/accounts/membership/{membership.pk}/delete/", {"post": "yes"})
    assert not ApiToken.objects.filter(user=member.user).usable().exists()
