"""Company scores: the formula, kept incrementally as visits are recorded, page rules, decay, the API and admin."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from leads.intel import scores, services
from leads.intel.models import CompanyScore, PageWeightRule, VisitSession

from .factories import IpRangeFactory

pytestmark = pytest.mark.django_db

BASE = "/api/intel/v1"


def record(site, ip: str, *pages: str, session: str = "session-aaaa0001", seconds_ago: int = 0, identify=None):
    now = timezone.now() - timedelta(seconds=seconds_ago)
    now_ms = int(now.timestamp() * 1000)
    actions = [
        {
            "type": "page",
            "id": f"page-{n:08d}",
            "at": now_ms - 1000 * (len(pages) - n),
            "url": f"https://shop.example{path}",
        }
        for n, path in enumerate(pages)
    ]
    if identify:
        actions.append({"type": "identify", "id": "ident-00000001", "at": now_ms, "email": identify, "name": ""})
    batch = {
        "site_key": site.key,
        "visitor": "visitor-aaaa0001",
        "session": session,
        "sent": now_ms,
        "actions": actions,
    }
    return services.record_visit_batch(site.pk, ip, "pytest", now.isoformat(), batch)


def score_now(company) -> float:
    row = CompanyScore.objects.get(company=company)
    return scores.score_at(row.points, row.anchored_at)


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner.user)
    return client


@pytest.fixture
def company():
    return IpRangeFactory(cidr="192.0.2.0/24").company


# --- the formula -----------------------------------------------------------------------------------------------
def test_session_points_count_the_visit_pages_and_minutes():
    points = scores.session_points(600, ["https://a.example/", "https://a.example/pricing"], [])
    assert points.points == pytest.approx(2 + 1 + 1 + 0.5 * 10)


def test_time_on_site_counts_up_to_thirty_minutes():
    assert scores.session_points(7200, [], []).points == pytest.approx(2 + 0.5 * 30)


def test_the_most_specific_rule_weighs_a_page():
    rules = sorted([("/*", 2.0), ("/pricing*", 5.0)], key=lambda rule: -len(rule[0]))
    assert scores.page_weight("/pricing/enterprise", rules) == 5.0
    assert scores.page_weight("/blog", rules) == 2.0


def test_points_halve_every_half_life(settings):
    settings.INTEL_SCORE_HALF_LIFE_DAYS = 14
    assert scores.decay(14 * 86400) == pytest.approx(0.5)


def test_rank_orders_scores_as_they_are_at_any_later_time():
    now = timezone.now()
    older_but_bigger = scores.rank_of(40, now - timedelta(days=14))  # 20 now
    newer_smaller = scores.rank_of(15, now)  # 15 now
    assert older_but_bigger > newer_smaller


# --- kept as visits are recorded -------------------------------------------------------------------------------
def test_a_recorded_visit_scores_its_company(site, company):
    record(site, "192.0.2.5", "/", "/pricing")
    assert score_now(company) == pytest.approx(2 + 1 + 1 + 0.5 * (1 / 60), rel=1e-3)


def test_a_resent_batch_adds_nothing(site, company):
    record(site, "192.0.2.5", "/", "/pricing")
    before = score_now(company)
    record(site, "192.0.2.5", "/", "/pricing")
    assert score_now(company) == pytest.approx(before, rel=1e-6)


def test_a_later_batch_of_the_same_visit_adds_only_its_pages(site, company):
    record(site, "192.0.2.5", "/")
    record(site, "192.0.2.5", "/", "/pricing")
    row = CompanyScore.objects.get(company=company)
    assert (row.sessions, row.pages) == (1, 2)


def test_a_site_rule_weighs_the_pricing_page(site, company):
    PageWeightRule.objects.create(advertiser=site.advertiser, site=site, pattern="/pricing*", weight=5)
    record(site, "192.0.2.5", "/pricing")
    assert CompanyScore.objects.get(company=company).top_pages == {"/pricing": pytest.approx(5.0)}


def test_each_distinct_person_adds_once(site, company):
    record(site, "192.0.2.5", "/", identify="jan@firm.example")
    record(site, "192.0.2.6", "/", session="session-aaaa0002", identify="jan@firm.example")
    assert CompanyScore.objects.get(company=company).persons == 1


def test_an_old_visit_is_worth_less_than_a_new_one(site, company, other_site):
    other = IpRangeFactory(cidr="198.51.100.0/24").company
    record(site, "192.0.2.5", "/", session="session-aaaa0001", seconds_ago=30 * 86400)
    record(site, "198.51.100.5", "/", session="session-aaaa0002")
    assert score_now(other) > score_now(company)


def test_a_visit_without_a_company_scores_nothing(site):
    record(site, "203.0.113.9", "/")
    assert not CompanyScore.objects.exists()
    assert VisitSession.objects.get().score_state == {}


def test_scores_are_per_advertiser(site, company, other_site):
    other_site.domain = "shop.example"
    other_site.save()
    record(site, "192.0.2.5", "/", "/pricing")
    record(other_site, "192.0.2.5", "/", session="session-bbbb0001")
    assert CompanyScore.objects.filter(company=company).count() == 2


def test_drained_beacons_score_too(site, company):
    now_ms = int(timezone.now().timestamp() * 1000)
    batch = {
        "site_key": site.key,
        "visitor": "visitor-aaaa0001",
        "session": "session-aaaa0009",
        "sent": now_ms,
        "actions": [{"type": "page", "id": "page-00000001", "at": now_ms, "url": "https://shop.example/pricing"}],
    }
    beacon = {
        "site": site.pk,
        "ip": "192.0.2.5",
        "ua": "pytest",
        "received": timezone.now().timestamp(),
        "batch": batch,
    }
    services.record_beacons([beacon])
    services.record_beacons([beacon])
    assert CompanyScore.objects.get(company=company).sessions == 1


# --- the API ---------------------------------------------------------------------------------------------------
def test_companies_sorted_by_score_put_the_hottest_first(owner, site, company):
    cold = IpRangeFactory(cidr="198.51.100.0/24").company
    record(site, "198.51.100.5", "/", session="session-aaaa0002")
    record(site, "192.0.2.5", "/", "/pricing", "/pricing/plans", "/contact")
    rows = owner.client().get(f"{BASE}/companies/", {"ordering": "-score"}).json()["results"]
    assert [row["id"] for row in rows] == [company.pk, cold.pk]


def test_a_company_says_why_it_scores(owner, site, company):
    PageWeightRule.objects.create(advertiser=site.advertiser, site=site, pattern="/pricing*", weight=5)
    record(site, "192.0.2.5", "/", "/pricing")
    row = owner.client().get(f"{BASE}/companies/{company.pk}/").json()
    assert row["score_reasons"]["top_pages"][0] == {"path": "/pricing", "points": 5.0}


def test_score_min_keeps_the_hot_companies(owner, site, company):
    IpRangeFactory(cidr="198.51.100.0/24")
    record(site, "198.51.100.5", "/", session="session-aaaa0002")
    record(site, "192.0.2.5", *["/pricing"] * 10)
    rows = owner.client().get(f"{BASE}/companies/", {"score_min": 10}).json()["results"]
    assert [row["id"] for row in rows] == [company.pk]


def test_an_unknown_ordering_is_a_400(owner, site, company):
    record(site, "192.0.2.5", "/")
    assert owner.client().get(f"{BASE}/companies/", {"ordering": "name"}).status_code == 400


def test_score_pages_follow_their_cursor(owner, site):
    for n in range(5):
        IpRangeFactory(cidr=f"10.0.{n}.0/24")
        record(site, f"10.0.{n}.1", *["/"] * (n + 1), session=f"session-cccc000{n}")
    client = owner.client()
    page = client.get(f"{BASE}/companies/", {"ordering": "-score", "page_size": 2}).json()
    seen = [row["score"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["score"] for row in page["results"]]
    assert seen == sorted(seen, reverse=True) and len(seen) == 5


def test_another_advertisers_score_is_not_shown(owner, site, company, other_site, other_advertiser):
    other_site.domain = "shop.example"
    other_site.save()
    record(other_site, "192.0.2.5", *["/pricing"] * 5, session="session-bbbb0001")
    record(site, "192.0.2.5", "/")
    row = owner.client().get(f"{BASE}/companies/{company.pk}/").json()
    assert row["score_reasons"]["page_views"] == 1


def test_companies_by_score_cost_the_same_queries_for_any_page(owner, site, django_assert_max_num_queries):
    for n in range(3):
        IpRangeFactory(cidr=f"10.1.{n}.0/24")
        record(site, f"10.1.{n}.1", "/", session=f"session-dddd000{n}")
    client = owner.client()
    with django_assert_max_num_queries(12) as small:
        client.get(f"{BASE}/companies/", {"ordering": "-score", "page_size": 1})
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(f"{BASE}/companies/", {"ordering": "-score", "page_size": 3})


# --- admin -----------------------------------------------------------------------------------------------------
def test_admin_lists_companies_hottest_first_with_reasons(member_client, site, company):
    record(site, "192.0.2.5", "/", "/pricing")
    page = member_client.get("/admin/intel/company/").content.decode()
    assert company.name in page and "/pricing" in page


def test_a_member_adds_a_page_rule_for_their_site(member_client, site):
    response = member_client.post(
        "/admin/intel/pageweightrule/add/", {"site": site.pk, "pattern": "/pricing*", "weight": "5"}
    )
    assert response.status_code == 302, response.content[:500]
    assert PageWeightRule.objects.get().advertiser == site.advertiser


def test_a_page_rule_must_be_a_path(member_client, site):
    response = member_client.post(
        "/admin/intel/pageweightrule/add/", {"site": site.pk, "pattern": "pricing", "weight": "5"}
    )
    assert response.status_code == 200 and not PageWeightRule.objects.exists()


@pytest.mark.parametrize("days", [0, 28])
def test_scores_read_at_a_later_time_decay(site, company, days):
    record(site, "192.0.2.5", "/")
    row = CompanyScore.objects.get(company=company)
    with time_machine.travel(timezone.now() + timedelta(days=days), tick=False):
        later = scores.score_at(row.points, row.anchored_at)
    assert later == pytest.approx(row.points * scores.decay(days * 86400), rel=1e-3)


def test_admin_puts_the_hottest_company_first(member_client, site, company):
    cold = IpRangeFactory(cidr="198.51.100.0/24").company
    record(site, "198.51.100.5", "/", session="session-aaaa0002")
    record(site, "192.0.2.5", "/", "/pricing", "/contact")
    page = member_client.get("/admin/intel/company/").content.decode()
    assert page.index(company.name) < page.index(cold.name)
