"""The crawl engine against a local site served by the test: links, limits, robots, failures, browser."""

from __future__ import annotations

from itertools import pairwise

import pytest

from leads.engine import runner
from leads.engine.browser import browser_available
from leads.models import Proxy, ScrapeJob, WebResult

from .factories import WebJobFactory

pytestmark = pytest.mark.django_db

SELECTORS = {"title": "h1.product-title::text", "price": "span.price::text"}


def product(n: int) -> str:
    return (
        f"<html><head><title>P{n}</title></head><body><h1 class='product-title'>Product {n}</h1>"
        f"<span class='price'>${n}.99</span><a href='/p/{n + 1}'>next product</a></body></html>"
    )


@pytest.fixture
def shop(site, allow_local):
    site.route("/robots.txt", "User-agent: *\nDisallow: /private\n", headers={"Content-Type": "text/plain"})
    links = "".join(f"<a href='/p/{n}'>p{n}</a>" for n in (1, 2, 3)) + (
        "<a href='/private/secret'>private</a><a href='/broken'>broken</a><a href='/p/1#reviews'>again</a>"
        "<a href='http://other.example/elsewhere'>external</a><a href='/logo.png'>img</a>"
        "<a href='mailto:shop@example.com'>mail</a>"
    )
    site.route(
        "/",
        f"<html><body><h1 class='product-title'>Shop</h1><ul class='tags'><li>a</li><li>b</li></ul>{links}</body></html>",
    )
    for n in range(1, 10):
        site.route(f"/p/{n}", product(n))
    site.route("/private/secret", product(99))
    site.route("/broken", "oops", status=500)
    return site


def run(job) -> ScrapeJob:
    runner.run_web_job(job.pk)
    job.refresh_from_db()
    return job


def crawled_paths(site) -> set[str]:
    return {hit.path for hit in site.hits if hit.path != "/robots.txt"}


def test_single_page_without_follow_links(shop, advertiser):
    job = run(WebJobFactory(advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, config={"max_pages": 10}))
    assert job.status == "completed" and job.progress == 100
    assert job.items_scraped == 1 and job.items_failed == 0
    [result] = WebResult.objects.filter(job=job)
    assert result.data == {"title": "Shop", "price": None}
    assert crawled_paths(shop) == {"/"}
    assert job.started_at and job.completed_at


def test_follow_links_same_site_dedup_robots_and_a_failing_page(shop, advertiser):
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=shop.url("/"),
            selectors=SELECTORS,
            config={"max_pages": 50, "follow_links": True, "retries": 0, "max_depth": 10},
        )
    )
    paths = crawled_paths(shop)
    assert "/private/secret" not in paths  # robots.txt
    assert "/logo.png" not in paths and not any("other.example" in p for p in paths)
    assert len(shop.hits_for("/p/1")) == 1  # /p/1 and /p/1#reviews are one page
    assert "/broken" in paths
    assert job.status == "completed"
    # /broken answers 500 and /p/10 (linked from /p/9) does not exist.
    assert job.items_failed == 2 and "HTTP 500 ×1" in job.error and "HTTP 404 ×1" in job.error
    assert "skipped by robots.txt" in job.error
    titles = sorted(WebResult.objects.filter(job=job).values_list("data__title", flat=True))
    assert titles == [
        "Product 1",
        "Product 2",
        "Product 3",
        "Product 4",
        "Product 5",
        "Product 6",
        "Product 7",
        "Product 8",
        "Product 9",
        "Shop",
    ]
    assert job.items_scraped == 10


def test_max_pages_caps_fetches_exactly(shop, advertiser):
    job = run(
        WebJobFactory(
            advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, config={"max_pages": 3, "follow_links": True}
        )
    )
    assert len(crawled_paths(shop)) == 3
    assert job.items_scraped + job.items_failed == 3


def test_robots_can_be_ignored_when_asked(shop, advertiser):
    run(
        WebJobFactory(
            advertiser=advertiser,
            url=shop.url("/"),
            selectors=SELECTORS,
            config={"max_pages": 50, "follow_links": True, "respect_robots": False},
        )
    )
    assert "/private/secret" in crawled_paths(shop)
    assert shop.hits_for("/robots.txt") == []


