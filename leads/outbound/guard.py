"""The outbound address policy: which URLs and addresses the platform may connect to.

Every outbound connection (crawling, connectors, webhooks) goes through `resolve_checked`:
the host is resolved once, every address is checked against an explicit deny list, and
the caller connects to the checked addresses only, so a DNS answer cannot change between
the check and the connection (no DNS rebinding). Redirect targets go through the same
check. `settings.SCRAPER_ALLOWED_NETWORKS` (comma-separated CIDRs, empty by default)
re-opens chosen networks, e.g. 127.0.0.1/32 for the tests' local servers.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Never reachable from the platform, whatever `ipaddress` thinks of them (its flags have gaps
#: across Python versions, e.g. CGNAT and NAT64 were not "private" everywhere).
DENIED_NETWORKS = tuple(
    ipaddress.ip_network(cidr)
    for cidr in (
        # IPv4
        "0.0.0.0/8",  # "this network", unspecified
        "10.0.0.0/8",  # private
        "100.64.0.0/10",  # carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",  # loopback
        "169.254.0.0/16",  # link-local, cloud metadata 169.254.169.254
        "172.16.0.0/12",  # private
        "192.0.0.0/24",  # IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
        "192.0.2.0/24",  # TEST-NET-1
        "192.88.99.0/24",  # 6to4 relay anycast
        "192.168.0.0/16",  # private
        "198.18.0.0/15",  # benchmarking
        "198.51.100.0/24",  # TEST-NET-2
        "203.0.113.0/24",  # TEST-NET-3
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, broadcast
        # IPv6
        "::/128",  # unspecified
        "::1/128",  # loopback
        "::/96",  # IPv4-compatible (deprecated)
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated
        "64:ff9b::/96",  # NAT64 well-known prefix (reaches IPv4 space)
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments (Teredo, ORCHIDv2, …)
        "2001:db8::/32",  # documentation
        "2002::/16",  # 6to4 (embeds an IPv4 address)
        "fc00::/7",  # unique local (incl. AWS metadata fd00:ec2::254)
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)

ALLOWED_SCHEMES = ("http", "https")


class OutboundError(Exception):
    """An outbound request did not produce a usable response. The message is safe to show."""

    safe_message = "The request failed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.safe_message)


class BlockedDestination(OutboundError):
    """The URL's scheme, host or one of its addresses is not allowed (SSRF guard)."""

    safe_message = "The destination is not allowed."


# A resolver maps (host, port) to the host's addresses; tests inject one to simulate DNS.
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


_resolver: Resolver = system_resolver


@contextmanager
def override_resolver(resolver: Resolver) -> Iterator[None]:
    """Use `resolver` for name lookups inside the block (tests: "a name resolving to 10.x")."""
    global _resolver
    previous, _resolver = _resolver, resolver
    try:
        yield
    finally:
        _resolver = previous


@lru_cache(maxsize=8)
def _parse_networks(raw: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in raw.split(",") if part.strip())


def allowed_networks() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    raw = getattr(settings, "SCRAPER_ALLOWED_NETWORKS", "")
    if isinstance(raw, list | tuple):
        raw = ",".join(raw)
    return _parse_networks(raw or "")


def is_allowed_address(address: IPAddress) -> bool:
    if any(address in network for network in allowed_networks()):
        return True
    if any(address in network for network in DENIED_NETWORKS):
        return False
    # Belt and braces for anything the explicit list misses.
    return address.is_global and not (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_multicast
        or address.is_reserved
        or address.is_unspecified
    )


def literal_address(host: str) -> IPAddress | None:
    """The address a host names literally, including the inet_aton spellings a resolver
    would accept: `127.1`, `2130706433`, `0x7f000001`, `017700000001`."""
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if host and all(c in "0123456789abcdefxABCDEFX." for c in host) and host[0].isdigit():
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def checked_address(address: str) -> str:
    parsed = ipaddress.ip_address(address.split("%", 1)[0])
    if not is_allowed_address(parsed):
        raise BlockedDestination()
    return str(parsed)


def split_url(url: str) -> SplitResult:
    """Parse and check the parts of a URL that need no lookup: scheme, host, port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise BlockedDestination("The URL is not valid.") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise BlockedDestination("Only http and https URLs are allowed.")
    if not parts.hostname:
        raise BlockedDestination("The URL has no host.")
    if parts.username or parts.password:
        raise BlockedDestination("Credentials in URLs are not allowed.")
    if port == 0:
        raise BlockedDestination("The URL's port is not valid.")
    return parts


def default_port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme.lower() == "https" else 80)


def resolve_checked(host: str, port: int) -> list[str]:
    """Resolve `host` once and return its addresses, all of them allowed; else refuse.

    One denied address refuses the whole host: a name with a public and a private answer
    is an attack, not a fallback.
    """
    literal = literal_address(host)
    if literal is not None:
        return [checked_address(str(literal))]
    try:
        addresses = _resolver(host.rstrip("."), port)
    except (OSError, UnicodeError):
        raise OutboundError("The host name could not be resolved.") from None
    if not addresses:
        raise OutboundError("The host name could not be resolved.")
    return [checked_address(address) for address in addresses]


@lru_cache(maxsize=4096)
def _literal_host_verdict(host: str, allowed: tuple) -> bool | None:
    """True/False for an allowed/denied literal address, None for a name (cached: the crawl asks per URL)."""
    literal = literal_address(host)
    if literal is None:
        return None
    return is_allowed_address(literal)


def check_url(url: str, *, resolve: bool = True) -> SplitResult:
    """Refuse a URL whose scheme, host or resolved addresses are not allowed (create time, redirects)."""
    parts = split_url(url)
    if resolve:
        resolve_checked(parts.hostname, default_port(parts))
    elif _literal_host_verdict(parts.hostname, allowed_networks()) is False:
        raise BlockedDestination()
    return parts
