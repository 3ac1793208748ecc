"""Tests: PostgreSQL and Redis of this machine unless DATABASE_URL / REDIS_URL say otherwise.

Under pytest-xdist each worker (gw0, gw1, …) uses its own Redis db: REDIS_URL's db plus the
worker's number (db 14 and 15 for two workers by default); pytest-django gives each its own
test database (test_<name>_gw0, …). The per-worker URL is written back to the environment, so
the processes a test starts (Celery workers) inherit it and do not add the offset again.
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/leadplatform")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("CELERY_BROKER_URL", "memory://")


def redis_url_of_worker(url: str, worker: str) -> str:
    """`url` with its db number raised by the xdist worker's number (gw1: db + 1)."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{db}"))


_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.environ["REDIS_URL"] and os.environ.get("TEST_REDIS_URL_WORKER") != _worker:
    os.environ["REDIS_URL"] = redis_url_of_worker(os.environ["REDIS_URL"], _worker)
    os.environ["TEST_REDIS_URL_WORKER"] = _worker

from .base import *  # noqa: E402,F401,F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# One media folder per xdist worker: uploads of concurrent tests never meet.
MEDIA_ROOT = str(VAR_DIR / "test-media" / _worker)  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
CELERY_TASK_ALWAYS_EAGER = False
