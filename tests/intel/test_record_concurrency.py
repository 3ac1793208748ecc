"""Two batches of one new session recorded at once by two workers (each thread has its own database
connection): the session's first touch comes from its earliest page view, whichever batch
created the session."""

import threading
import time

import pytest
from django.db import connection
from django.utils import timezone

from leads.intel import services
from leads.intel.models import VisitSession

pytestmark = pytest.mark.django_db(transaction=True)

SESSION = "session-race0001"
LANDING_URL = "https://shop.example/tents?utm_source=news&utm_medium=email&utm_campaign=spring"
SEARCH = "https://search.example/?q=tents"


def landing_batch(sent: int) -> dict:
    landing = {"type": "page", "id": "page-00000001", "at": sent - 2000, "url": LANDING_URL, "referrer": SEARCH}
    return {"visitor": "visitor-race0001", "session": SESSION, "sent": sent, "actions": [landing]}


def later_batch(sent: int, kind: str) -> dict:
    later = {
        "second page": {
            "type": "page",
            "id": "page-00000002",
            "at": sent - 1000,
            "url": "https://shop.example/checkout",
            "referrer": LANDING_URL,
        },
        "leave only": {"type": "leave", "id": "page-00000001", "at": sent - 1000, "time_on_page": 1},
    }[kind]
    return {"visitor": "visitor-race0001", "session": SESSION, "sent": sent, "actions": [later]}


def record_together(monkeypatch, site, batches: dict[str, dict], creator: str) -> list[Exception]:
    """Record each batch in its own thread. Both threads first find no session (the barrier holds
    them there together); then the `creator` writes first while the other is still on its way."""
    barrier = threading.Barrier(len(batches))
    creator_wrote = threading.Event()
    resolve_ip, record_actions = services.resolve_ip, services._record_actions

    def resolve_ip_together(ip):
        resolution = resolve_ip(ip)
        barrier.wait(timeout=30)
        if threading.current_thread().name != creator:
            assert creator_wrote.wait(timeout=30), "the creating batch never wrote its actions"
        return resolution

    def record_actions_and_tell(session, actions):
        record_actions(session, actions)
        if threading.current_thread().name == creator:
            creator_wrote.set()

    monkeypatch.setattr(services, "resolve_ip", resolve_ip_together)
    monkeypatch.setattr(services, "_record_actions", record_actions_and_tell)
    received_at, errors = timezone.now().isoformat(), []

    def record(batch):
        try:
            services.record_visit_batch(site.pk, "192.0.2.10", "pytest-browser", received_at, batch)
        except Exception as exc:  # noqa: BLE001 - the assertion reports it
            errors.append(exc)
            creator_wrote.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(batch,), name=name) for name, batch in batches.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.parametrize("creator", ["later", "landing"], ids=["later-batch-creates", "landing-batch-creates"])
@pytest.mark.parametrize("kind", ["second page", "leave only"])
def test_first_touch_comes_from_the_earliest_page_of_racing_batches(monkeypatch, site, kind, creator):
    sent = int(time.time() * 1000)
    batches = {"landing": landing_batch(sent), "later": later_batch(sent, kind)}
    assert record_together(monkeypatch, site, batches, creator) == []
    session = VisitSession.objects.get(session_key=SESSION)
    first_touch = (session.landing_url, session.referrer, session.utm_source, session.utm_medium, session.utm_campaign)
    assert first_touch == (LANDING_URL, SEARCH, "news", "email", "spring")
