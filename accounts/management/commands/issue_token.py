"""Print a new API token for a user (shown once)."""

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import Advertiser, ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token: issue_token USERNAME [--advertiser ID] [--name NAME]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--advertiser", type=int, help="Scope the token to this advertiser id.")
        parser.add_argument("--name", default="CLI token")

    def handle(self, *args, username, advertiser, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        scope = None
        if advertiser is not None:
            scope = Advertiser.objects.filter(pk=advertiser).first()
            if scope is None:
                raise CommandError(f"No advertiser with id {advertiser}.")
        try:
            _, plaintext = services.issue_token(user, advertiser=scope, name=name, source=ApiToken.Source.COMMAND)
        except services.CredentialError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(plaintext)