def test_robots_disallowing_the_start_page_fails_the_job(shop, advertiser):
    job = run(WebJobFactory(advertiser=advertiser, url=shop.url("/private/secret"), selectors=SELECTORS))
    assert job.status == "failed" and "robots.txt" in job.error
    assert shop.hits_for("/private/secret") == []


def test_pagination_through_a_next_page_selector(site, allow_local, advertiser):
    for page in (1, 2, 3):
        nxt = f"<a class='next' href='/list?page={page + 1}'>next</a>" if page < 3 else ""
        items = "".join(f"<li class='item'>item {page}-{i}</li>" for i in range(3))
        site.route(f"/list?page={page}", f"<html><body><ul>{items}</ul>{nxt}</body></html>")
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/list?page=1"),
            selectors={"items": "li.item::text"},
            config={"max_pages": 10, "next_page": "a.next::attr(href)"},
        )
    )
    assert job.items_scraped == 3
    rows = list(WebResult.objects.filter(job=job).order_by("url").values_list("data", flat=True))
    assert rows[0]["items"] == ["item 1-0", "item 1-1", "item 1-2"]  # a list-valued selector


def test_xpath_and_attribute_selectors(site, allow_local, advertiser):
    site.route("/", "<html><body><a class='buy' href='/cart?id=7'>Buy</a><p>first</p><p>second</p></body></html>")
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/"),
            selectors={"buy": "a.buy::attr(href)", "paragraphs": "//p/text()", "count": "xpath:count(//p)"},
        )
    )
    assert WebResult.objects.get(job=job).data == {
        "buy": "/cart?id=7",
        "paragraphs": ["first", "second"],
        "count": "2.0",
    }


def test_a_slow_page_times_out_and_the_crawl_goes_on(site, allow_local, advertiser):
    site.route(
        "/", "<html><body><h1 class='product-title'>Start</h1><a href='/slow'>s</a><a href='/p/1'>p</a></body></html>"
    )
    site.route("/slow", product(5), delay=2.5)
    site.route("/p/1", product(1))
    site.route("/robots.txt", status=404)
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/"),
            selectors=SELECTORS,
            config={"follow_links": True, "max_depth": 1, "timeout": 1, "retries": 0},
        )
    )
    assert job.status == "completed"
    assert job.items_scraped == 2 and job.items_failed == 1 and "timeout" in job.error


def test_throttled_page_is_retried_after_retry_after(site, allow_local, advertiser):
    from .conftest import Route

    site.route("/robots.txt", status=404)
    site.sequence("/", Route(429, b"", {"Retry-After": "1"}), Route(200, product(1).encode()))
    job = run(WebJobFactory(advertiser=advertiser, url=site.url("/"), selectors=SELECTORS, config={"retries": 2}))
    assert job.status == "completed" and job.items_scraped == 1
    assert len(site.hits_for("/")) == 2


def test_unreachable_start_page_fails_the_job_and_emits_job_failed(site, allow_local, advertiser):
    from unittest import mock

    from .factories import WebhookFactory

    WebhookFactory(advertiser=advertiser, url=site.url("/hook"))
    site.route("/robots.txt", status=404)
    site.route("/", "down", status=503)
    job = WebJobFactory(advertiser=advertiser, url=site.url("/"), config={"retries": 0})
    with mock.patch("leads.tasks.deliver_webhook.delay"):
        job = run(job)
    assert job.status == "failed" and "HTTP 503" in job.error
    assert job.error.startswith("The start page at 127.0.0.1 could not be scraped (HTTP 503): check the URL")
    assert job.items_failed == 1
    from leads.models import WebhookDelivery

    assert list(WebhookDelivery.objects.values_list("event", flat=True)) == ["job.failed"]


def test_the_ssrf_guard_applies_to_crawled_links(site, allow_local, advertiser):
    site.route("/robots.txt", status=404)
    site.route(
        "/",
        "<html><body><h1 class='product-title'>x</h1></body></html>",
        status=302,
        headers={"Location": "http://169.254.169.254/latest/meta-data/"},
    )
    job = run(WebJobFactory(advertiser=advertiser, url=site.url("/"), selectors=SELECTORS))
    assert job.status == "failed" and "destination not allowed" in job.error


