"""Re-encrypt every stored connector and webhook secret with the newest CONNECTOR_SECRETS_KEY key."""

from django.core.management.base import BaseCommand, CommandError

from leads.stored_secrets import rotate_stored_secrets


class Command(BaseCommand):
    help = (
        "After adding a new key in front of CONNECTOR_SECRETS_KEY (new,old): re-encrypt every stored secret "
        "with the new key, so the old one can be removed."
    )
    # The start-up check refuses secrets the keys cannot read; this command must still run and name them.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500, help="Rows locked and updated per transaction.")

    def handle(self, *args, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        rotation = rotate_stored_secrets(batch_size=batch_size)
        self.stdout.write(f"{rotation.rotated} stored secrets re-encrypted with the newest key.")
        if rotation.unreadable:
            raise CommandError(
                f"{len(rotation.unreadable)} stored secrets are not readable with any key of CONNECTOR_SECRETS_KEY "
                f"and were left as they were: {', '.join(rotation.unreadable)}. Add the key they were encrypted "
                "with to CONNECTOR_SECRETS_KEY (after the newest) and run the command again."
            )
