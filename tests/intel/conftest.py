"""Fixtures of the lead-intelligence tests: fake reverse DNS, Celery run inline, a site per advertiser."""

import pytest

from leadplatform.api.counters import counter_store
from leadplatform.celery import app as celery_app
from leads.intel.beacon_queue import beacon_queue
from leads.intel.sites import forget_sites

from . import dns
from .factories import SiteFactory


@pytest.fixture(autouse=True)
def fake_dns(settings):
    settings.INTEL_REVERSE_DNS = "tests.intel.dns.reverse_dns"
    dns.PTR.clear()
    dns.QUERIES.clear()
    yield dns.PTR


@pytest.fixture(autouse=True)
def fresh_collect_state():
    """No site remembered by the process, no beacon queued nor drain gate left by another test."""
    forget_sites()
    queue = beacon_queue()
    if queue is not None:
        queue.clear()
    yield
    forget_sites()


@pytest.fixture
def without_redis(settings):
    """The embedded mode's collect: counters in the database, one Celery task per batch, no queue."""
    settings.COUNTER_STORE = "database"
    counter_store.cache_clear()
    yield
    counter_store.cache_clear()


@pytest.fixture
def celery_eager():
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def recording(celery_eager, django_capture_on_commit_callbacks):
    """`with recording(execute=True):` runs the queued record task inline once the request commits."""
    return django_capture_on_commit_callbacks


@pytest.fixture
def site(advertiser):
    return SiteFactory(advertiser=advertiser, domain="shop.example")


@pytest.fixture
def other_site(other_advertiser):
    return SiteFactory(advertiser=other_advertiser, domain="globex.example")
