"""Company resolution: admin-kept IP ranges first, then reverse DNS matched to company domains."""

import socket

import pytest

from leads.intel import resolution
from leads.intel.models import IpRange
from leads.intel.resolution import parent_domains, resolve_ip

from . import dns
from .factories import CompanyFactory, IpRangeFactory

pytestmark = pytest.mark.django_db


def test_ip_range_resolves_the_most_specific_block():
    wide = IpRangeFactory(cidr="203.0.113.0/24").company
    narrow = IpRangeFactory(cidr="203.0.113.128/26").company
    assert resolve_ip("203.0.113.5").company == wide
    assert resolve_ip("203.0.113.130").company == narrow
    assert resolve_ip("203.0.113.255").company == wide
    assert resolve_ip("203.0.114.1").company is None


def test_ipv6_ranges_resolve():
    company = IpRangeFactory(cidr="2001:db8:abcd::/48").company
    assert resolve_ip("2001:db8:abcd:12::1").company == company
    assert resolve_ip("2001:db8:abce::1").company is None
    assert resolve_ip("::ffff:203.0.113.5").company is None


def test_cidr_is_normalised_on_save():
    ip_range = IpRangeFactory(cidr=" 198.51.100.77/24 ")
    assert (ip_range.cidr, ip_range.version, ip_range.prefix_length) == ("198.51.100.0/24", 4, 24)
    assert IpRange.objects.get().first < IpRange.objects.get().last


def test_ip_range_wins_without_asking_dns():
    company = IpRangeFactory(cidr="192.0.2.0/24").company
    dns.PTR["192.0.2.7"] = f"host.{CompanyFactory().domain}"
    assert resolve_ip("192.0.2.7").company == company
    assert dns.QUERIES == []


def test_reverse_dns_is_matched_to_the_most_specific_company_domain():
    parent = CompanyFactory(domain="bigcorp.example")
    division = CompanyFactory(domain="labs.bigcorp.example")
    dns.PTR["198.51.100.20"] = "gw1.prague.labs.bigcorp.example."
    dns.PTR["198.51.100.21"] = "mail.BIGCORP.example"
    first = resolve_ip("198.51.100.20")
    assert first.company == division
    assert first.hostname == "gw1.prague.labs.bigcorp.example."
    assert resolve_ip("198.51.100.21").company == parent


def test_unknown_host_and_unknown_domain_resolve_to_nothing():
    dns.PTR["198.51.100.30"] = "dsl-30.isp.example"
    CompanyFactory(domain="bigcorp.example")
    assert resolve_ip("198.51.100.30").company is None
    assert resolve_ip("198.51.100.31").company is None
    assert resolve_ip(None).company is None


def test_parent_domains_stop_before_the_top_level():
    assert parent_domains("a.b.example.co.uk") == ("a.b.example.co.uk", "b.example.co.uk", "example.co.uk", "co.uk")
    assert parent_domains("localhost") == ()


def test_system_resolver_requires_the_name_to_resolve_back(monkeypatch):
    monkeypatch.setattr(socket, "gethostbyaddr", lambda ip: ("www.bank.example", [], [ip]))
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, port: [(0, 0, 0, "", ("192.0.2.99", 0))])
    # The PTR record claims bank.example, but bank.example does not point back: not trusted.
    assert resolution.forward_confirmed_reverse_dns("198.51.100.1") is None
    assert resolution.forward_confirmed_reverse_dns("192.0.2.99") == "www.bank.example"


def test_system_resolver_failure_is_no_name(monkeypatch):
    def fail(ip):
        raise socket.herror(1, "Unknown host")

    monkeypatch.setattr(socket, "gethostbyaddr", fail)
    assert resolution.forward_confirmed_reverse_dns("198.51.100.1") is None
