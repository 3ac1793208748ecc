"""Notifications to a user: stored for the app to list, and sent by e-mail."""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification, User

logger = logging.getLogger(__name__)


def notify_user(user: User, message: str, type: str = "general") -> Notification:
    """Store the notification (the app lists it) and send it by e-mail."""
    notification = Notification.objects.create(user=user, type=type, message=message)
    try:
        send_mail(f"Notification: {type}", message, settings.DEFAULT_FROM_EMAIL, [user.email])
    except (smtplib.SMTPException, OSError):
        logger.exception("Could not e-mail notification %s", notification.pk)
        return notification
    Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    notification.emailed_at = timezone.now()
    return notification
