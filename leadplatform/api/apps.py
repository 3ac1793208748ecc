from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class ApiConfig(AppConfig):
    name = "leadplatform.api"
    label = "api"

    periodic_tasks = {
        "purge expired rate-limit counters": {
            "task": "accounts.purge_expired_counters",
            "every_seconds": 3600,
            "expires": 600,
        },
        "purge idempotency keys": {"task": "tasks.purge_idempotency_keys", "every_seconds": 3600, "expires": 600},
    }

    def ready(self) -> None:
        from django.urls import register_converter

        from .converters import ObjectIdConverter

        register_converter(ObjectIdConverter, "id")
        # Once per migrate, after django-celery-beat's tables exist.
        post_migrate.connect(
            _register_periodic_tasks, sender=apps.get_app_config("django_celery_beat"), dispatch_uid="periodic_tasks"
        )


def _register_periodic_tasks(sender, **kwargs) -> None:
    from leadplatform.beat import register_periodic_tasks

    register_periodic_tasks(**kwargs)
