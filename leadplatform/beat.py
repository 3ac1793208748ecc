"""Periodic tasks, declared in settings.PERIODIC_TASKS and kept in django-celery-beat's tables.

Registered after every `migrate`, so they show (and can be paused) in admin. Each row gets
an expiry so a backlog after downtime is dropped instead of run many times over.
"""
from __future__ import annotations

import json

from django.conf import settings


def register_periodic_tasks(**kwargs) -> None:
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

    for name, spec in settings.PERIODIC_TASKS.items():
        defaults = {
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
            fields = dict(zip(("minute", "hour", "day_of_month", "month_of_year", "day_of_week"), spec["crontab"].split(), strict=True))
            defaults["crontab"], _ = CrontabSchedule.objects.get_or_create(**fields, timezone="UTC")
        PeriodicTask.objects.update_or_create(name=name, defaults=defaults)
