"""Admin for lead intelligence (scoped to the member's advertiser, snippet shown) and its demo data."""

import pytest

from accounts import demo as accounts_demo
from leads.intel import demo
from leads.intel.models import (
    BlacklistEntry,
    Company,
    CompanyAlert,
    CompanyScore,
    IpRange,
    NetworkDataset,
    NetworkKind,
    Person,
    Site,
    Turnover,
    VisitAction,
    VisitSession,
)
from leads.intel.network_data import import_network_data

from .factories import CompanyFactory, VisitActionFactory, VisitSessionFactory
from .network_files import write_iptoasn

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_client(client, owner):
    client.force_login(owner.user)
    return client


def test_site_page_shows_the_snippet_to_copy(member_client, site, settings):
    settings.SITE_URL = "https://platform.example"
    response = member_client.get(f"/admin/intel/site/{site.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert site.key in html
    assert "https://platform.example/static/intel/tracker.js" in html
    assert "https://platform.example/api/intel/v1/collect/" in html


def site_page_opened_at(client, site, host: str) -> str:
    return client.get(f"/admin/intel/site/{site.pk}/change/", HTTP_HOST=host).content.decode()


def test_snippet_without_site_url_points_at_the_address_the_page_was_opened_at(member_client, site, settings):
    settings.SITE_URL = ""
    html = site_page_opened_at(member_client, site, "localhost:8243")
    assert "http://localhost:8243/static/intel/tracker.js" in html
    assert "http://localhost:8243/api/intel/v1/collect/" in html


def test_snippet_prefers_an_explicit_site_url_over_the_request_address(member_client, site, settings):
    settings.SITE_URL = "https://track.platform.example/"
    html = site_page_opened_at(member_client, site, "localhost:8243")
    assert "https://track.platform.example/static/intel/tracker.js" in html
    assert "localhost:8243" not in html


def test_member_creates_a_site_for_their_own_advertiser(member_client, owner, other_advertiser):
    response = member_client.post(
        "/admin/intel/site/add/",
        {"name": "Shop", "domain": "Shop.Example", "active": "on", "advertiser": other_advertiser.pk},
    )
    assert response.status_code == 302, response.content[:500]
    site = Site.objects.get()
    assert (site.advertiser, site.domain) == (owner.advertiser, "shop.example")
    assert site.key.startswith("site_")


def test_member_sees_only_their_sessions_with_actions(member_client, site, other_site):
    mine = VisitSessionFactory(site=site)
    VisitActionFactory(session=mine, title="Our pricing page")
    foreign = VisitSessionFactory(site=other_site)
    listing = member_client.get("/admin/intel/visitsession/")
    assert listing.status_code == 200
    assert f"/admin/intel/visitsession/{mine.pk}/change/" in listing.content.decode()
    assert f"/admin/intel/visitsession/{foreign.pk}/change/" not in listing.content.decode()
    detail = member_client.get(f"/admin/intel/visitsession/{mine.pk}/change/")
    assert "Our pricing page" in detail.content.decode()
    assert member_client.get(f"/admin/intel/visitsession/{foreign.pk}/change/").status_code == 302
    assert other_site.name not in listing.content.decode()  # not even in the site filter


def test_member_blacklists_a_domain_for_their_advertiser(member_client, owner):
    response = member_client.post("/admin/intel/blacklistentry/add/", {"domain": "Rival.example", "note": "competitor"})
    assert response.status_code == 302, response.content[:500]
    entry = BlacklistEntry.objects.get()
    assert (entry.advertiser, entry.domain, entry.created_by) == (owner.advertiser, "rival.example", owner.user)


def test_members_see_visiting_companies_but_cannot_edit_them_or_ip_ranges(member_client, site):
    visited = VisitSessionFactory(site=site).company
    stranger = CompanyFactory()
    listing = member_client.get("/admin/intel/company/").content.decode()
    assert visited.name in listing and stranger.name not in listing
    assert member_client.get("/admin/intel/company/add/").status_code == 403
    assert member_client.get("/admin/intel/iprange/").status_code == 403


def test_staff_keeps_ip_ranges(client, staff):
    client.force_login(staff.user)
    company = CompanyFactory()
    response = client.post("/admin/intel/iprange/add/", {"cidr": "192.0.2.9/24", "company": company.pk, "note": ""})
    assert response.status_code == 302, response.content[:800]
    assert IpRange.objects.get().cidr == "192.0.2.0/24"
    assert client.post("/admin/intel/iprange/add/", {"cidr": "not-a-network", "company": company.pk}).status_code == 200


def test_demo_data_is_complete_and_idempotent():
    for _ in range(2):
        credentials: dict = {}
        accounts_demo.seed(credentials)
        demo.seed(credentials)
    assert Turnover.objects.count() == len(demo.TURNOVERS)
    assert Company.objects.count() == len(demo.COMPANIES)
    assert Site.objects.count() == len(accounts_demo.ADVERTISERS)
    sessions_per_site = demo.SESSIONS_PER_SITE + len(demo.NETWORK_ONLY_SESSIONS)
    assert VisitSession.objects.count() == len(accounts_demo.ADVERTISERS) * sessions_per_site
    assert VisitAction.objects.filter(type="identify").exists()
    assert Person.objects.count() == len(accounts_demo.ADVERTISERS) * len(demo.PERSONS)
    assert {site["site_key"] for site in credentials["intel_sites"]} == set(Site.objects.values_list("key", flat=True))


def test_demo_imports_the_network_sample_once_and_shows_each_network_kind():
    for _ in range(2):
        credentials: dict = {}
        accounts_demo.seed(credentials)
        demo.seed(credentials)
    assert NetworkDataset.objects.get().source == demo.NETWORK_SAMPLE_NAME
    kinds = set(VisitSession.objects.filter(company=None).values_list("network_kind", flat=True))
    assert kinds == {NetworkKind.ISP, NetworkKind.HOSTING}


def test_demo_scores_the_companies_and_raises_todays_alerts_once():
    for _ in range(2):
        credentials: dict = {}
        accounts_demo.seed(credentials)
        demo.seed(credentials)
    assert CompanyScore.objects.filter(points__gt=0).count() >= len(demo.COMPANIES)
    assert CompanyAlert.objects.exists()
    assert CompanyAlert.objects.count() == len(set(CompanyAlert.objects.values_list("rule", "company", "day")))


def test_demo_keeps_network_data_imported_before(tmp_path):
    import_network_data(write_iptoasn(tmp_path / "ip2asn-combined.tsv"), "iptoasn")
    demo.seed_network_sample()
    assert NetworkDataset.objects.get().source == "ip2asn-combined.tsv"


def test_member_edits_a_blacklisted_company_entry(member_client, owner, site):
    company = VisitSessionFactory(site=site).company
    entry = BlacklistEntry.objects.create(advertiser=owner.advertiser, company=company)
    response = member_client.post(
        f"/admin/intel/blacklistentry/{entry.pk}/change/", {"company": company.pk, "domain": "", "note": "still out"}
    )
    assert response.status_code == 302, response.content[:500]
    entry.refresh_from_db()
    assert entry.note == "still out"
