"""Which company an IP address belongs to: admin-kept IP ranges first, then reverse DNS.

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
from django.utils.module_loading import import_string

from .models import Company, IpRange, ip_to_hex

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


def company_by_ip_range(ip: str) -> Company | None:
    address = ipaddress.ip_address(ip)
    value = ip_to_hex(address)
    match = (
        IpRange.objects.filter(version=address.version, first__lte=value, last__gte=value)
        .select_related("company")
        .order_by("-prefix_length", "id")
        .first()
    )
    return match.company if match else None


def company_by_domains(domains: tuple[str, ...]) -> Company | None:
    """The company whose domain is the most specific of `domains`."""
    if not domains:
        return None
    candidates = {company.domain: company for company in Company.objects.filter(domain__in=domains).order_by("-id")}
    return next((candidates[domain] for domain in domains if domain in candidates), None)


def resolve_ip(ip: str | None, reverse_dns: ReverseDns | None = None) -> Resolution:
    if not ip:
        return Resolution(None)
    company = company_by_ip_range(ip)
    if company is not None:
        return Resolution(company)
    hostname = (reverse_dns or reverse_dns_function())(ip) or ""
    domains = parent_domains(hostname)
    return Resolution(company_by_domains(domains), hostname[:253], domains)
