"""Shared fixtures: a platform admin, two advertisers (owner, member, outsider), an influencer.

Every test can ask "and can the outsider see it?".
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from rest_framework.test import APIClient

from accounts.models import Membership

from .factories import (
    AdvertiserFactory,
    MembershipFactory,
    PublisherFactory,
    SocialAccountFactory,
    StaffFactory,
    token_for,
)
from .offline.network import block_name_lookups

# Nothing in the tests reaches the internet: this process and every Python subprocess it
# starts (through sitecustomize on PYTHONPATH) resolve only numeric addresses and local names.
OFFLINE_DIR = Path(__file__).parent / "offline"
block_name_lookups()
os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(OFFLINE_DIR), os.environ.get("PYTHONPATH")]))


# Test files that start the platform as `make run` does (bin/run or an embedded worker, most on the
# demo data). Under pytest-xdist they run one after another in one process, so that two never share
# the machine's cores while each waits for its web server and worker within a start-up deadline.
WHOLE_PLATFORM_FILES = frozenset(
    {
        "tests/test_quickstart.py",
        "tests/test_scraping_journey.py",
        "tests/browser/test_demo_journeys.py",
        "tests/test_run_script.py",
        "tests/test_embedded.py",
        "tests/intel/test_sales_journey.py",
    }
)


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` (what `make test` uses), with WHOLE_PLATFORM_FILES as one file."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class WholePlatformFilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return "whole platform" if scope in WHOLE_PLATFORM_FILES else scope

    return WholePlatformFilesTogether(config, log)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    """Refuse items that share a node id: pytest-xdist would run only the first of them."""
    seen: set[str] = set()
    shared = sorted({nodeid for nodeid in ids if nodeid in seen or seen.add(nodeid)})
    if shared:
        pytest.exit(
            f"{', '.join(shared)}: several items share each of these node ids, and pytest-xdist would run only "
            "one of them (pytest 9.2 names each schemathesis item after its test function alone: "
            "requirements/dev.txt pins the release before it)",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_ignore_collect(collection_path, config):
    """Under `-m sqlite` (make test's SQLite pass), import only the test modules that mark tests `sqlite`.

    The others would all be deselected after import, and importing them costs more than the
    pass's own tests (the fuzz modules build their schemathesis cases as they are collected).
    """
    if config.option.markexpr != "sqlite" or not collection_path.name.startswith("test_"):
        return None
    if collection_path.suffix != ".py":
        return None
    return "mark.sqlite" not in collection_path.read_text()


def pytest_collection_modifyitems(config, items):
    """On a database other than PostgreSQL (the SQLite pass), tests marked `postgresql` skip with their reason."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("postgresql")
        if marker is not None:
            reason = marker.kwargs.get("reason") or (marker.args[0] if marker.args else "PostgreSQL only")
            item.add_marker(pytest.mark.skip(reason=f"needs PostgreSQL: {reason}"))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, reset after each transactional test by tests/database_reset.py."""
    from . import database_reset

    with django_db_blocker.unblock():
        database_reset.install()


@dataclass
class Actor:
    user: object
    token: str
    advertiser: object = None

    def client(self) -> APIClient:
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {self.token}")
        return client


@pytest.fixture(autouse=True)
def _clean_counters():
    """Rate-limit and usage counters live in the tests' Redis db (one per xdist worker): start each test empty."""
    from leadplatform.api.counters import counter_store

    counter_store().clear("")
    yield


@pytest.fixture
def staff(db) -> Actor:
    user = StaffFactory(username="platform")
    return Actor(user, token_for(user))


@pytest.fixture
def advertiser(db):
    return AdvertiserFactory(name="Acme")


@pytest.fixture
def other_advertiser(db):
    return AdvertiserFactory(name="Globex")


@pytest.fixture
def owner(advertiser) -> Actor:
    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.OWNER)
    return Actor(membership.user, token_for(membership.user, advertiser), advertiser)


@pytest.fixture
def member(advertiser) -> Actor:
    membership = MembershipFactory(advertiser=advertiser, role=Membership.Role.MANAGER)
    return Actor(membership.user, token_for(membership.user, advertiser), advertiser)


@pytest.fixture
def outsider(other_advertiser) -> Actor:
    membership = MembershipFactory(advertiser=other_advertiser, role=Membership.Role.OWNER)
    return Actor(membership.user, token_for(membership.user, other_advertiser), other_advertiser)


@pytest.fixture
def publisher(db) -> Actor:
    profile = PublisherFactory()
    SocialAccountFactory(publisher=profile)
    return Actor(profile.user, token_for(profile.user))


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    """Headless Debian Chromium through Playwright. CI always has it; elsewhere skip with the reason.

    Module-scoped: Playwright's sync API keeps an event loop running in this thread while it
    is open, and later tests that call asyncio.run() (the crawl engine) need it closed.
    """
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium for the browser tests")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium); browser tests skipped")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def keep_test_connection():
    """In-process WSGI calls (schemathesis) fire request_finished, which would close the test's
    transaction; Django's own test client disconnects the same handler."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
