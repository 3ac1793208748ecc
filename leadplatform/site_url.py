"""The platform's own absolute address, for links handed to the outside world."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

# Where `manage.py runserver` and `make run` listen by default; used only when neither
# SITE_URL nor a request says better (background jobs of an unconfigured local setup).
LOCAL_SITE_URL = "http://127.0.0.1:8000"


def platform_base_url(request: HttpRequest | None = None) -> str:
    """`SITE_URL` when set, else the scheme, host and port the request came in on; no trailing slash."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return LOCAL_SITE_URL
