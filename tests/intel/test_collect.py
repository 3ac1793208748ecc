"""The public collect endpoint: recording, idempotency, bounds, throttles; malformed input is a 4xx."""

import json
import time

import pytest
from django.db import transaction

from leads.intel import services, tasks
from leads.intel.models import Person, VisitAction, VisitSession

from .factories import BlacklistEntryFactory, CompanyFactory, IpRangeFactory

pytestmark = pytest.mark.django_db

COLLECT = "/api/intel/v1/collect/"


def now_ms() -> int:
    return int(time.time() * 1000)


def batch(site, *actions, session="session-aaaa0001", visitor="visitor-aaaa0001", sent=None):
    return {
        "site_key": site.key,
        "visitor": visitor,
        "session": session,
        "sent": sent or now_ms(),
        "actions": list(actions),
    }


def page(action_id="page-00000001", url="https://shop.example/pricing?utm_source=news&utm_campaign=spring", **extra):
    return {
        "type": "page",
        "id": action_id,
        "at": now_ms() - 500,
        "url": url,
        "title": "Pricing",
        "referrer": "https://search.example/?q=tents",
        **extra,
    }


def post(api_client, body, ip="192.0.2.10", **kwargs):
    return api_client.post(COLLECT, body, format="json", REMOTE_ADDR=ip, HTTP_USER_AGENT="pytest-browser", **kwargs)


def test_batch_is_recorded_with_company_from_ip_range(api_client, site, recording):
    company = IpRangeFactory(cidr="192.0.2.0/24").company
    leave = {"type": "leave", "id": "page-00000001", "at": now_ms(), "time_on_page": 42}
    with recording(execute=True):
        response = post(api_client, batch(site, page(), leave))
    assert response.status_code == 202
    assert response.json() == {"accepted": 2}
    session = VisitSession.objects.get()
    assert (session.advertiser, session.site, session.company) == (site.advertiser, site, company)
    assert session.ip_address == "192.0.2.10"
    assert session.user_agent == "pytest-browser"
    assert (session.utm_source, session.utm_campaign) == ("news", "spring")
    assert session.referrer == "https://search.example/?q=tents"
    assert session.page_count == 1
    assert session.duration >= 42
    action = session.actions.get()
    assert (action.type, action.title, action.time_on_page, action.utm_source) == ("page", "Pricing", 42, "news")


def test_resent_batch_changes_nothing(api_client, site, recording):
    body = batch(site, page())
    for _ in range(2):
        with recording(execute=True):
            assert post(api_client, body).status_code == 202
    assert VisitSession.objects.count() == 1
    assert VisitAction.objects.count() == 1


def test_identify_creates_person_and_links_session(api_client, site, recording):
    company = CompanyFactory(domain="bigcorp.example")
    identify = {
        "type": "identify",
        "id": "ident-00000001",
        "at": now_ms(),
        "email": "Jan.Novak@BigCorp.example",
        "name": "Jan Novák",
    }
    with recording(execute=True):
        assert post(api_client, batch(site, page(), identify)).status_code == 202
    person = Person.objects.get()
    assert (person.email, person.name, person.company, person.advertiser) == (
        "jan.novak@bigcorp.example",
        "Jan Novák",
        company,
        site.advertiser,
    )
    session = VisitSession.objects.get()
    assert session.person == person
    assert session.actions.filter(type="identify", email="jan.novak@bigcorp.example").exists()


def test_the_write_is_queued_after_commit(api_client, site, recording):
    with recording(execute=False) as callbacks:
        assert post(api_client, batch(site, page())).status_code == 202
    assert len(callbacks) == 1
    assert not VisitSession.objects.exists()


