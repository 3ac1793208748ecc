from django.apps import AppConfig


class LeadsConfig(AppConfig):
    name = "leads"
    default_auto_field = "django.db.models.BigAutoField"

    #: Social lead generation, then the web scraper.
    demo_modules = ("leads.social.demo", "leads.web.demo")
    periodic_tasks = {
        # Social lead generation: beat wakes workers for queued jobs whose backoff has passed or whose
        # slot is free, restarts stalled claims, and recovers running jobs whose heartbeat stopped.
        "dispatch queued social scrape jobs": {
            "task": "leads.dispatch_scrape_jobs",
            "every_seconds": 60,
            "expires": 55,
        },
        "recover jobs whose worker is gone": {"task": "leads.recover_stalled_jobs", "every_seconds": 60, "expires": 55},
        "refresh expiring connector tokens": {
            "task": "leads.refresh_connector_tokens",
            "every_seconds": 3600,
            "expires": 600,
        },
        # Web scraper: proxies, background exports, webhooks.
        "re-check scraper proxies": {"task": "leads.recheck_proxies", "every_seconds": 15 * 60, "expires": 14 * 60},
        "delete expired background exports": {
            "task": "leads.delete_expired_exports",
            "every_seconds": 3600,
            "expires": 600,
        },
        "re-send overdue webhook deliveries": {
            "task": "leads.resend_overdue_webhooks",
            "every_seconds": 5 * 60,
            "expires": 4 * 60,
        },
    }

    def ready(self) -> None:
        from . import checks, signals  # noqa: F401  (registers the start-up check, connects the receivers)
