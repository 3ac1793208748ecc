"""Small network data files in each published format, written by the tests themselves."""

from __future__ import annotations

import csv
from pathlib import Path

#: (first, last, AS number, country, organisation): a company, an ISP, a datacenter, a university, IPv6.
RANGES = [
    ("192.0.2.0", "192.0.2.255", 64500, "CZ", "Bohemia Logistics a.s."),
    ("198.51.100.0", "198.51.100.255", 64501, "DE", "Example Telekom Broadband"),
    ("203.0.113.0", "203.0.113.127", 64502, "US", "Example Cloud Hosting LLC"),
    ("203.0.113.128", "203.0.113.255", 64503, "AT", "University of Examples"),
    ("2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", 64504, "SE", "Nordic Timber AB"),
]


def write_iptoasn(path: Path, ranges=RANGES) -> Path:
    lines = ["0.0.0.0\t0.255.255.255\t0\tNone\tNot routed"]
    lines += [f"{first}\t{last}\t{asn}\t{country}\t{name}" for first, last, asn, country, name in ranges]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_dbip_asn(path: Path, ranges=RANGES) -> Path:
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        for first, last, asn, _country, name in ranges:
            writer.writerow([first, last, asn, name])
    return path


def write_mmdb(path: Path, records: list[tuple[str, dict]], database_type: str = "GeoIP2-Enterprise") -> Path:
    """A MaxMind DB of `records` (CIDR, record) as a vendor writes it (IPv6 tree, IPv4 mapped in)."""
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type=database_type, description="Test data")
    for cidr, record in records:
        writer.insert_network(IPSet([cidr]), record)
    writer.to_db_file(str(path))
    return path


COMPANY_MMDB_RECORDS = [
    (
        "192.0.2.0/24",
        {
            "traits": {
                "autonomous_system_number": 64500,
                "organization": "Bohemia Logistics a.s.",
                "domain": "bohemia-logistics.example",
                "user_type": "business",
            },
            "country": {"iso_code": "CZ"},
        },
    ),
    (
        "198.51.100.0/24",
        {"traits": {"autonomous_system_number": 64501, "isp": "Example Broadband", "user_type": "residential"}},
    ),
]
