from django.apps import AppConfig


class IntelConfig(AppConfig):
    """Lead intelligence: visit tracking, company and person identification, the /api/intel/v1 surface."""

    name = "leads.intel"
    label = "intel"
    verbose_name = "Lead intelligence"
    default_auto_field = "django.db.models.BigAutoField"

    demo_modules = ("leads.intel.demo",)
    periodic_tasks = {
        # The collect route publishes a drain itself; this one catches a lost publish (leads/intel/README.md).
        "drain collected beacons": {"task": "intel.drain_collected_beacons", "every_seconds": 5, "expires": 5},
        "send overdue alert e-mails": {"task": "intel.send_overdue_alert_emails", "every_seconds": 60, "expires": 60},
    }

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the receivers
