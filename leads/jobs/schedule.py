"""A social or web job's schedule: one django-celery-beat task per job, checked by `leads.schedules`."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from leads import schedules
from leads.models import JobDispatch, ScrapeJob

#: What beat calls for a scheduled job: web jobs start a new crawl; social jobs join the queue.
SCHEDULED_RUN_TASK = {ScrapeJob.Kind.WEB: "leads.rerun_scheduled_web_job"}


def set_job_schedule(job: ScrapeJob, schedule: dict | None) -> PeriodicTask | None:
    """{"interval_seconds": N} or {"crontab": "m h dom mon dow"}; None clears it. One beat task per job.

    The schedule is checked again here (`leads.schedules`): no caller can schedule runs closer
    together than minimum interval. Raises `schedules.ScheduleError`.
    """
    dispatch, _ = JobDispatch.objects.get_or_create(job=job, defaults={"max_retries": settings.LEADS_JOB_MAX_RETRIES})
    if not schedule:
        if dispatch.periodic_task_id:
            PeriodicTask.objects.filter(pk=dispatch.periodic_task_id).delete()
        return None
    schedule = schedules.check_schedule(schedule)
    fields: dict[str, Any] = {"interval": None, "crontab": None}
    if schedule.get("interval_seconds"):
        seconds = int(schedule["interval_seconds"])
        fields["interval"], _ = IntervalSchedule.objects.get_or_create(every=seconds, period=IntervalSchedule.SECONDS)
        expires = seconds
    else:
        minute, hour, day_of_month, month_of_year, day_of_week = str(schedule["crontab"]).split()
        fields["crontab"], _ = CrontabSchedule.objects.get_or_create(
            minute=minute,
            hour=hour,
            day_of_month=day_of_month,
            month_of_year=month_of_year,
            day_of_week=day_of_week,
            timezone="UTC",
        )
        expires = 3600
    task, _ = PeriodicTask.objects.update_or_create(
        name=f"scrape-job-{job.pk}",
        defaults={
            **fields,
            "task": SCHEDULED_RUN_TASK.get(job.kind, "leads.queue_scheduled_scrape_job"),
            "args": json.dumps([job.pk]),
            "enabled": True,
            # A run that could not be delivered within its period is dropped, not piled up.
            "expire_seconds": max(60, min(expires, 24 * 3600)),
        },
    )
    if dispatch.periodic_task_id != task.pk:
        dispatch.periodic_task = task
        dispatch.save(update_fields=["periodic_task"])
    return task


def describe_schedule(job: ScrapeJob) -> dict[str, Any] | None:
    dispatch = getattr(job, "dispatch", None)
    task = dispatch.periodic_task if dispatch else None
    if task is None:
        return None
    if task.interval_id:
        return {"interval_seconds": task.interval.every if task.interval.period == "seconds" else None, "crontab": None}
    crontab = task.crontab
    return {
        "interval_seconds": None,
        "crontab": " ".join(
            [crontab.minute, crontab.hour, crontab.day_of_month, crontab.month_of_year, crontab.day_of_week]
        ),
    }
