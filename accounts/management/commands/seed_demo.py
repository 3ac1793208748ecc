"""Create or refresh the deterministic demo dataset; `--json` prints fresh credentials.

Each app names its demo modules on its AppConfig (`demo_modules`); each module's
`seed(credentials)` runs in its own transaction, app by app in the order of INSTALLED_APPS.
"""

import json
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def demo_modules() -> list[str]:
    """Each installed app's `demo_modules` (its AppConfig), in the order of INSTALLED_APPS."""
    return [module for config in apps.get_app_configs() for module in getattr(config, "demo_modules", ())]


class Command(BaseCommand):
    help = "Load the demo data (idempotent). Each app contributes the demo modules its AppConfig names."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the credentials as JSON.")

    def handle(self, *args, **options):
        credentials: dict = {}
        modules = demo_modules()
        for number, module_path in enumerate(modules, start=1):
            # One progress line per app; with --json stdout carries the JSON document only.
            if not options["json"]:
                self.stdout.write(f"demo data {number}/{len(modules)}: {module_path}")
            with transaction.atomic():
                import_module(module_path).seed(credentials)
        if options["json"]:
            self.stdout.write(json.dumps(credentials, indent=2))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data ready. `manage.py seed_demo --json` prints credentials."))
            platform = credentials.get("platform", {})
            self.stdout.write(f"Admin: {platform.get('username')} / {platform.get('password')}  at /admin/")
            for publisher in credentials.get("publishers", [])[:1]:
                self.stdout.write(
                    f"Influencer: {publisher['username']} / {publisher['password']}  at /login/ (the app at /app/)"
                )
