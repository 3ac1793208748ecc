"""Importing a network data file: its ranges loaded in bulk, replacing the active data set in one transaction.

The import runs in one transaction: the new data set's ranges are written (PostgreSQL: COPY), the previous
data set is deleted and the new one becomes active. Until it commits, lookups read the previous data set;
an import that fails changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import connection, transaction

from .models import NetworkDataset, NetworkRange, ip_int_to_hex
from .network_formats import READERS, NetworkFileError, NetworkRecord, mmdb_description
from .network_kinds import network_kind

Format = NetworkDataset.Format

COPY_COLUMNS = ("dataset_id", "version", "first", "last", "asn", "organisation", "domain", "country", "kind")
BULK_BATCH = 5_000


@dataclass(frozen=True)
class Licence:
    name: str
    attribution: str


LICENCES = {
    Format.IPTOASN: Licence("Public domain (PDDL v1.0)", "IP to ASN mapping by iptoasn.com."),
    Format.DBIP_ASN: Licence("CC BY 4.0", "IP Geolocation by DB-IP (https://db-ip.com), licensed under CC BY 4.0."),
}
GEOLITE = Licence(
    "GeoLite2 End User License Agreement",
    "This product includes GeoLite2 data created by MaxMind, available from https://www.maxmind.com.",
)
LICENSED_MMDB = Licence("Licensed by the customer from its vendor", "")


def import_network_data(
    path: Path,
    data_format: str,
    *,
    licence: str = "",
    attribution: str = "",
    progress: Callable[[int], None] | None = None,
) -> NetworkDataset:
    """Load `path` as the active network data set; the previous one is replaced. Raises NetworkFileError."""
    if data_format not in READERS:
        raise NetworkFileError(f"unknown format {data_format!r}: choose one of {', '.join(READERS)}")
    if not path.is_file():
        raise NetworkFileError(f"{path} is not a file")
    described = _described_licence(path, data_format)
    with transaction.atomic():
        dataset = NetworkDataset.objects.create(
            format=data_format,
            source=path.name[:255],
            licence=(licence or described.name)[:100],
            attribution=(attribution or described.attribution)[:500],
            description=_description(path, data_format)[:500],
        )
        try:
            count = _write_ranges(dataset.pk, _counted(READERS[data_format](path), progress))
        except UnicodeDecodeError as error:
            raise NetworkFileError(f"not a UTF-8 text file: {error}") from None
        if count == 0:
            raise NetworkFileError(f"{path.name} holds no announced range")
        NetworkDataset.objects.exclude(pk=dataset.pk).delete()
        NetworkDataset.objects.filter(pk=dataset.pk).update(active=True, range_count=count)
    dataset.refresh_from_db()
    return dataset


def _described_licence(path: Path, data_format: str) -> Licence:
    if data_format != Format.MMDB:
        return LICENCES[data_format]
    database_type, _ = mmdb_description(path)
    return GEOLITE if database_type.startswith("GeoLite") else LICENSED_MMDB


def _description(path: Path, data_format: str) -> str:
    if data_format != Format.MMDB:
        return ""
    database_type, description = mmdb_description(path)
    return f"{database_type}: {description}" if description else database_type


def _counted(records: Iterable[NetworkRecord], progress: Callable[[int], None] | None) -> Iterator[NetworkRecord]:
    for record in records:
        if progress is not None:
            progress(1)
        yield record


def _row(dataset_id: int, record: NetworkRecord) -> tuple:
    return (
        dataset_id,
        record.version,
        ip_int_to_hex(record.first),
        ip_int_to_hex(record.last),
        record.asn,
        record.organisation,
        record.domain,
        record.country,
        network_kind(record.organisation, record.domain, record.user_type),
    )


def _write_ranges(dataset_id: int, records: Iterable[NetworkRecord]) -> int:
    rows = (_row(dataset_id, record) for record in records)
    if connection.vendor == "postgresql":
        return _copy_rows(rows)
    return _insert_rows(rows)


def _copy_rows(rows: Iterable[tuple]) -> int:
    count = 0
    table = NetworkRange._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _insert_rows(rows: Iterable[tuple]) -> int:
    count, batch = 0, []
    for row in rows:
        batch.append(NetworkRange(**dict(zip(COPY_COLUMNS, row, strict=True))))
        if len(batch) == BULK_BATCH:
            count += len(NetworkRange.objects.bulk_create(batch))
            batch = []
    return count + len(NetworkRange.objects.bulk_create(batch))
