"""Load a network data file (iptoasn TSV, DB-IP Lite ASN CSV or a MaxMind DB) as the active network data."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from leads.intel.network_data import import_network_data
from leads.intel.network_formats import READERS, NetworkFileError


class Command(BaseCommand):
    help = (
        "Import network data: import_network_data FILE --format iptoasn|dbip-asn|mmdb "
        "[--licence TEXT] [--attribution TEXT]. Replaces the previous import in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=sorted(READERS), dest="data_format")
        parser.add_argument("--licence", default="", help="Overrides the format's known licence.")
        parser.add_argument("--attribution", default="", help="The credit the licence asks for.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar (for logs).")

    def handle(self, *args, file: Path, data_format: str, licence: str, attribution: str, no_progress, **options):
        bar = tqdm(unit=" ranges", unit_scale=True, disable=no_progress, file=self.stderr._out, desc=file.name)
        try:
            dataset = import_network_data(
                file, data_format, licence=licence, attribution=attribution, progress=bar.update
            )
        except NetworkFileError as error:
            raise CommandError(f"{file}: {error}") from error
        finally:
            bar.close()
        self.stdout.write(
            f"Imported {dataset.range_count:,} ranges from {dataset.source} ({dataset.get_format_display()}, "
            f"{dataset.licence}); the previous network data was replaced."
        )
