"""Fixtures of the lead-intelligence tests: fake reverse DNS, Celery run inline, a site per advertiser."""
import pytest

from leadplatform.celery import app as celery_app

from . import dns
from .factories import SiteFactory


@pytest.fixture(autouse=True)
def fake_dns(settings):
    settings.INTEL_REVERSE_DNS = "tests.intel.dns.reverse_dns"
    dns.PTR.clear()
    dns.QUERIES.clear()
    yield dns.PTR


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
