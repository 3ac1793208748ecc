"""/settings/tokens/ offers a token only for the advertisers the user is a member of now."""

import pytest

from accounts import memberships
from accounts.models import ApiToken, Membership
from accounts.principal import Principal

pytestmark = pytest.mark.django_db

TOKENS = "/settings/tokens/"


def offered(client, user) -> set[int]:
    client.force_login(user)
    return {advertiser.pk for advertiser in client.get(TOKENS).context["form"].fields["advertiser"].queryset}


def test_a_member_is_offered_their_advertiser_only(client, member, outsider):
    assert offered(client, member.user) == {member.advertiser.pk}


def test_a_removed_member_is_no_longer_offered_the_advertiser(client, owner, member):
    removed = Membership.objects.get(user=member.user)
    memberships.remove_member(Principal.for_user(owner.user), removed)
    assert offered(client, member.user) == set()


def test_a_token_for_another_advertiser_is_refused(client, member, outsider):
    client.force_login(member.user)
    response = client.post(TOKENS, {"name": "foreign", "advertiser": outsider.advertiser.pk})
    assert response.status_code == 200  # the form again, with its error
    assert not ApiToken.objects.filter(name="foreign").exists()
