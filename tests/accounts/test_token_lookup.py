"""The one-statement token lookup loads what the ORM's select_related would, and nothing later."""

import pytest
from django.forms.models import model_to_dict

from accounts import services
from accounts.models import ApiToken, Publisher, digest_secret
from accounts.token_lookup import token_by_digest

from ..factories import AdvertiserFactory, MembershipFactory, PublisherFactory, UserFactory, token_for

# Run on PostgreSQL and again on SQLite (make test): the code has a form for each.
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def orm_lookup(plaintext: str) -> ApiToken:
    return ApiToken.objects.select_related("user", "advertiser", "user__publisher").get(digest=digest_secret(plaintext))


def loaded(plaintext: str) -> ApiToken:
    return token_by_digest(digest_secret(plaintext))


@pytest.fixture
def advertiser_token():
    advertiser = AdvertiserFactory()
    user = UserFactory()
    MembershipFactory(user=user, advertiser=advertiser)
    return token_for(user, advertiser)


@pytest.fixture
def publisher_token():
    return token_for(PublisherFactory().user)


def test_an_unknown_digest_finds_nothing():
    assert token_by_digest(digest_secret("lp_nothing")) is None


def test_every_field_of_the_token_equals_the_orms(advertiser_token):
    assert model_to_dict(loaded(advertiser_token)) == model_to_dict(orm_lookup(advertiser_token))


def test_the_user_and_advertiser_equal_the_orms(advertiser_token):
    token, expected = loaded(advertiser_token), orm_lookup(advertiser_token)
    assert (model_to_dict(token.user), model_to_dict(token.advertiser)) == (
        model_to_dict(expected.user),
        model_to_dict(expected.advertiser),
    )


def test_the_users_publisher_equals_the_orms(publisher_token):
    assert model_to_dict(loaded(publisher_token).user.publisher) == model_to_dict(
        orm_lookup(publisher_token).user.publisher
    )


def test_related_objects_need_no_further_query(publisher_token, django_assert_num_queries):
    token = loaded(publisher_token)
    with django_assert_num_queries(0):
        assert (token.user.publisher.user, token.advertiser) == (token.user, None)


def test_a_user_without_publisher_raises_does_not_exist_without_a_query(advertiser_token, django_assert_num_queries):
    token = loaded(advertiser_token)
    with django_assert_num_queries(0), pytest.raises(Publisher.DoesNotExist):
        _ = token.user.publisher


def test_loaded_instances_save_like_orm_ones(advertiser_token):
    token = loaded(advertiser_token)
    token.name = "renamed"
    token.save(update_fields=["name"])
    assert ApiToken.objects.get(pk=token.pk).name == "renamed"


def test_find_token_still_checks_the_plaintext(advertiser_token):
    assert services.find_token(advertiser_token + "x") is None