def test_rolled_back_transaction_publishes_nothing(
    site, monkeypatch, django_capture_on_commit_callbacks, without_redis
):
    published = []
    monkeypatch.setattr(tasks.record_visit_batch, "delay", lambda *args: published.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.accept_collected_batch(site, "192.0.2.10", "ua", batch(site, page()))
            raise RuntimeError("the request failed after queueing")
        services.accept_collected_batch(site, "192.0.2.10", "ua", batch(site, page()))
    assert len(published) == 1


def test_blacklisted_company_is_not_recorded(api_client, site, recording):
    company = IpRangeFactory(cidr="192.0.2.0/24").company
    BlacklistEntryFactory(advertiser=site.advertiser, domain=company.domain)
    with recording(execute=True):
        assert post(api_client, batch(site, page())).status_code == 202
    assert not VisitSession.objects.exists()


def test_blacklisted_reverse_dns_domain_is_not_recorded(api_client, site, fake_dns, recording):
    fake_dns["192.0.2.10"] = "gw-3.office.rival.example"
    BlacklistEntryFactory(advertiser=site.advertiser, domain="rival.example")
    with recording(execute=True):
        assert post(api_client, batch(site, page())).status_code == 202
    assert not VisitSession.objects.exists()


def test_identify_with_blacklisted_email_domain_records_no_person(api_client, site, recording):
    BlacklistEntryFactory(advertiser=site.advertiser, domain="competitor.example")
    identify = {"type": "identify", "id": "ident-00000001", "at": now_ms(), "email": "spy@competitor.example"}
    with recording(execute=True):
        assert post(api_client, batch(site, page(), identify)).status_code == 202
    assert not Person.objects.exists()
    assert VisitSession.objects.get().actions.filter(type="identify").count() == 0


def test_other_advertisers_blacklist_does_not_apply(api_client, site, other_advertiser, recording):
    company = IpRangeFactory(cidr="192.0.2.0/24").company
    BlacklistEntryFactory(advertiser=other_advertiser, domain=company.domain)
    with recording(execute=True):
        assert post(api_client, batch(site, page())).status_code == 202
    assert VisitSession.objects.get().company == company


def test_text_plain_body_from_send_beacon_is_accepted(api_client, site):
    response = api_client.post(
        COLLECT, json.dumps(batch(site, page())), content_type="text/plain;charset=UTF-8", REMOTE_ADDR="192.0.2.10"
    )
    assert response.status_code == 202


def _malformed(site):
    good = batch(site, page())
    yield "not json", "{not json"
    yield "a list", json.dumps([good])
    yield "empty object", "{}"
    yield "unknown site", json.dumps({**good, "site_key": "site_nope"})
    yield "site key too long", json.dumps({**good, "site_key": "k" * 500})
    yield "bad visitor id", json.dumps({**good, "visitor": "<script>"})
    yield "no actions", json.dumps({**good, "actions": []})
    yield "too many actions", json.dumps({**good, "actions": [page(f"page-{i:08d}") for i in range(51)]})
    yield "actions not a list", json.dumps({**good, "actions": "page"})
    yield "unknown action type", json.dumps({**good, "actions": [{**page(), "type": "purchase"}]})
    yield "page without url", json.dumps({**good, "actions": [{"type": "page", "id": "page-00000001", "at": now_ms()}]})
    yield "javascript url", json.dumps({**good, "actions": [page(url="javascript:alert(1)")]})
    yield "url of another host", json.dumps({**good, "actions": [page(url="https://evil.example/")]})
    yield "title too long", json.dumps({**good, "actions": [page(title="x" * 501)]})
    yield "huge integer time", json.dumps({**good, "sent": 10**30})
    yield "time as text", json.dumps({**good, "sent": "yesterday"})
    yield "action from last week", json.dumps({**good, "actions": [{**page(), "at": now_ms() - 8 * 86400 * 1000}]})
    yield "action after sending", json.dumps({**good, "actions": [{**page(), "at": now_ms() + 3_600_000}]})
    bad_email = {"type": "identify", "id": "ident-00000001", "at": now_ms(), "email": "nope"}
    yield "bad email", json.dumps({**good, "actions": [bad_email]})
    negative = {"type": "leave", "id": "page-00000001", "at": now_ms(), "time_on_page": -1}
    yield "negative time on page", json.dumps({**good, "actions": [negative]})
    yield "NUL byte", json.dumps({**good, "session": "abc\u0000defgh"})
    yield "nested garbage", json.dumps({**good, "actions": [[{"a": {"b": []}}]]})


def test_malformed_payloads_are_refused_with_4xx_and_record_nothing(api_client, site, celery_eager):
    for label, body in _malformed(site):
        response = api_client.post(COLLECT, body, content_type="application/json", REMOTE_ADDR="192.0.2.10")
        assert 400 <= response.status_code < 500, (label, response.status_code, response.content[:200])
        assert response["Content-Type"].startswith("application/json"), label
    assert not VisitSession.objects.exists()


@pytest.mark.parametrize("char", ["\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\x1b"])
def test_a_url_with_an_invisible_or_control_character_is_refused_and_records_nothing(
    api_client, site, celery_eager, char
):
    response = post(api_client, batch(site, page(url=f"https://shop.example/pri{char}cing")))
    assert (response.status_code, VisitSession.objects.exists()) == (400, False)


def test_oversized_body_is_413(api_client, site):
    body = json.dumps({**batch(site, page()), "padding": "x" * 70_000})
    response = api_client.post(COLLECT, body, content_type="application/json", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 413


def test_other_methods_are_refused(api_client):
    assert api_client.get(COLLECT).status_code == 405


def test_throttled_per_site_key_with_retry_after(api_client, site, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect": "3/minute"}
    statuses = [post(api_client, batch(site, page()), ip=f"192.0.2.{n}").status_code for n in range(1, 6)]
    assert statuses == [202, 202, 202, 429, 429]
    response = post(api_client, batch(site, page()), ip="192.0.2.99")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "detail" in response.json()


def test_throttled_per_ip_across_site_keys(api_client, site, other_site, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect-ip": "2/minute"}
    other_page = page(url="https://globex.example/")
    assert post(api_client, batch(site, page())).status_code == 202
    assert post(api_client, batch(other_site, other_page)).status_code == 202
    response = post(api_client, batch(other_site, other_page))
    assert response.status_code == 429
    assert "Retry-After" in response
    assert post(api_client, batch(site, page()), ip="198.51.100.1").status_code == 202


def test_x_forwarded_for_does_not_change_the_throttled_address(api_client, site, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect-ip": "1/minute"}
    assert post(api_client, batch(site, page()), HTTP_X_FORWARDED_FOR="203.0.113.1").status_code == 202
    assert post(api_client, batch(site, page()), HTTP_X_FORWARDED_FOR="203.0.113.2").status_code == 429


def test_inactive_site_is_refused(api_client, site):
    site.active = False
    site.save()
    response = post(api_client, batch(site, page()))
    assert response.status_code == 400
    assert "site_key" in response.json()


def test_broker_outage_is_logged_not_a_500(
    api_client, site, monkeypatch, caplog, django_capture_on_commit_callbacks, without_redis
):
    def broker_down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.record_visit_batch, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(COLLECT, batch(site, page()), format="json", REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 202
    assert "broker unreachable" in caplog.text


@pytest.mark.parametrize("hold", ["suspend_advertiser", "deactivate_advertiser"])
def test_a_held_advertisers_beacons_are_accepted_counted_and_not_stored(api_client, site, recording, hold):
    from accounts import services as account_services
    from leadplatform.api.counters import counter_store

    getattr(account_services, hold)(site.advertiser)
    with recording(execute=True):
        response = post(api_client, batch(site, page()))
    counted = counter_store().get(services.NOT_STORED_COUNTER.format(advertiser_id=site.advertiser_id))
    assert (response.status_code, counted, VisitSession.objects.exists()) == (202, 1, False)
