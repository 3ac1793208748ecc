"""The tracking snippet in headless Chromium, embedded in a page served from another origin."""

import functools
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from leads.intel.models import Person, VisitAction, VisitSession

from ..factories import AdvertiserFactory
from ..serving import serving_thread
from .factories import IpRangeFactory, SiteFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE = """<!doctype html>
<html><head><title>{title}</title>
<script async src="{live}/static/intel/tracker.js" data-site-key="{key}"
        data-endpoint="{live}/api/intel/v1/collect/"></script>
</head><body>
<h1>{title}</h1>
<form id="contact"><input type="email" name="email"><input name="name"><button type="submit">Send</button></form>
<a id="next" href="/pricing.html?utm_source=newsletter&utm_campaign=winter">Pricing</a>
<script>
  document.getElementById("contact").addEventListener("submit", function (event) {{
    event.preventDefault();
    document.body.dataset.sent = "yes";
  }});
</script>
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def customer_site(tmp_path, live_server):
    """An advertiser's website on its own origin (127.0.0.1, another port), embedding the snippet."""
    site = SiteFactory(advertiser=AdvertiserFactory(), domain="127.0.0.1")
    for name, title in (("index.html", "Tents for every season"), ("pricing.html", "Pricing")):
        (tmp_path / name).write_text(PAGE.format(title=title, live=live_server.url, key=site.key))
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    thread = serving_thread(server)
    thread.start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def wait_for(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_snippet_records_a_session_with_its_actions_and_an_identify(page, customer_site, celery_eager):
    site, origin = customer_site
    company = IpRangeFactory(cidr="127.0.0.0/8").company

    page.goto(f"{origin}/index.html?utm_source=ads&utm_medium=cpc", referer="https://search.example/?q=tents")
    page.wait_for_function("window.leadIntel !== undefined")
    page.fill("input[name=email]", "Jana.Novak@Example.com")
    page.fill("input[name=name]", "Jana Novak")
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-sent=yes]")
    # The landing page stays visible long enough to count a second (its clock, not a sleep here).
    page.wait_for_function("performance.now() >= 1500")
    page.click("#next")
    page.wait_for_function("window.leadIntel !== undefined && document.title === 'Pricing'")
    page.goto("about:blank")  # leaving the last page reports its time on page

    session = wait_for(lambda: VisitSession.objects.filter(site=site, page_count=2, person__isnull=False).first())
    # Both pages were left (a link, then about:blank): each reports the time it was visible.
    wait_for(lambda: session.actions.filter(type=VisitAction.Type.PAGE, time_on_page__isnull=False).count() == 2)
    actions = list(session.actions.order_by("occurred_at", "id"))
    assert [a.type for a in actions if a.type == "page"] == ["page", "page"]
    landing, pricing = [a for a in actions if a.type == "page"]
    assert landing.url.startswith(f"{origin}/index.html")
    assert landing.title == "Tents for every season"
    assert landing.referrer == "https://search.example/?q=tents"
    assert (landing.utm_source, landing.utm_medium) == ("ads", "cpc")
    assert landing.time_on_page >= 1
    assert pricing.title == "Pricing"
    assert pricing.referrer.startswith(f"{origin}/index.html")
    assert (pricing.utm_source, pricing.utm_campaign) == ("newsletter", "winter")
    assert pricing.time_on_page is not None

    identify = session.actions.get(type=VisitAction.Type.IDENTIFY)
    assert (identify.email, identify.name) == ("jana.novak@example.com", "Jana Novak")
    person = Person.objects.get(advertiser=site.advertiser)
    assert (person.email, person.name, person.company) == ("jana.novak@example.com", "Jana Novak", company)

    session.refresh_from_db()
    assert session.company == company
    assert session.person == person
    assert (session.utm_source, session.referrer) == ("ads", "https://search.example/?q=tents")
    assert session.user_agent
    assert session.duration >= 1


def test_a_leave_delivered_before_its_page_view_still_sets_the_time_on_page(page, customer_site, celery_eager):
    """Beacons arrive in any order: the page view's own beacon is held until its leave has been recorded."""
    site, origin = customer_site
    held = []

    def hold_lone_page_views(route):
        body = route.request.post_data or ""
        if '"type":"page"' in body and '"type":"leave"' not in body:
            held.append(route)
        else:
            route.continue_()

    def delivered(kind: str):
        # Playwright runs the route handler only while it waits itself: wait through it, not by polling.
        return page.expect_event("requestfinished", lambda request: f'"type":"{kind}"' in (request.post_data or ""))

    page.route("**/api/intel/v1/collect/", hold_lone_page_views)
    with page.expect_request("**/api/intel/v1/collect/"):
        page.goto(f"{origin}/index.html")  # its page view goes out alone, after the snippet's batching delay
    with delivered("leave"):
        page.evaluate("window.dispatchEvent(new Event('pagehide'))")  # leaving sends the leave
    with delivered("page"):
        held.pop().continue_()
    assert VisitAction.objects.filter(
        session__site=site, type=VisitAction.Type.PAGE, time_on_page__isnull=False
    ).exists()
