"""Exact limits on the public collect endpoint under concurrency: one atomic
increment per request, so N parallel requests against a limit of L admit exactly L."""

import json
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ..factories import AdvertiserFactory
from ..windows import at_the_start_of_a_window
from .factories import SiteFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REQUESTS = 60
LIMIT = 25


def test_parallel_batches_for_one_site_key_admit_exactly_the_limit(live_server, settings):
    settings.API_RATES = {**settings.API_RATES, "intel-collect": f"{LIMIT}/minute", "intel-collect-ip": "10000/minute"}
    site = SiteFactory(advertiser=AdvertiserFactory(), domain="shop.example")
    now = int(time.time() * 1000)
    body = json.dumps(
        {
            "site_key": site.key,
            "visitor": "visitor-0001",
            "session": "session-0001",
            "sent": now,
            "actions": [{"type": "page", "id": "page-00000001", "at": now, "url": "https://shop.example/"}],
        }
    )

    def send(_):
        return requests.post(
            f"{live_server.url}/api/intel/v1/collect/",
            data=body,
            timeout=30,
            headers={"Content-Type": "text/plain;charset=UTF-8"},
        )

    with at_the_start_of_a_window(60), ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(send, range(REQUESTS)))
    statuses = [response.status_code for response in responses]
    assert statuses.count(202) == LIMIT
    assert statuses.count(429) == REQUESTS - LIMIT
    assert all(r.headers.get("Retry-After") for r in responses if r.status_code == 429)
