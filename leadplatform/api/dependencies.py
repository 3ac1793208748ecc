"""Backing services a request may need (Redis, the Celery broker): their outage is a 503, never a 500."""

from __future__ import annotations

from django.conf import settings
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status

# What the Redis client (cache, counters) and kombu (publishing a task) raise when the server
# cannot be reached or does not answer in time.
DEPENDENCY_ERRORS = (RedisConnectionError, RedisTimeoutError, BrokerOperationalError)


class DependencyUnavailable(exceptions.APIException):
    """A backing service is unreachable: 503 with Retry-After, in the surface's error shape."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The service is temporarily unavailable. Retry shortly."
    default_code = "service_unavailable"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail)
        self.wait = settings.DEPENDENCY_RETRY_AFTER_SECONDS  # DRF renders it as Retry-After
