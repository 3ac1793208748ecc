"""Lead intelligence as a sales team gets it, on the platform as `make run` starts it (bin/run: the web server, a
real Celery worker and beat, the embedded database and broker, the demo data), offline:

- network data files of each format are imported with the command; a visit from a company's network resolves to
  that company, one from an ISP's network to no company, with the network's kind recorded;
- a visitor from a company opens the pricing page, which the demo's watch rule watches, in Chromium on a page carrying the snippet: within ten
  seconds a webhook receiver this test runs verifies a signed `company.alert`, and a real local SMTP server holds
  the e-mail; a second visit the same day sends nothing;
- the companies list sorted by score (the pricing page weighing five) puts that company first, with its reasons.
"""

from __future__ import annotations

import functools
import json
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from leads.webhooks import verify

from ..platform_run import free_port, manage, running_platform
from ..processes import wait_for
from ..serving import serving_thread
from ..smtp import Inbox
from .network_files import write_dbip_asn, write_iptoasn, write_mmdb

pytestmark = [pytest.mark.slow, pytest.mark.browser]

WATCHED = ("127.0.0.0", "127.255.255.255", 64510, "DE", "Watched Outdoor Retail GmbH")
ISP = ("100.64.0.0", "100.127.255.255", 64511, "DE", "Example Telekom Broadband")
COMPANY = ("192.0.2.0", "192.0.2.255", 64512, "AT", "Alpine Freight AG")
RANGES = [COMPANY, ISP, WATCHED]
ALERT_WITHIN_SECONDS = 10

PAGE = """<!doctype html><html><head><title>{title}</title>
<script async src="{base}/static/intel/tracker.js" data-site-key="{key}" data-endpoint="{base}/api/intel/v1/collect/"></script>
</head><body><h1>{title}</h1></body></html>"""

SETUP = """
from accounts.models import Advertiser, User
from leads.intel.models import PageWeightRule, Site, WatchRule
from leads.webhooks import register_webhook
advertiser = Advertiser.objects.get(pk={advertiser})
owner = User.objects.get(pk={owner})
site, _ = Site.objects.get_or_create(advertiser=advertiser, domain="127.0.0.1", defaults={{"name": "Shop"}})
PageWeightRule.objects.create(advertiser=advertiser, site=site, pattern="/pricing*", weight=5)
assert WatchRule.objects.filter(advertiser=advertiser, path_pattern="/pricing*").count() == 1  # the demo's
hook = register_webhook(advertiser=advertiser, user=owner, url="{hook}", events=["company.alert"])
import json
print(json.dumps([site.key, hook.secret]))
"""

SESSION_NETWORK = """
from leads.intel.models import VisitSession
session = VisitSession.objects.get(session_key="{session}")
print(session.company.name if session.company else "", session.network_kind)
"""


ALERTS = """
from leads.intel.models import CompanyAlert
print(CompanyAlert.objects.filter(company__name="{company}").count())
"""


class SignedReceiver(ThreadingHTTPServer):
    """A webhook endpoint: keeps each request's headers and body."""

    def __init__(self):
        self.requests: list[tuple[dict, bytes, float]] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(handler):
                body = handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
                self.requests.append((dict(handler.headers), body, time.monotonic()))
                handler.send_response(204)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def alerts_on(self, company: str) -> list[tuple[dict, bytes, float]]:
        return [request for request in self.requests if json.loads(request[1])["data"]["company"]["name"] == company]


def emails_on(inbox: Inbox, company: str) -> list:
    return [message for message in inbox.messages if company in message["Subject"]]


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def smtp(monkeypatch):
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    # The platform's processes take their settings from the environment, as in production.
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(controller.port))
    yield inbox
    controller.stop()


@pytest.fixture
def receiver():
    server = SignedReceiver()
    thread = serving_thread(server)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def served(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietFiles, directory=str(folder)))
    serving_thread(server).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def post_beacon(base: str, key: str, ip: str, session: str, path: str) -> None:
    now_ms = int(time.time() * 1000)
    body = {
        "site_key": key,
        "visitor": f"visitor-{session}",
        "session": session,
        "sent": now_ms,
        "actions": [{"type": "page", "id": "page-00000001", "at": now_ms, "url": f"http://127.0.0.1{path}"}],
    }
    request = urllib.request.Request(
        f"{base}/api/intel/v1/collect/",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "text/plain", "X-Forwarded-For": ip},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 202


def api(base: str, token: str, path: str) -> dict:
    request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def recorded(base: str, token: str, sessions: set[str]) -> bool:
    rows = api(base, token, "/api/intel/v1/sessions/")["results"]
    return sessions <= {row["visitor_id"].removeprefix("visitor-") for row in rows}


