"""Periodic tasks follow the apps' declarations: declared ones are registered, ones taken out stop firing."""

import pytest
from django.apps import apps
from django_celery_beat.models import PeriodicTask

from leadplatform.beat import declared_periodic_tasks, register_periodic_tasks

pytestmark = pytest.mark.django_db


def test_every_declared_task_is_registered():
    register_periodic_tasks()
    assert set(declared_periodic_tasks()) <= set(PeriodicTask.objects.values_list("name", flat=True))


def test_a_task_taken_out_of_its_app_is_deleted(monkeypatch):
    register_periodic_tasks()
    config = next(config for config in apps.get_app_configs() if getattr(config, "periodic_tasks", None))
    removed = next(iter(config.periodic_tasks))
    monkeypatch.setattr(
        config, "periodic_tasks", {name: spec for name, spec in config.periodic_tasks.items() if name != removed}
    )
    register_periodic_tasks()
    assert not PeriodicTask.objects.filter(name=removed).exists()
    assert set(declared_periodic_tasks()) <= set(PeriodicTask.objects.values_list("name", flat=True))


def test_a_jobs_own_schedule_is_left_alone():
    from django_celery_beat.models import IntervalSchedule

    every, _ = IntervalSchedule.objects.get_or_create(every=3600, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="scrape-job-1", task="leads.queue_scheduled_scrape_job", interval=every)
    register_periodic_tasks()
    assert PeriodicTask.objects.filter(name="scrape-job-1").exists()
