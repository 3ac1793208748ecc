"""Periodic tasks, declared by each app's AppConfig (`periodic_tasks`) and kept in django-celery-beat's tables.

An app declares the tasks of its own concern:

    class LeadsConfig(AppConfig):
        periodic_tasks = {name: {"task", "every_seconds" | "crontab": "m h dom mon dow", "expires", "kwargs"}}

Registered after every `migrate`, so they show (and can be paused) in admin; exactly one beat
runs them. Each row gets an expiry so a backlog after downtime is dropped instead of run many
times over. A row this registration made (its description says so) whose name is no longer
declared is deleted, so a task taken out of its app stops firing; rows made elsewhere (a job's
own schedule) are left alone.
"""

from __future__ import annotations

import json

from django.apps import apps

#: The description of every row registered here: how the ones no longer declared are found. Rows
#: already in a database carry this exact text, so it stays as it is.
DECLARED = "Declared in settings.PERIODIC_TASKS (leadplatform/beat.py)."


def declared_periodic_tasks() -> dict[str, dict]:
    """Every installed app's `periodic_tasks`, in the order of INSTALLED_APPS; a name is declared once."""
    declared: dict[str, dict] = {}
    for config in apps.get_app_configs():
        for name, spec in getattr(config, "periodic_tasks", {}).items():
            if name in declared:
                raise ValueError(f"The periodic task {name!r} is declared twice (again by {config.label}).")
            declared[name] = spec
    return declared


def register_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    declared = declared_periodic_tasks()
    for name, spec in declared.items():
        defaults = {
            "description": DECLARED,
            "task": spec["task"],
            "kwargs": json.dumps(spec.get("kwargs", {})),
            "expire_seconds": spec.get("expires", 300),
            "interval": None,
            "crontab": None,
        }
        if "every_seconds" in spec:
            defaults["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=spec["every_seconds"], period=IntervalSchedule.SECONDS
            )
        else:
            fields = dict(
                zip(
                    ("minute", "hour", "day_of_month", "month_of_year", "day_of_week"),
                    spec["crontab"].split(),
                    strict=True,
                )
            )
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(**fields, timezone="UTC")
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
    PeriodicTask.objects.filter(description=DECLARED).exclude(name__in=list(declared)).delete()
