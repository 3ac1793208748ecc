"""Two drains recording beacons of one new session at once (each thread its own database connection):
the session's first touch and totals come from every page, whichever drain wrote last."""

import json
import threading
import time

import pytest
from django.db import connection

from leads.intel import services
from leads.intel.models import VisitSession

pytestmark = pytest.mark.django_db(transaction=True)

SESSION = "session-drain0001"
LANDING_URL = "https://shop.example/tents?utm_source=news&utm_campaign=spring"


def queued(site, sent: int, action: dict) -> dict:
    batch = {"visitor": "visitor-drain001", "session": SESSION, "sent": sent, "actions": [action]}
    return json.loads(services.queued_beacon(site.pk, "192.0.2.10", "pytest-browser", batch))


def test_racing_drains_keep_the_earliest_page_as_first_touch(monkeypatch, site):
    sent = int(time.time() * 1000)
    landing = {
        "type": "page",
        "id": "page-00000001",
        "at": sent - 5000,
        "url": LANDING_URL,
        "referrer": "https://search.example/",
    }
    later = {
        "type": "page",
        "id": "page-00000002",
        "at": sent - 1000,
        "url": "https://shop.example/checkout",
        "referrer": LANDING_URL,
    }
    inserted, refreshed = threading.Barrier(2), threading.Barrier(2)
    lock_sessions, refresh_sessions, errors = services._lock_sessions, services.refresh_sessions, []

    def lock_together(keys):
        inserted.wait(timeout=30)  # both drains have inserted (or found) the session before either locks it
        return lock_sessions(keys)

    def refresh_and_linger(sessions):
        refresh_sessions(sessions)
        # Without the row locks both drains would refresh before either commits, each seeing only its
        # own page; with them the other drain is still waiting for the lock, and this wait gives up.
        try:
            refreshed.wait(timeout=2)
        except threading.BrokenBarrierError:
            pass

    monkeypatch.setattr(services, "_lock_sessions", lock_together)
    monkeypatch.setattr(services, "refresh_sessions", refresh_and_linger)

    def drain(beacon):
        try:
            services.record_beacons([beacon])
        except Exception as exc:  # noqa: BLE001 - the assertion reports it
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=drain, args=(queued(site, sent, action),)) for action in (later, landing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    session = VisitSession.objects.get(session_key=SESSION)
    assert errors == []
    assert (session.landing_url, session.utm_source, session.page_count) == (LANDING_URL, "news", 2)
