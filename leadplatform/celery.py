"""The Celery application: configured from Django settings (CELERY_* names); workers write heartbeats."""

import os

from celery import Celery
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")

app = Celery("leadplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def start_worker_heartbeat(sender, **kwargs):
    from leads import worker_heartbeats

    worker_heartbeats.start(sender.hostname)


@worker_shutdown.connect
def stop_worker_heartbeat(**kwargs):
    from leads import worker_heartbeats

    worker_heartbeats.stop()
