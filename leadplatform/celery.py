"""The Celery application: configured from Django settings (CELERY_* names); workers write heartbeats."""

import gc
import os

from celery import Celery
from celery.signals import beat_init, worker_init, worker_ready, worker_shutdown

from . import embedded_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "leadplatform.settings.local")

embedded_broker.register()
app = Celery("leadplatform")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def refuse_to_start_with_unreadable_secrets(**kwargs):
    """Celery runs Django's system checks at start-up but ignores their errors: this one stops the worker."""
    from django.core.checks import run_checks

    from leads import checks

    errors = [message for message in run_checks(tags=[checks.TAG]) if message.is_serious()]
    if errors:
        raise SystemExit("\n".join(f"{error.id}: {error.msg} {error.hint}" for error in errors))


@worker_ready.connect
def start_worker_heartbeat(sender, **kwargs):
    from leads import worker_heartbeats

    worker_heartbeats.start(sender.hostname)


@worker_ready.connect
@beat_init.connect
def freeze_startup_objects(**kwargs):
    """Leave what start-up built (Django, the apps, every task module) out of garbage collection.

    Those objects live as long as the process; collecting them at exit took the interpreter
    about 2 seconds of CPU on every stop of an idle worker or beat.
    """
    gc.freeze()


@worker_shutdown.connect
def stop_worker_heartbeat(**kwargs):
    from leads import worker_heartbeats

    worker_heartbeats.stop()
