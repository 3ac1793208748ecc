"""Readers of the published network data formats: each yields the file's ranges as `NetworkRecord`s.

- iptoasn's `ip2asn-combined.tsv` (public domain): `first<TAB>last<TAB>AS number<TAB>country<TAB>AS name`,
  IPv4 and IPv6; AS 0 marks space nobody announces and is skipped.
- DB-IP Lite ASN CSV (CC BY 4.0): `first,last,AS number,AS organisation`.
- MaxMind DB files (GeoLite2/GeoIP2 ASN, ISP, Enterprise or Domain, or any database of that layout):
  every network of the tree with its record's AS number, organisation, domain, country and user type.
"""

from __future__ import annotations

import csv
import ipaddress
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO


class NetworkFileError(ValueError):
    """The file is not in the format it was imported as; the message names the line."""


@dataclass(frozen=True)
class NetworkRecord:
    version: int
    first: int
    last: int
    asn: int | None
    organisation: str
    domain: str = ""
    country: str = ""
    #: The file's own word for who uses the network (a MaxMind `user_type`), when it has one.
    user_type: str = ""


def _address_pair(first: str, last: str, line: int) -> tuple[int, int, int]:
    try:
        start, end = ipaddress.ip_address(first.strip()), ipaddress.ip_address(last.strip())
    except ValueError as error:
        raise NetworkFileError(f"line {line}: {error}") from None
    if start.version != end.version or int(end) < int(start):
        raise NetworkFileError(f"line {line}: {first} – {last} is not a range")
    return start.version, int(start), int(end)


def _asn(value: str, line: int) -> int:
    try:
        return int(value.strip().removeprefix("AS"))
    except ValueError:
        raise NetworkFileError(f"line {line}: {value!r} is not an AS number") from None


def read_iptoasn(stream: TextIO) -> Iterator[NetworkRecord]:
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        fields = text.rstrip("\r\n").split("\t")
        if len(fields) != 5:
            raise NetworkFileError(f"line {line}: expected 5 tab-separated fields, found {len(fields)}")
        first, last, asn, country, name = fields
        number = _asn(asn, line)
        if number == 0:  # "Not routed"
            continue
        version, start, end = _address_pair(first, last, line)
        yield NetworkRecord(version, start, end, number, name.strip()[:255], country=_country(country))


def read_dbip_asn(stream: TextIO) -> Iterator[NetworkRecord]:
    for line, fields in enumerate(csv.reader(stream), start=1):
        if not fields:
            continue
        if len(fields) != 4:
            raise NetworkFileError(f"line {line}: expected 4 comma-separated fields, found {len(fields)}")
        first, last, asn, organisation = fields
        version, start, end = _address_pair(first, last, line)
        yield NetworkRecord(version, start, end, _asn(asn, line), organisation.strip()[:255])


def read_mmdb(path: Path) -> Iterator[NetworkRecord]:
    import maxminddb

    try:
        reader = maxminddb.open_database(str(path))
    except (maxminddb.InvalidDatabaseError, ValueError, OSError) as error:
        raise NetworkFileError(f"not a MaxMind DB file: {error}") from None
    with reader:
        for network, record in reader:
            if isinstance(record, dict):
                yield _mmdb_record(network, record)


def mmdb_description(path: Path) -> tuple[str, str]:
    """(database type, English description) from the file's metadata."""
    import maxminddb

    with maxminddb.open_database(str(path)) as reader:
        metadata = reader.metadata()
        return metadata.database_type, (metadata.description or {}).get("en", "")


def _mmdb_record(network: ipaddress.IPv4Network | ipaddress.IPv6Network, record: dict[str, Any]) -> NetworkRecord:
    traits = record.get("traits") if isinstance(record.get("traits"), dict) else record
    organisation = traits.get("organization") or traits.get("isp") or traits.get("autonomous_system_organization") or ""
    country = record.get("country", {}).get("iso_code", "") if isinstance(record.get("country"), dict) else ""
    asn = traits.get("autonomous_system_number")
    return NetworkRecord(
        network.version,
        int(network.network_address),
        int(network.broadcast_address),
        int(asn) if isinstance(asn, int) else None,
        str(organisation)[:255],
        domain=str(traits.get("domain") or "").lower()[:253],
        country=_country(country),
        user_type=str(traits.get("user_type") or traits.get("connection_type") or ""),
    )


def _country(value: str) -> str:
    value = value.strip().upper()
    return value if len(value) == 2 and value.isalpha() and value != "ZZ" else ""


def _text_reader(read: Callable[[TextIO], Iterator[NetworkRecord]]) -> Callable[[Path], Iterator[NetworkRecord]]:
    def read_path(path: Path) -> Iterator[NetworkRecord]:
        with path.open(encoding="utf-8", newline="") as stream:
            yield from read(stream)

    return read_path


READERS: dict[str, Callable[[Path], Iterator[NetworkRecord]]] = {
    "iptoasn": _text_reader(read_iptoasn),
    "dbip-asn": _text_reader(read_dbip_asn),
    "mmdb": read_mmdb,
}
