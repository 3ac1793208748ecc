"""The dashboard's advertiser picker: a member of several advertisers sees them combined (the heading
names them) or, with ?advertiser=<id>, one of them; an id that is not theirs changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from leadplatform import dashboard

from ..factories import AdvertiserFactory, MembershipFactory
from .conftest import activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_advertiser(owner):
    """The owner is also a member of a second advertiser, with activity of its own."""
    second = AdvertiserFactory(name="Second Shop")
    MembershipFactory(user=owner.user, advertiser=second)
    activity(second, paid="99.00", reach=5000)
    return second


def dashboard_of(user, **params):
    client = Client()
    client.force_login(user)
    return client.get(reverse("admin:index"), params)


def charts(panels) -> list[dict]:
    return [panel.chart_config() for panel in panels]


@pytest.mark.usefixtures("mine")
def test_by_default_the_heading_names_every_advertiser_of_the_member(owner, second_advertiser):
    scope = dashboard_of(owner.user).context["dashboard_scope"]
    assert scope.label == f"{owner.advertiser.name}, {second_advertiser.name}"


@pytest.mark.usefixtures("mine")
def test_picking_an_advertiser_shows_its_panels_alone(owner, second_advertiser):
    response = dashboard_of(owner.user, advertiser=second_advertiser.pk)
    alone = dashboard.for_scope(dashboard.scope_for_advertiser(second_advertiser))
    assert (response.context["dashboard_scope"].label, charts(response.context["dashboard_panels"])) == (
        second_advertiser.name,
        charts(alone),
    )


@pytest.mark.usefixtures("mine")
def test_the_picker_offers_the_members_advertisers_with_the_picked_one_selected(owner, second_advertiser):
    content = dashboard_of(owner.user, advertiser=second_advertiser.pk).content.decode()
    assert f'<option value="{second_advertiser.pk}" selected>{second_advertiser.name}</option>' in content
    assert f'<option value="{owner.advertiser.pk}">{owner.advertiser.name}</option>' in content


def test_a_member_of_one_advertiser_gets_no_picker(owner):
    assert 'name="advertiser"' not in dashboard_of(owner.user).content.decode()


@pytest.mark.usefixtures("mine", "theirs")
@pytest.mark.parametrize("picked", ["outsider", "unknown", "malformed"])
def test_an_advertiser_that_is_not_the_members_shows_the_default(owner, outsider, second_advertiser, picked):
    advertiser_id = {"outsider": outsider.advertiser.pk, "unknown": 987654, "malformed": "1; drop"}[picked]
    response = dashboard_of(owner.user, advertiser=advertiser_id)
    combined = dashboard.for_scope(dashboard.scope_for_user(owner.user))
    assert (response.status_code, charts(response.context["dashboard_panels"])) == (200, charts(combined))


@pytest.mark.usefixtures("mine", "theirs")
def test_an_advertiser_that_is_not_the_members_is_answered_with_a_warning(owner, outsider, second_advertiser):
    content = dashboard_of(owner.user, advertiser=outsider.advertiser.pk).content.decode()
    assert f"Advertiser with ID “{outsider.advertiser.pk}” is not one of yours: showing all of them." in content
