"""The demo data gives the demo advertiser a dashboard with something in every panel."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Advertiser
from leadplatform import dashboard

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_advertiser(settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    call_command("seed_demo", stdout=StringIO())
    return Advertiser.objects.get(name="Acme Outdoor")


def test_every_panel_of_the_demo_advertiser_has_data(demo_advertiser):
    panels = dashboard.for_scope(dashboard.scope_for_advertiser(demo_advertiser))
    assert [panel.key for panel in panels if panel.empty] == []


def test_every_panel_of_a_demo_campaign_has_data(demo_advertiser):
    campaign = demo_advertiser.campaigns.get(name=f"{demo_advertiser.name}: Summer Style")
    assert [panel.key for panel in dashboard.for_campaign(campaign) if panel.empty] == []
