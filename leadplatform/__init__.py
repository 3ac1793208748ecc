"""The lead and campaign platform's project package."""

from .celery import app as celery_app

__all__ = ("celery_app",)
