"""The collect route's fast lane and the beacon queue: the same answers as the full stack, no SQL per
beacon, one drain records many beacons by the same rules, and the embedded mode (no Redis) still records."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from leadplatform.api.counters import counter_store
from leadplatform.beat import declared_periodic_tasks
from leads.intel import services, tasks
from leads.intel.beacon_queue import beacon_queue
from leads.intel.models import Person, VisitAction, VisitSession

from .factories import BlacklistEntryFactory, CompanyFactory, IpRangeFactory

pytestmark = pytest.mark.django_db

COLLECT = "/api/intel/v1/collect/"


def now_ms() -> int:
    return int(time.time() * 1000)


def beacon(site, *actions, session="session-aaaa0001", sent=None):
    return {
        "site_key": site.key,
        "visitor": "visitor-aaaa0001",
        "session": session,
        "sent": sent or now_ms(),
        "actions": list(actions),
    }


def page(action_id="page-00000001", path="/pricing?utm_source=news", at=None, referrer="https://search.example/"):
    return {
        "type": "page",
        "id": action_id,
        "at": at or now_ms() - 500,
        "url": f"https://shop.example{path}",
        "title": "Pricing",
        "referrer": referrer,
    }


def post(api_client, body, query=""):
    return api_client.post(COLLECT + query, body, format="json", REMOTE_ADDR="192.0.2.10")


def queued() -> int:
    return beacon_queue().length()


# ------------------------------------------------------------------------------
# The fast lane answers as the full stack does
# ------------------------------------------------------------------------------
def test_fast_lane_queues_the_beacon_itself(api_client, site):
    assert post(api_client, beacon(site, page())).status_code == 202
    assert queued() == 1


def test_fast_and_full_stack_answers_have_the_same_body_and_headers(api_client, site):
    fast = post(api_client, beacon(site, page()))
    full = post(api_client, beacon(site, page()), query="?via=full-stack")  # a query string skips the fast lane
    volatile = {"X-RateLimit-Remaining", "X-RateLimit-Reset"}
    assert (fast.status_code, fast.content) == (full.status_code, full.content)
    assert {name: value for name, value in fast.items() if name not in volatile} == {
        name: value for name, value in full.items() if name not in volatile
    }


def test_throttled_fast_and_full_stack_answers_match(api_client, site, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect": "1/minute"}
    post(api_client, beacon(site, page()))
    fast = post(api_client, beacon(site, page()))
    full = post(api_client, beacon(site, page()), query="?via=full-stack")
    assert (fast.status_code, fast.json(), sorted(fast.headers)) == (
        full.status_code,
        full.json(),
        sorted(full.headers),
    )


def test_the_other_slash_spelling_takes_the_fast_lane_too(api_client, site):
    response = api_client.post(COLLECT.rstrip("/"), beacon(site, page()), format="json", REMOTE_ADDR="192.0.2.10")
    assert (response.status_code, queued()) == (202, 1)


def test_a_valid_beacon_nested_too_deep_elsewhere_is_refused_by_the_parser(api_client, site, settings):
    deep = [[]]
    for _ in range(settings.API_MAX_JSON_DEPTH + 2):
        deep = [deep]
    response = post(api_client, {**beacon(site, page()), "padding": deep})
    assert (response.status_code, queued()) == (400, 0)


def test_a_valid_beacon_with_a_nul_in_a_key_it_ignores_is_refused_by_the_parser(api_client, site):
    response = post(api_client, {**beacon(site, page()), "note\u0000": 1})
    assert (response.status_code, queued()) == (400, 0)


def test_a_throttled_beacon_is_not_queued(api_client, site, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect-ip": "1/minute"}
    statuses = [post(api_client, beacon(site, page())).status_code for _ in range(3)]
    assert (statuses, queued()) == ([202, 429, 429], 1)


def test_a_beacon_costs_no_sql_query_once_its_site_is_known(api_client, site):
    post(api_client, beacon(site, page()))
    with CaptureQueriesContext(connection) as queries:
        assert post(api_client, beacon(site, page("page-00000002"))).status_code == 202
    assert len(queries) == 0


def test_an_unknown_site_key_costs_at_most_one_query(api_client, site):
    with CaptureQueriesContext(connection) as queries:
        assert post(api_client, {**beacon(site, page()), "site_key": "site_unknown"}).status_code == 400
    assert len(queries) <= 1


def test_one_drain_publish_per_gate_however_many_beacons(api_client, site, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for n in range(5):
            post(api_client, beacon(site, page(), session=f"session-gate{n:04d}"))
    assert (len(callbacks), queued()) == (1, 5)


# ------------------------------------------------------------------------------
# One drain, many beacons
# ------------------------------------------------------------------------------
def test_one_drain_records_every_queued_beacon(api_client, site):
    for n in range(20):
        post(api_client, beacon(site, page(), session=f"session-many{n:04d}"))
    leave = {"type": "leave", "id": "page-00000001", "at": now_ms(), "time_on_page": 30}
    post(api_client, beacon(site, leave, page("page-00000002", "/checkout"), session="session-many0000"))
    assert services.drain_collected_beacons() == 21
    assert (VisitSession.objects.count(), VisitAction.objects.count(), queued()) == (20, 21, 0)
    first = VisitSession.objects.get(session_key="session-many0000")
    assert (first.page_count, first.actions.get(client_id="page-00000001").time_on_page) == (2, 30)


def test_a_beacon_drained_twice_is_recorded_once(site):
    body = beacon(site, page())
    queue = beacon_queue()
    for _ in range(2):
        queue.queue(
            services.queued_beacon(site.pk, "192.0.2.10", "ua", {k: v for k, v in body.items() if k != "site_key"})
        )
        services.drain_collected_beacons()
    assert (VisitSession.objects.count(), VisitAction.objects.count()) == (1, 1)


def queue_batch(site, *actions, session="session-aaaa0001", ip="192.0.2.10"):
    batch = {k: v for k, v in beacon(site, *actions, session=session).items() if k != "site_key"}
    beacon_queue().queue(services.queued_beacon(site.pk, ip, "pytest-browser", batch))


def test_first_touch_is_the_earliest_page_whichever_beacon_brings_it(site):
    sent = now_ms()
    queue_batch(site, page("page-00000002", "/checkout", at=sent - 1000, referrer="https://shop.example/"))
    queue_batch(site, page("page-00000001", "/tents?utm_source=news&utm_campaign=spring", at=sent - 5000))
    services.drain_collected_beacons()
    session = VisitSession.objects.get()
    assert (session.landing_url, session.referrer, session.utm_source, session.utm_campaign, session.page_count) == (
        "https://shop.example/tents?utm_source=news&utm_campaign=spring",
        "https://search.example/",
        "news",
        "spring",
        2,
    )


def test_a_later_drain_extends_the_session_and_keeps_its_first_touch(site):
    sent = now_ms()
    queue_batch(site, page("page-00000001", "/tents?utm_source=news", at=sent - 60_000))
    services.drain_collected_beacons()
    queue_batch(
        site,
        {"type": "leave", "id": "page-00000001", "at": sent - 1000, "time_on_page": 59},
        page("page-00000002", "/checkout", at=sent - 1000, referrer="https://shop.example/tents"),
    )
    services.drain_collected_beacons()
    session = VisitSession.objects.get()
    assert (session.utm_source, session.page_count) == ("news", 2)
    assert 58 <= session.duration <= 61


def test_drained_company_comes_from_the_address_and_blacklist_applies(site, other_site):
    company = IpRangeFactory(cidr="192.0.2.0/24").company
    BlacklistEntryFactory(advertiser=other_site.advertiser, domain=company.domain)
    queue_batch(site, page())
    queue_batch(other_site, {**page(), "url": "https://globex.example/"}, session="session-other001")
    services.drain_collected_beacons()
    assert list(VisitSession.objects.values_list("site_id", "company_id")) == [(site.pk, company.pk)]


def test_drained_identify_creates_the_person(site):
    company = CompanyFactory(domain="bigcorp.example")
    identify = {
        "type": "identify",
        "id": "ident-00000001",
        "at": now_ms(),
        "email": "Jan@BigCorp.example",
        "name": "Jan",
    }
    queue_batch(site, page(), identify)
    services.drain_collected_beacons()
    person = Person.objects.get()
    assert (person.email, person.company, VisitSession.objects.get().person) == ("jan@bigcorp.example", company, person)


def test_a_beacon_of_an_advertiser_held_since_it_was_queued_is_counted_not_stored(site):
    queue_batch(site, page())
    account_services.suspend_advertiser(site.advertiser)
    services.drain_collected_beacons()
    counted = counter_store().get(services.NOT_STORED_COUNTER.format(advertiser_id=site.advertiser_id))
    assert (counted, VisitSession.objects.exists()) == (1, False)


def test_a_failed_drain_puts_its_beacons_back(site, monkeypatch):
    queue_batch(site, page())
    queue_batch(site, page("page-00000002"))

    def fail(beacons):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_beacons", fail)
    with pytest.raises(RuntimeError):
        services.drain_collected_beacons()
    assert queued() == 2


def test_a_drain_takes_the_queue_in_chunks(site):
    for n in range(5):
        queue_batch(site, page(), session=f"session-chunk{n:03d}")
    assert services.drain_collected_beacons(chunk=2) == 5
    assert VisitSession.objects.count() == 5


# ------------------------------------------------------------------------------
# Beat, and the embedded mode without Redis
# ------------------------------------------------------------------------------
def test_beat_drains_the_queue():
    entries = {spec["task"]: spec for spec in declared_periodic_tasks().values()}
    spec = entries["intel.drain_collected_beacons"]
    assert spec["every_seconds"] <= 5 and spec["expires"] <= spec["every_seconds"]


def test_the_beat_task_records_what_waits(site):
    queue_batch(site, page())
    tasks.drain_collected_beacons.apply()
    assert (VisitSession.objects.count(), queued()) == (1, 0)


def test_without_redis_each_batch_is_its_own_task_and_is_recorded(api_client, site, without_redis, recording):
    with recording(execute=True) as callbacks:
        assert post(api_client, beacon(site, page())).status_code == 202
    assert (len(callbacks), VisitSession.objects.count()) == (1, 1)


def test_without_redis_nothing_is_queued_nor_drained(api_client, site, without_redis):
    post(api_client, beacon(site, page()))
    assert (beacon_queue(), services.drain_collected_beacons()) == (None, 0)


def test_a_drain_that_empties_the_queue_opens_the_gate_for_the_next_beacon(
    api_client, site, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(api_client, beacon(site, page()))
        services.drain_collected_beacons()
        post(api_client, beacon(site, page("page-00000002")))
    assert len(callbacks) == 2
