"""Watch rules and company alerts: matching as visits are recorded, once a day, the signed webhook, the e-mail,
the history in the API and in admin."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from leads.intel import alerts
from leads.intel.models import CompanyAlert, NetworkKind, WatchRule
from leads.models import WebhookDelivery

from ..smtp import smtp_inbox  # noqa: F401  (a fixture: a real SMTP server on localhost)
from ..web.factories import WebhookFactory
from .factories import IpRangeFactory
from .test_scores import record

pytestmark = pytest.mark.django_db

BASE = "/api/intel/v1"


@pytest.fixture
def company():
    return IpRangeFactory(cidr="192.0.2.0/24").company


def rule(site, **conditions) -> WatchRule:
    companies = conditions.pop("companies", [])
    watch = WatchRule.objects.create(advertiser=site.advertiser, name="Hot accounts", **conditions)
    watch.companies.set(companies)
    return watch


# --- matching --------------------------------------------------------------------------------------------------
def test_a_visit_to_the_watched_path_alerts(site, company):
    watch = rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/", "/pricing")
    alert = CompanyAlert.objects.get()
    assert (alert.rule, alert.company, alert.reason) == (watch, company, "visited /pricing")


def test_a_visit_elsewhere_does_not_alert(site, company):
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/", "/blog")
    assert not CompanyAlert.objects.exists()


def test_a_listed_company_alerts_and_another_does_not(site, company):
    rule(site, companies=[company])
    IpRangeFactory(cidr="198.51.100.0/24")
    record(site, "198.51.100.5", "/", session="session-aaaa0002")
    record(site, "192.0.2.5", "/")
    assert list(CompanyAlert.objects.values_list("company", flat=True)) == [company.pk]


def test_a_score_above_the_threshold_alerts(site, company):
    rule(site, score_above=Decimal("6"))
    record(site, "192.0.2.5", "/")
    assert not CompanyAlert.objects.exists()
    record(site, "192.0.2.5", "/", "/pricing", "/contact", "/about", session="session-aaaa0002")
    assert CompanyAlert.objects.get().score > 6


def test_a_rule_for_other_network_kinds_does_not_alert(site, company):
    rule(site, path_pattern="/*", network_kinds=[NetworkKind.EDUCATION])
    record(site, "192.0.2.5", "/")
    assert not CompanyAlert.objects.exists()


def test_a_paused_rule_does_not_alert(site, company):
    rule(site, path_pattern="/*", active=False)
    record(site, "192.0.2.5", "/")
    assert not CompanyAlert.objects.exists()


def test_another_advertisers_rule_does_not_alert_on_your_visit(site, company, other_site):
    rule(other_site, path_pattern="/*")
    record(site, "192.0.2.5", "/")
    assert not CompanyAlert.objects.exists()


def test_a_second_visit_the_same_day_sends_nothing(site, company):
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    record(site, "192.0.2.6", "/pricing", session="session-aaaa0002")
    assert CompanyAlert.objects.count() == 1


def test_a_drained_chunk_alerts_once(site, company):
    rule(site, path_pattern="/pricing*")
    now_ms = int(timezone.now().timestamp() * 1000)
    beacons = [
        {
            "site": site.pk,
            "ip": "192.0.2.5",
            "ua": "pytest",
            "received": timezone.now().timestamp(),
            "batch": {
                "site_key": site.key,
                "visitor": "visitor-aaaa0001",
                "session": f"session-eeee000{n}",
                "sent": now_ms,
                "actions": [
                    {"type": "page", "id": "page-00000001", "at": now_ms, "url": "https://shop.example/pricing"}
                ],
            },
        }
        for n in range(3)
    ]
    from leads.intel import services

    services.record_beacons(beacons)
    assert CompanyAlert.objects.count() == 1


# --- the webhook and the e-mail --------------------------------------------------------------------------------
def test_the_alert_is_a_company_alert_webhook_delivery(site, company):
    WebhookFactory(advertiser=site.advertiser, events=["company.alert"])
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event, delivery.payload["data"]["company"]["id"]) == ("company.alert", company.pk)


def test_endpoints_not_subscribed_get_no_alert(site, company):
    WebhookFactory(advertiser=site.advertiser, events=["job.completed"])
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    assert not WebhookDelivery.objects.exists()


def test_the_alert_is_emailed_to_the_owners(site, company, owner, smtp_inbox):  # noqa: F811
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    assert alerts.send_alert_emails() == 1
    [message] = smtp_inbox.messages
    assert owner.user.email in message["To"] and company.name in message["Subject"]


def test_the_alert_is_emailed_to_the_rules_addresses(site, company, smtp_inbox):  # noqa: F811
    rule(site, path_pattern="/pricing*", email_to="sales@firm.example, ceo@firm.example")
    record(site, "192.0.2.5", "/pricing")
    alerts.send_alert_emails()
    assert smtp_inbox.messages[0]["X-Envelope-To"] == "sales@firm.example, ceo@firm.example"


def test_an_alert_is_emailed_once(site, company, owner, smtp_inbox):  # noqa: F811
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    alerts.send_alert_emails()
    assert alerts.send_alert_emails() == 0
    assert len(smtp_inbox.messages) == 1


# --- the history -----------------------------------------------------------------------------------------------
def test_the_api_lists_the_alerts(owner, site, company):
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    [row] = owner.client().get(f"{BASE}/alerts/").json()["results"]
    assert set(row) == {"id", "rule", "company", "session", "day", "reason", "score", "created_at", "emailed_at"}


def test_another_advertisers_alert_is_404(outsider, site, company):
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    alert = CompanyAlert.objects.get()
    assert outsider.client().get(f"{BASE}/alerts/{alert.pk}/").status_code == 404


def test_the_admin_shows_the_alert_history(client, owner, site, company):
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    client.force_login(owner.user)
    assert "visited /pricing" in client.get("/admin/intel/companyalert/").content.decode()


def test_a_rule_must_watch_for_something(client, owner, site):
    client.force_login(owner.user)
    response = client.post("/admin/intel/watchrule/add/", {"name": "Nothing", "active": "on"})
    assert response.status_code == 200 and not WatchRule.objects.exists()


def test_a_member_adds_a_path_rule(client, owner, site):
    client.force_login(owner.user)
    response = client.post(
        "/admin/intel/watchrule/add/",
        {"name": "Pricing", "path_pattern": "/pricing*", "network_kinds": ["company"], "active": "on"},
    )
    assert response.status_code == 302, response.content[:600]
    assert WatchRule.objects.get().advertiser == owner.advertiser


def test_beat_sends_what_an_outage_left_unsent_and_only_that(site, company, owner, smtp_inbox):  # noqa: F811
    """The after-commit send never reached a worker (broker down, worker killed): beat's sweep sends it."""
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    CompanyAlert.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    record(site, "192.0.2.6", "/pricing", session="session-aaaa0002")  # same day: no second alert
    from leads.intel.tasks import send_overdue_alert_emails

    send_overdue_alert_emails()
    assert (len(smtp_inbox.messages), CompanyAlert.objects.filter(emailed_at__isnull=True).count()) == (1, 0)


def test_beat_leaves_a_fresh_alert_to_its_own_send(site, company, owner, smtp_inbox):  # noqa: F811
    rule(site, path_pattern="/pricing*")
    record(site, "192.0.2.5", "/pricing")
    from leads.intel.tasks import send_overdue_alert_emails

    send_overdue_alert_emails()
    assert smtp_inbox.messages == []