def test_rerun_is_idempotent_and_finished_jobs_are_not_run_again(shop, advertiser):
    job = WebJobFactory(
        advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, config={"max_pages": 5, "follow_links": True}
    )
    run(job)
    hits = len(shop.hits)
    runner.run_web_job(job.pk)  # a redelivered message
    assert len(shop.hits) == hits
    # A crash mid-crawl: the job is running with part of its results; the rerun completes it exactly.
    ScrapeJob.objects.filter(pk=job.pk).update(status="pending", items_scraped=0)
    WebResult.objects.filter(job=job).order_by("id").last().delete()
    job = run(job)
    assert job.items_scraped == WebResult.objects.filter(job=job).count() == 4  # /broken fails


def test_a_cancelled_job_stops_and_sends_no_event(shop, advertiser):
    job = WebJobFactory(advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, status="cancelled")
    run(job)
    assert job.status == "cancelled" and shop.hits == []


def test_blocking_proxy_is_banned_after_repeated_blocks(site, allow_local, advertiser, settings):
    """The "proxy" is the local site itself answering 403: every request through it counts as a block."""
    settings.SCRAPER_PROXY_BAN_AFTER = 2
    proxy = Proxy.objects.create(url=site.url(""))
    site.route("http://127.0.0.1:9/", "go away", status=403)  # what a proxy sees: the absolute URL
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url="http://127.0.0.1:9/",
            selectors=SELECTORS,
            config={"retries": 2, "respect_robots": False},
        )
    )
    proxy.refresh_from_db()
    assert job.status == "failed" and "HTTP 403" in job.error
    assert proxy.failure_count == 2 and proxy.status == "banned"


needs_browser = pytest.mark.skipif(not browser_available(), reason="Debian's chromium is not installed")

JS_PAGE = """<html><head><title>app</title></head><body><div id="root"></div>
<script>
fetch('/api/product').then(r => r.json()).then(p => {
  document.getElementById('root').innerHTML = '<h1 class="product-title">' + p.title + '</h1><span class="price">' + p.price + '</span>';
});
</script></body></html>"""


@pytest.mark.browser
@needs_browser
@pytest.mark.parametrize("engine", ["auto", "browser"])
def test_script_rendered_page_through_the_browser_engine(site, allow_local, advertiser, engine):
    site.route("/robots.txt", status=404)
    site.route("/app", JS_PAGE)
    site.route(
        "/api/product", '{"title": "Rendered widget", "price": "$5.00"}', headers={"Content-Type": "application/json"}
    )
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/app"),
            engine=engine,
            selectors=SELECTORS,
            config={"wait_for": "h1.product-title"},
        )
    )
    assert job.status == "completed", job.error
    assert WebResult.objects.get(job=job).data == {"title": "Rendered widget", "price": "$5.00"}
    # Chromium's own requests went through the guarded client (the local site saw them all).
    assert site.hits_for("/api/product")


@pytest.mark.browser
@needs_browser
def test_browser_requests_to_private_addresses_are_refused(site, allow_local, advertiser):
    site.route("/robots.txt", status=404)
    site.route(
        "/app",
        """<html><body><div id="root"></div><script>
fetch('http://169.254.169.254/latest/meta-data/').then(() => { document.getElementById('root').innerHTML = '<h1 class="product-title">leaked</h1>'; })
  .catch(() => { document.getElementById('root').innerHTML = '<h1 class="product-title">refused</h1>'; });
</script></body></html>""",
    )
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/app"),
            engine="browser",
            selectors=SELECTORS,
            config={"wait_for": "h1.product-title"},
        )
    )
    assert WebResult.objects.get(job=job).data["title"] == "refused"


def test_a_storage_failure_stops_the_crawl_and_fails_the_job(shop, advertiser):
    from unittest import mock

    job = WebJobFactory(
        advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, config={"max_pages": 50, "follow_links": True}
    )
    with mock.patch.object(runner, "store_batch", side_effect=RuntimeError("database went away")):
        job = run(job)
    assert job.status == "failed" and job.error.startswith("Internal error while crawling")


def test_a_job_left_running_by_a_dead_worker_is_taken_over_once(shop, advertiser):
    """kill -9 mid-task: the redelivered message finds the job running with an old lease and reruns it."""
    from datetime import timedelta

    from django.utils import timezone

    job = WebJobFactory(
        advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS, config={"max_pages": 3, "follow_links": True}
    )
    ScrapeJob.objects.filter(pk=job.pk).update(status="running", started_at=timezone.now(), attempts=1)
    runner.run_web_job(job.pk)  # a live worker still holds it: nothing happens
    assert shop.hits == []
    ScrapeJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(days=1))
    job = run(job)
    assert job.status == "completed" and job.attempts == 2
    assert job.items_scraped == WebResult.objects.filter(job=job).count() == 3


