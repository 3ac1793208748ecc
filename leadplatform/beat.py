"""Periodic tasks, declared in settings.PERIODIC_TASKS and kept in django-celery-beat's tables.

Registered after every `migrate`, so they show (and can be paused) in admin. Each row gets
an expiry so a backlog after downtime is dropped instead of run many times over. A row this
registration made (its description says so) whose name is no longer declared is deleted, so a
task taken out of settings stops firing; rows made elsewhere (a job's own schedule) are left alone.
"""

from __future__ import annotations

import json

from django.conf import settings

#: The description of every row registered here: how the ones no longer declared are found.
DECLARED = "Declared in settings.PERIODIC_TASKS (leadplatform/beat.py)."


def register_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for name, spec in settings.PERIODIC_TASKS.items():
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
    PeriodicTask.objects.filter(description=DECLARED).exclude(name__in=list(settings.PERIODIC_TASKS)).delete()
