"""Network data: importing each published format, the atomic replacement, lookups and the order of resolution."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from leads.intel import services
from leads.intel.models import Company, NetworkDataset, NetworkKind, NetworkRange, VisitSession
from leads.intel.network_data import import_network_data
from leads.intel.network_formats import NetworkFileError
from leads.intel.network_kinds import network_kind
from leads.intel.resolution import network_of, resolve_ip

from . import dns
from .factories import CompanyFactory, IpRangeFactory
from .network_files import COMPANY_MMDB_RECORDS, write_dbip_asn, write_iptoasn, write_mmdb

pytestmark = pytest.mark.django_db


@pytest.fixture
def iptoasn_file(tmp_path):
    return write_iptoasn(tmp_path / "ip2asn-combined.tsv")


def import_file(path, data_format: str) -> str:
    out = StringIO()
    call_command("import_network_data", str(path), "--format", data_format, stdout=out, stderr=StringIO())
    return out.getvalue()


# --- the formats ----------------------------------------------------------------------------------------------
def test_iptoasn_import_loads_every_announced_range(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    dataset = NetworkDataset.objects.get()
    assert (dataset.active, dataset.range_count, NetworkRange.objects.count()) == (True, 5, 5)


def test_iptoasn_import_records_source_and_public_domain_licence(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    dataset = NetworkDataset.objects.get()
    assert (dataset.source, dataset.licence) == ("ip2asn-combined.tsv", "Public domain (PDDL v1.0)")


def test_dbip_import_carries_the_attribution_its_licence_asks_for(tmp_path):
    import_file(write_dbip_asn(tmp_path / "dbip-asn-lite-2026-12.csv"), "dbip-asn")
    dataset = NetworkDataset.objects.get()
    assert dataset.licence == "CC BY 4.0"
    assert "DB-IP" in dataset.attribution and "https://db-ip.com" in dataset.attribution


def test_dbip_organisation_with_a_comma_is_read_whole(tmp_path):
    ranges = [("192.0.2.0", "192.0.2.255", 64500, "", "Example, Inc.")]
    import_file(write_dbip_asn(tmp_path / "dbip.csv", ranges), "dbip-asn")
    assert NetworkRange.objects.get().organisation == "Example, Inc."


def test_mmdb_import_reads_organisation_domain_country_and_user_type(tmp_path):
    import_file(write_mmdb(tmp_path / "company.mmdb", COMPANY_MMDB_RECORDS), "mmdb")
    network = network_of("192.0.2.9")
    assert (network.organisation, network.domain, network.country, network.asn, network.kind) == (
        "Bohemia Logistics a.s.",
        "bohemia-logistics.example",
        "CZ",
        64500,
        NetworkKind.COMPANY,
    )


def test_mmdb_user_type_decides_the_kind(tmp_path):
    import_file(write_mmdb(tmp_path / "company.mmdb", COMPANY_MMDB_RECORDS), "mmdb")
    assert network_of("198.51.100.20").kind == NetworkKind.ISP


def test_geolite_mmdb_is_credited_to_maxmind(tmp_path):
    records = [("192.0.2.0/24", {"autonomous_system_number": 64500, "autonomous_system_organization": "Example AB"})]
    import_file(write_mmdb(tmp_path / "GeoLite2-ASN.mmdb", records, database_type="GeoLite2-ASN"), "mmdb")
    dataset = NetworkDataset.objects.get()
    assert "GeoLite2 data created by MaxMind" in dataset.attribution


def test_the_command_shows_a_progress_bar(iptoasn_file):
    err = StringIO()
    call_command("import_network_data", str(iptoasn_file), "--format", "iptoasn", stdout=StringIO(), stderr=err)
    assert "ranges" in err.getvalue()


# --- replacing -------------------------------------------------------------------------------------------------
def test_a_new_import_replaces_the_previous_one(iptoasn_file, tmp_path):
    import_file(iptoasn_file, "iptoasn")
    import_file(write_dbip_asn(tmp_path / "dbip.csv", [("192.0.2.0", "192.0.2.255", 1, "", "Other AB")]), "dbip-asn")
    assert list(NetworkDataset.objects.values_list("format", "active")) == [("dbip-asn", True)]
    assert NetworkRange.objects.count() == 1


def test_a_broken_file_changes_nothing(iptoasn_file, tmp_path):
    import_file(iptoasn_file, "iptoasn")
    broken = tmp_path / "broken.tsv"
    broken.write_text("192.0.2.0\t192.0.2.255\t64500\tCZ\tFine\n192.0.2.x\t192.0.3.0\t1\tCZ\tBroken\n")
    with pytest.raises(CommandError, match="line 2"):
        import_file(broken, "iptoasn")
    assert NetworkDataset.objects.get().source == "ip2asn-combined.tsv"
    assert NetworkRange.objects.count() == 5


def test_a_file_of_another_format_is_refused(iptoasn_file):
    with pytest.raises(NetworkFileError, match="4 comma-separated fields"):
        import_network_data(iptoasn_file, "dbip-asn")


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not a file"):
        import_file(tmp_path / "missing.tsv", "iptoasn")


def test_a_file_with_no_announced_range_is_refused(tmp_path):
    empty = tmp_path / "empty.tsv"
    empty.write_text("0.0.0.0\t0.255.255.255\t0\tNone\tNot routed\n")
    with pytest.raises(NetworkFileError, match="no announced range"):
        import_network_data(empty, "iptoasn")


# --- lookups ---------------------------------------------------------------------------------------------------
def test_lookup_finds_the_range_of_an_address(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    assert network_of("203.0.113.200").organisation == "University of Examples"


def test_lookup_between_ranges_finds_nothing(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    assert network_of("192.0.3.1") is None


def test_lookup_reads_ipv6_and_ipv4_mapped_addresses(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    assert network_of("2001:db8:1::5").organisation == "Nordic Timber AB"
    assert network_of("::ffff:192.0.2.7").organisation == "Bohemia Logistics a.s."


def test_lookup_is_one_query(iptoasn_file, django_assert_num_queries):
    import_file(iptoasn_file, "iptoasn")
    with django_assert_num_queries(1):
        network_of("198.51.100.7")


# --- kinds -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("organisation", "domain", "kind"),
    [
        ("Example Telekom Broadband", "", NetworkKind.ISP),
        ("PJSC Rostelecom", "", NetworkKind.ISP),
        ("AMAZON-02", "", NetworkKind.HOSTING),
        ("Hetzner Online GmbH", "", NetworkKind.HOSTING),
        ("University of Examples", "", NetworkKind.EDUCATION),
        ("Ministry of Finance", "", NetworkKind.GOVERNMENT),
        ("Example Agency", "agency.gov", NetworkKind.GOVERNMENT),
        ("Bohemia Logistics a.s.", "", NetworkKind.COMPANY),
        ("Hotel Europa", "", NetworkKind.COMPANY),
    ],
)
def test_network_kind_from_the_organisation(organisation, domain, kind):
    assert network_kind(organisation, domain) == kind


# --- the order of resolution ----------------------------------------------------------------------------------
def test_a_company_network_resolves_to_its_company(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    company = resolve_ip("192.0.2.50").company
    assert (company.name, company.country) == ("Bohemia Logistics a.s.", "CZ")


def test_a_company_network_is_one_company_for_every_visit(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    assert resolve_ip("192.0.2.50").company == resolve_ip("192.0.2.51").company
    assert Company.objects.count() == 1


def test_a_known_company_is_found_by_the_networks_domain(tmp_path):
    company = CompanyFactory(domain="bohemia-logistics.example")
    import_file(write_mmdb(tmp_path / "company.mmdb", COMPANY_MMDB_RECORDS), "mmdb")
    assert resolve_ip("192.0.2.50").company == company


def test_an_isp_network_never_becomes_a_company(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    resolution = resolve_ip("198.51.100.7")
    assert (resolution.company, resolution.network.kind) == (None, NetworkKind.ISP)


def test_a_datacenter_address_asks_no_reverse_dns(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    dns.PTR["203.0.113.9"] = f"vm.{CompanyFactory().domain}"
    assert resolve_ip("203.0.113.9").company is None
    assert dns.QUERIES == []


def test_an_admin_range_wins_over_the_network_data(iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    company = IpRangeFactory(cidr="198.51.100.0/28").company
    assert resolve_ip("198.51.100.7").company == company


def test_reverse_dns_still_resolves_where_no_network_is_known():
    company = CompanyFactory(domain="firm.example")
    dns.PTR["192.0.2.7"] = "gw.firm.example"
    assert resolve_ip("192.0.2.7").company == company


def _record(site, ip: str, *actions):
    now_ms = int(timezone.now().timestamp() * 1000)
    batch = {
        "site_key": site.key,
        "visitor": "visitor-aaaa0001",
        "session": "session-aaaa0001",
        "sent": now_ms,
        "actions": [{"at": now_ms, **action} for action in actions],
    }
    return services.record_visit_batch(site.pk, ip, "pytest", timezone.now().isoformat(), batch)


PAGE = {"type": "page", "id": "page-00000001", "url": "https://shop.example/pricing"}


def test_a_session_records_its_network_kind_and_organisation(site, iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    _record(site, "198.51.100.7", PAGE)
    session = VisitSession.objects.get()
    assert (session.company, session.network_kind, session.network_organisation, session.network_asn) == (
        None,
        NetworkKind.ISP,
        "Example Telekom Broadband",
        64501,
    )


def test_drained_beacons_record_the_network_too(site, iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    now_ms = int(timezone.now().timestamp() * 1000)
    beacon = {
        "site": site.pk,
        "ip": "192.0.2.8",
        "ua": "pytest",
        "received": timezone.now().timestamp(),
        "batch": {
            "site_key": site.key,
            "visitor": "visitor-aaaa0002",
            "session": "session-aaaa0002",
            "sent": now_ms,
            "actions": [{"at": now_ms, **PAGE}],
        },
    }
    services.record_beacons([beacon])
    session = VisitSession.objects.get()
    assert (session.company.name, session.network_kind) == ("Bohemia Logistics a.s.", NetworkKind.COMPANY)


def test_an_identified_persons_email_domain_names_the_company_last(site, iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    company = CompanyFactory(domain="firm.example")
    identify = {"type": "identify", "id": "ident-00000001", "email": "jan@firm.example", "name": "Jan"}
    _record(site, "198.51.100.7", PAGE, identify)
    assert VisitSession.objects.get().company == company


def test_the_email_domain_does_not_override_an_address_company(site, iptoasn_file):
    import_file(iptoasn_file, "iptoasn")
    CompanyFactory(domain="firm.example")
    identify = {"type": "identify", "id": "ident-00000001", "email": "jan@firm.example", "name": "Jan"}
    _record(site, "192.0.2.8", PAGE, identify)
    assert VisitSession.objects.get().company.name == "Bohemia Logistics a.s."
