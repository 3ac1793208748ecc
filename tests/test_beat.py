"""Periodic tasks follow settings: declared ones are registered, ones taken out stop firing."""

import pytest
from django_celery_beat.models import PeriodicTask

from leadplatform.beat import register_periodic_tasks

pytestmark = pytest.mark.django_db


def test_every_declared_task_is_registered(settings):
    register_periodic_tasks()
    assert set(settings.PERIODIC_TASKS) <= set(PeriodicTask.objects.values_list("name", flat=True))


def test_a_task_taken_out_of_settings_is_deleted(settings):
    register_periodic_tasks()
    removed = next(iter(settings.PERIODIC_TASKS))
    settings.PERIODIC_TASKS = {name: spec for name, spec in settings.PERIODIC_TASKS.items() if name != removed}
    register_periodic_tasks()
    assert not PeriodicTask.objects.filter(name=removed).exists()


def test_a_jobs_own_schedule_is_left_alone(settings):
    from django_celery_beat.models import IntervalSchedule

    every, _ = IntervalSchedule.objects.get_or_create(every=3600, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="scrape-job-1", task="leads.queue_scheduled_scrape_job", interval=every)
    register_periodic_tasks()
    assert PeriodicTask.objects.filter(name="scrape-job-1").exists()