def test_a_poison_job_fails_after_its_attempts(shop, advertiser):
    job = WebJobFactory(advertiser=advertiser, url=shop.url("/"), selectors=SELECTORS)
    ScrapeJob.objects.filter(pk=job.pk).update(attempts=runner.MAX_ATTEMPTS)
    job = run(job)
    assert job.status == "failed" and "attempts" in job.error and shop.hits == []


@pytest.mark.browser
@needs_browser
def test_auto_renders_a_script_page_without_wait_for(site, allow_local, advertiser):
    site.route("/robots.txt", status=404)
    site.route("/app", JS_PAGE)
    site.route(
        "/api/product",
        '{"title": "Late data", "price": "$1.00"}',
        headers={"Content-Type": "application/json"},
        delay=0.3,
    )
    job = run(WebJobFactory(advertiser=advertiser, url=site.url("/app"), engine="auto", selectors=SELECTORS))
    assert WebResult.objects.get(job=job).data == {"title": "Late data", "price": "$1.00"}


def test_per_host_delay_spaces_requests(site, allow_local, advertiser):
    site.route("/robots.txt", status=404)
    site.route("/", "<h1 class='product-title'>s</h1>" + "".join(f"<a href='/p/{n}'>p</a>" for n in range(1, 4)))
    for n in range(1, 4):
        site.route(f"/p/{n}", product(n))
    run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/"),
            selectors=SELECTORS,
            config={"follow_links": True, "delay": 0.3, "concurrency": 4, "max_pages": 4},
        )
    )
    times = sorted(hit.at for hit in site.hits if hit.path != "/robots.txt")
    assert len(times) == 4
    assert all(later - earlier >= 0.28 for earlier, later in pairwise(times))


def test_robots_crawl_delay_is_honoured(site, allow_local, advertiser):
    site.route("/robots.txt", "User-agent: *\nCrawl-delay: 1\n", headers={"Content-Type": "text/plain"})
    site.route("/", "<h1 class='product-title'>s</h1><a href='/p/1'>p</a>")
    site.route("/p/1", product(1))
    run(
        WebJobFactory(
            advertiser=advertiser, url=site.url("/"), selectors=SELECTORS, config={"follow_links": True, "max_pages": 2}
        )
    )
    first, second = sorted(hit.at for hit in site.hits if hit.path != "/robots.txt")
    assert second - first >= 0.95


def test_the_time_cap_stops_a_job_cleanly(site, allow_local, advertiser, settings):
    settings.SCRAPER_JOB_MAX_SECONDS = 1
    site.route("/robots.txt", status=404)
    site.route("/", "<h1 class='product-title'>s</h1>" + "".join(f"<a href='/p/{n}'>p</a>" for n in range(1, 40)))
    for n in range(1, 40):
        site.route(f"/p/{n}", product(n), delay=0.3)
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/"),
            selectors=SELECTORS,
            config={"follow_links": True, "max_pages": 40, "concurrency": 2, "per_host": 2},
        )
    )
    assert job.status == "completed" and "time limit reached" in job.error
    assert 1 <= job.items_scraped < 40


@pytest.mark.browser
@needs_browser
def test_a_websocket_from_the_page_cannot_reach_anything(site, allow_local, advertiser):
    """WebSockets are not intercepted by Playwright's routing: Chromium's own dead proxy stops them."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(5)
    reached = []

    def accept():
        try:
            reached.append(listener.accept())
        except OSError:
            pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    site.route("/robots.txt", status=404)
    site.route(
        "/ws",
        f"""<html><body><div id="root"></div><script>
const ws = new WebSocket('ws://127.0.0.1:{port}/');
ws.onerror = () => {{ document.getElementById('root').innerHTML = '<h1 class="product-title">closed</h1>'; }};
</script></body></html>""",
    )
    job = run(
        WebJobFactory(
            advertiser=advertiser,
            url=site.url("/ws"),
            engine="browser",
            selectors=SELECTORS,
            config={"wait_for": "h1.product-title"},
        )
    )
    thread.join(6)
    listener.close()
    assert reached == []
    assert WebResult.objects.get(job=job).data["title"] == "closed"
