"""The dashboard on the admin index and the statistics on a campaign's change page: who may see what,
and a fixed number of queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership

from ..factories import MembershipFactory
from .conftest import activity

pytestmark = pytest.mark.django_db


def admin_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_owner_sees_the_dashboard(owner, mine):
    response = admin_client(owner.user).get(reverse("admin:index"))
    assert response.status_code == 200 and 'id="chart-spend"' in response.content.decode()


def test_viewer_sees_the_dashboard_too(advertiser, mine):
    viewer = MembershipFactory(advertiser=advertiser, role=Membership.Role.VIEWER).user
    response = admin_client(viewer).get(reverse("admin:index"))
    assert response.status_code == 200 and 'id="chart-tasks"' in response.content.decode()


def test_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))


def test_empty_panels_say_so_instead_of_drawing(owner):
    content = admin_client(owner.user).get(reverse("admin:index")).content.decode()
    assert "No data yet." in content and "data-chart=" not in content


def test_the_page_loads_chartjs_from_static(owner, mine):
    content = admin_client(owner.user).get(reverse("admin:index")).content.decode()
    assert "/static/vendor/chartjs/chart.umd.min.js" in content and "cdn" not in content.lower()


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_dashboard_query_count_does_not_grow_with_the_data(who, request, owner):
    user = request.getfixturevalue(who).user
    client = admin_client(user)
    activity(owner.advertiser)
    queries_of(client, reverse("admin:index"))  # warm the session and content types
    before = queries_of(client, reverse("admin:index"))
    for _ in range(3):
        activity(owner.advertiser)
    assert queries_of(client, reverse("admin:index")) == before


def test_campaign_page_shows_its_statistics(owner, mine):
    url = reverse("admin:campaigns_campaign_change", args=[mine["campaign"].pk])
    content = admin_client(owner.user).get(url).content.decode()
    assert all(f'id="chart-{key}"' in content for key in ("spend", "tasks", "reach"))


def test_another_advertisers_campaign_page_is_not_shown(owner, theirs):
    url = reverse("admin:campaigns_campaign_change", args=[theirs["campaign"].pk])
    assert admin_client(owner.user).get(url).status_code == 302  # the admin's "does not exist" redirect
