from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    #: Run first by `manage.py seed_demo`: every other app's demo data builds on these accounts.
    demo_modules = ("accounts.demo",)
    periodic_tasks = {
        # API requests are counted in the shared counter store and added to the tokens' totals here.
        "flush API usage counters": {"task": "accounts.flush_usage_counters", "every_seconds": 60, "expires": 55},
    }

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the receivers)
