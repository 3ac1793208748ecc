"""Django admin for an advertiser member: only their advertiser's rows, choices and actions."""

import pytest

from accounts.models import ApiToken, Membership

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner.user)
    return client


def test_member_can_enter_the_admin(member_client):
    assert member_client.get("/admin/").status_code == 200


def test_member_token_list_shows_only_their_advertiser(member_client, owner, outsider):
    response = member_client.get("/admin/accounts/apitoken/")
    prefixes = {token.prefix for token in response.context["cl"].result_list}
    assert prefixes == set(ApiToken.objects.filter(advertiser=owner.advertiser).values_list("prefix", flat=True))


def test_member_cannot_open_another_tenants_token(member_client, outsider):
    foreign = ApiToken.objects.get(advertiser=outsider.advertiser)
    response = member_client.get(f"/admin/accounts/apitoken/{foreign.pk}/change/")
    assert response.status_code == 302  # the admin's "does not exist" redirect, as for a missing id


def test_member_sees_only_their_advertiser(member_client, owner, outsider):
    response = member_client.get("/admin/accounts/advertiser/")
    assert [a.pk for a in response.context["cl"].result_list] == [owner.advertiser.pk]


def test_member_user_choices_are_their_colleagues(member_client, owner, outsider):
    response = member_client.get("/admin/accounts/apitoken/add/")
    choices = {user.pk for user in response.context["adminform"].form.fields["user"].queryset}
    assert outsider.user.pk not in choices
    assert owner.user.pk in choices


def test_member_token_is_created_for_their_advertiser(member_client, owner, outsider):
    response = member_client.post(
        "/admin/accounts/apitoken/add/",
        {"user": owner.user.pk, "name": "from admin", "advertiser": outsider.advertiser.pk},
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(name="from admin").advertiser == owner.advertiser


def test_member_cannot_raise_their_own_limit(member_client, owner):
    response = member_client.post(
        f"/admin/accounts/advertiser/{owner.advertiser.pk}/change/",
        {
            "name": "Renamed",
            "contact_email": owner.advertiser.contact_email,
            "currency": "USD",
            "maximum_limit": "999999",
            "status": "suspended",
        },
    )
    owner.advertiser.refresh_from_db()
    assert response.status_code == 302
    assert (owner.advertiser.name, str(owner.advertiser.maximum_limit), owner.advertiser.status) == (
        "Renamed",
        "10000.00",
        "active",
    )


def test_viewer_cannot_change(client, advertiser):
    viewer = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user
    client.force_login(viewer)
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403


def test_a_viewer_does_not_see_the_spending_limit(client, advertiser):
    # The limit is a money setting: the API's maximum-limit route is for owners and managers.
    client.force_login(MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user)
    response = client.get(f"/admin/accounts/advertiser/{advertiser.pk}/change/")
    assert "Maximum limit" not in response.content.decode()


def test_a_manager_sees_the_spending_limit(client, advertiser):
    client.force_login(MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER).user)
    response = client.get(f"/admin/accounts/advertiser/{advertiser.pk}/change/")
    assert "Maximum limit" in response.content.decode()


def test_member_cannot_see_platform_models(member_client):
    assert member_client.get("/admin/accounts/user/").status_code == 403


def test_staff_sees_every_tenants_tokens(client, staff, owner, outsider):
    client.force_login(staff.user)
    response = client.get("/admin/accounts/apitoken/")
    advertisers = {token.advertiser_id for token in response.context["cl"].result_list}
    assert {owner.advertiser.pk, outsider.advertiser.pk} <= advertisers


def test_user_without_membership_is_kept_out(client, db):
    from ..factories import UserFactory

    client.force_login(UserFactory())
    assert client.get("/admin/").status_code == 302


def test_revoke_action_revokes(member_client, owner):
    token = ApiToken.objects.get(advertiser=owner.advertiser)
    member_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_revoke_action_ignores_foreign_ids(member_client, outsider):
    foreign = ApiToken.objects.get(advertiser=outsider.advertiser)
    member_client.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.revoked_at is None


@pytest.mark.parametrize("admin_class", ["PlatformOnlyAdmin", "TenantScopedAdmin"])
def test_admin_forms_take_a_link_typed_without_a_scheme_as_https(admin_class):
    from django.contrib import admin

    from accounts import admin_scoping
    from leads.models import Lead

    model_admin = getattr(admin_scoping, admin_class)(Lead, admin.site)
    field = model_admin.formfield_for_dbfield(Lead._meta.get_field("website"), request=None)
    assert field.clean("shop.example") == "https://shop.example"


def test_a_manager_cannot_issue_a_token_for_the_owner(client, owner, member):
    # The issuer reads the plaintext, and the token acts with its user's role: an owner's token is an owner's power.
    client.force_login(member.user)
    client.post("/admin/accounts/apitoken/add/", {"user": owner.user.pk, "name": "borrowed"})
    assert not ApiToken.objects.filter(name="borrowed").exists()


def test_a_manager_may_issue_a_token_for_a_viewer(client, advertiser, member):
    viewer = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user
    client.force_login(member.user)
    client.post("/admin/accounts/apitoken/add/", {"user": viewer.pk, "name": "for the viewer"})
    assert ApiToken.objects.filter(name="for the viewer", user=viewer).exists()
