"""Which company an IP address belongs to, and which network it is on.

In order: the most specific admin-kept IP range; the network of the imported network data when its
organisation is a company, a school or a government (its `Company` found by domain or name, or created);
forward-confirmed reverse DNS matched to a company's domain, unless the network is an ISP's or a hosting
provider's, whose names are theirs, not the visitor's. The identified person's e-mail domain comes last
(`services.identify_person`). The network's kind and organisation are recorded either way.

The reverse-DNS lookup is a function `(ip) -> hostname | None` named by the setting
`INTEL_REVERSE_DNS` (a dotted path), so tests and deployments can swap it.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from .models import Company, IpRange, NetworkDataset, NetworkKind, NetworkRange, ip_to_hex

DEFAULT_REVERSE_DNS = "leads.intel.resolution.forward_confirmed_reverse_dns"
DNS_TIMEOUT_SECONDS = 2.0

ReverseDns = Callable[[str], "str | None"]

# getaddrinfo/gethostbyaddr take no timeout; a small pool bounds how long a lookup may block.
_dns_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="intel-dns")


@dataclass(frozen=True)
class Resolution:
    company: Company | None
    hostname: str = ""
    domains: tuple[str, ...] = ()
    network: NetworkRange | None = None

    def session_fields(self) -> dict:
        """What a new visit session records of its address."""
        return {"company": self.company, "hostname": self.hostname, **network_fields(self.network)}


def network_fields(network: NetworkRange | None) -> dict:
    """What a session records of the network its address is on."""
    return {
        "network_kind": network.kind if network else "",
        "network_organisation": network.organisation if network else "",
        "network_asn": network.asn if network else None,
    }


def forward_confirmed_reverse_dns(ip: str) -> str | None:
    """The PTR name of `ip`, only if that name resolves back to `ip` (a PTR alone can claim any name)."""

    def lookup() -> str | None:
        try:
            hostname = socket.gethostbyaddr(ip)[0]
            addresses = {info[4][0] for info in socket.getaddrinfo(hostname, None)}
        except (OSError, UnicodeError):
            return None
        return hostname if ip in addresses else None

    try:
        return _dns_pool.submit(lookup).result(timeout=DNS_TIMEOUT_SECONDS)
    except FutureTimeout:
        return None


def reverse_dns_function() -> ReverseDns:
    return import_string(getattr(settings, "INTEL_REVERSE_DNS", DEFAULT_REVERSE_DNS))


def parent_domains(hostname: str) -> tuple[str, ...]:
    """`a.b.example.co.uk` → (`a.b.example.co.uk`, `b.example.co.uk`, `example.co.uk`, `co.uk`), longest first."""
    labels = [label for label in hostname.lower().rstrip(".").split(".") if label]
    return tuple(".".join(labels[i:]) for i in range(len(labels) - 1))


def _address(ip: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    address = ipaddress.ip_address(ip)
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def company_by_ip_range(ip: str) -> Company | None:
    address = _address(ip)
    value = ip_to_hex(address)
    match = (
        IpRange.objects.filter(version=address.version, first__lte=value, last__gte=value)
        .select_related("company")
        .order_by("-prefix_length", "id")
        .first()
    )
    return match.company if match else None


# One step down the (data set, version, first) index; written out, since an address is looked up per new visit.
NETWORK_LOOKUP = (
    "SELECT {columns} FROM {ranges} WHERE dataset_id = (SELECT id FROM {datasets} WHERE active LIMIT 1)"
    " AND version = %s AND first <= %s ORDER BY first DESC LIMIT 1"
)
NETWORK_COLUMNS = ("id", "dataset_id", "version", "first", "last", "asn", "organisation", "domain", "country", "kind")


def network_of(ip: str) -> NetworkRange | None:
    """The active data set's range holding `ip`: the greatest first address not above it, if it reaches `ip`."""
    address = _address(ip)
    value = ip_to_hex(address)
    sql = NETWORK_LOOKUP.format(
        columns=", ".join(NETWORK_COLUMNS),
        ranges=NetworkRange._meta.db_table,
        datasets=NetworkDataset._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [address.version, value])
        row = cursor.fetchone()
    if row is None:
        return None
    network = NetworkRange(**dict(zip(NETWORK_COLUMNS, row, strict=True)))
    return network if network.last >= value else None


def company_of_network(network: NetworkRange) -> Company:
    """The network organisation's company: by its domain when the data names one, else by name; created once."""
    lookup = {"domain": network.domain} if network.domain else {"name__iexact": network.organisation, "domain": ""}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two workers meeting a new organisation at once create one company, not two.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"intel-company:{sorted(lookup.items())}"]
                )
        company = Company.objects.filter(**lookup).order_by("id").first()
        if company is None:
            company = Company.objects.create(
                name=network.organisation or network.domain, domain=network.domain, country=network.country
            )
    return company


def company_by_domains(domains: tuple[str, ...]) -> Company | None:
    """The company whose domain is the most specific of `domains`."""
    if not domains:
        return None
    candidates = {company.domain: company for company in Company.objects.filter(domain__in=domains).order_by("-id")}
    return next((candidates[domain] for domain in domains if domain in candidates), None)


def resolve_ip(ip: str | None, reverse_dns: ReverseDns | None = None) -> Resolution:
    if not ip:
        return Resolution(None)
    network = network_of(ip)
    company = company_by_ip_range(ip)
    if company is not None:
        return Resolution(company, network=network)
    if network is not None and network.organisation and NetworkKind.names_a_company(network.kind):
        return Resolution(company_of_network(network), network=network)
    if network is not None and network.kind in (NetworkKind.ISP, NetworkKind.HOSTING):
        return Resolution(None, network=network)
    hostname = (reverse_dns or reverse_dns_function())(ip) or ""
    domains = parent_domains(hostname)
    return Resolution(company_by_domains(domains), hostname[:253], domains, network)