def shell(env, code: str) -> str:
    """What the code printed last, run by `manage.py shell` in the platform's environment."""
    result = manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1].strip()


def test_network_data_scores_and_alerts_reach_sales(tmp_path, monkeypatch, smtp, receiver, browser):
    monkeypatch.setenv("NUM_PROXIES", "1")  # the beacons below name their visitor's address, as a proxy would
    files = {
        "iptoasn": write_iptoasn(tmp_path / "ip2asn-combined.tsv", RANGES),
        "dbip-asn": write_dbip_asn(tmp_path / "dbip-asn-lite.csv", RANGES),
        "mmdb": write_mmdb(
            tmp_path / "company.mmdb",
            [
                (cidr, {"autonomous_system_number": asn, "autonomous_system_organization": name})
                for cidr, asn, name in [
                    ("192.0.2.0/24", COMPANY[2], COMPANY[4]),
                    ("100.64.0.0/10", ISP[2], ISP[4]),
                    ("127.0.0.0/8", WATCHED[2], WATCHED[4]),
                ]
            ],
            database_type="GeoLite2-ASN",
        ),
    }
    var = tmp_path / "var"
    var.mkdir()
    with running_platform(var) as (base, env, credentials):
        acme = credentials["advertisers"][0]
        key, secret = json.loads(
            shell(env, SETUP.format(advertiser=acme["id"], owner=acme["owner"]["user_id"], hook=receiver.url))
        )

        since = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 60))

        # Each format: a company's network names the company, an ISP's names none.
        for data_format, path in files.items():
            result = manage(env, "import_network_data", str(path), "--format", data_format, "--no-progress")
            assert result.returncode == 0, result.stderr[-3000:]
            company_session, isp_session = f"company-{data_format}", f"isp-{data_format}"
            post_beacon(base, key, "192.0.2.77", company_session, "/")
            post_beacon(base, key, "100.64.0.77", isp_session, "/")
            wait_for(functools.partial(recorded, base, acme["token"], {company_session, isp_session}), 60, data_format)
            assert shell(env, SESSION_NETWORK.format(session=company_session)) == f"{COMPANY[4]} company"
            assert shell(env, SESSION_NETWORK.format(session=isp_session)) == "isp"

        # A watched company's visitor opens the pricing page: a signed alert and an e-mail, within ten seconds.
        for name, title in (("index.html", "Tents"), ("pricing.html", "Pricing")):
            (tmp_path / name).write_text(PAGE.format(title=title, base=base, key=key))
        site_server, origin = served(tmp_path)
        try:
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{origin}/index.html")
            page.wait_for_function("window.leadIntel !== undefined")
            opened = time.monotonic()
            page.goto(f"{origin}/pricing.html")
            # The demo's own alerts (its watch rules, raised by the seed) go to its own endpoint and owners too.
            wait_for(lambda: receiver.alerts_on(WATCHED[4]), ALERT_WITHIN_SECONDS, "the company.alert webhook")
            [(headers, body, received)] = receiver.alerts_on(WATCHED[4])
            assert received - opened <= ALERT_WITHIN_SECONDS
            assert verify(secret, headers, body)
            alert = json.loads(body)
            assert (alert["type"], alert["data"]["company"]["name"]) == ("company.alert", WATCHED[4])
            wait_for(lambda: emails_on(smtp, WATCHED[4]), ALERT_WITHIN_SECONDS, "the alert e-mail")
            context.close()

            # A second visit the same day, in a new session: recorded, and nothing sent.
            context = browser.new_context()
            page = context.new_page()
            page.goto(f"{origin}/pricing.html")
            page.wait_for_function("window.leadIntel !== undefined")
            wait_for(
                lambda: (
                    len(
                        api(base, acme["token"], f"/api/intel/v1/sessions/?company={alert['data']['company']['id']}")[
                            "results"
                        ]
                    )
                    == 2
                ),
                30,
                "the second visit",
            )
            # Matching runs in the transaction that records the visit: a second alert would exist by now.
            assert shell(env, ALERTS.format(company=WATCHED[4])) == "1"
            assert (len(receiver.alerts_on(WATCHED[4])), len(emails_on(smtp, WATCHED[4]))) == (1, 1)
            context.close()
        finally:
            site_server.shutdown()
            site_server.server_close()

        # The companies that visited during the journey, hottest first: the pricing page's visitor leads, with
        # its pages as the reason (the demo's companies, scored by the seed, visited before).
        first = api(base, acme["token"], f"/api/intel/v1/companies/?ordering=-score&date_from={since}")["results"][0]
        assert first["name"] == WATCHED[4]
        assert "/pricing.html" in [page["path"] for page in first["score_reasons"]["top_pages"]]
